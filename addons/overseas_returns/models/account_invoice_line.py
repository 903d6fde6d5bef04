from odoo import fields, models


class AccountInvoiceLine(models.Model):
    _inherit = 'account.invoice.line'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, readonly=True, copy=False,
                                     ondelete='set null')
    return_deduction_type = fields.Selection([
        ('restocking_fee', 'Restocking fee'),
        ('damage', 'Damage deduction'),
        ('missing_parts', 'Missing parts'),
        ('return_label', 'Return label'),
        ('goodwill', 'Goodwill'),
    ], string='Return Deduction', readonly=True, copy=False)
