from odoo import api, fields, models


class ResCompany(models.Model):
    """Which status e-mails of returns go to the customers of the company; a change
    of the company tree refreshes the record rules (ir_rule.py)."""

    _inherit = 'res.company'

    overseas_mail_approved = fields.Boolean(
        string='Return Approved E-mail', default=True,
        help='Send the RMA number, the return instructions and the return slip.')
    overseas_mail_received = fields.Boolean(
        string='Return Received E-mail', default=True)
    overseas_mail_inspected = fields.Boolean(
        string='Return Inspected E-mail', default=True,
        help='Send the outcome of the inspection of each product.')
    overseas_mail_refunded = fields.Boolean(
        string='Return Refunded E-mail', default=True,
        help='Send the amount and the deductions of each validated credit note.')
    overseas_mail_rejected = fields.Boolean(
        string='Return Rejected E-mail', default=True)
    overseas_mail_done = fields.Boolean(
        string='Return Done E-mail', default=True,
        help='Close the return and ask the customer for a rating.')

    @api.model
    def create(self, vals):
        company = super(ResCompany, self).create(vals)
        if vals.get('parent_id'):
            self.env['ir.rule'].clear_caches()  # ir_rule.py: the company tree changed
        return company

    @api.multi
    def write(self, vals):
        result = super(ResCompany, self).write(vals)
        if 'parent_id' in vals:
            self.env['ir.rule'].clear_caches()  # ir_rule.py: the company tree changed
        return result
