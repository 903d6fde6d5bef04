from odoo import api, fields, models

from .overseas_return_reason import FAULT_PARTIES

class OverseasReturnRefundRule(models.Model):
    """The company's refund policy, one rule per situation.

    The first rule (by sequence) whose reason category, fault party and grade match
    a return line (an empty criterion matches anything) sets its deductions.
    """

    _name = 'overseas.return.refund.rule'
    _inherit = ['overseas.return.refund.setting.mixin']
    _description = 'Return Refund Rule'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one('res.company', default=lambda self: self.env.user.company_id,
                                 help='Empty: applies to every company.')
    reason_category_id = fields.Many2one('overseas.return.reason.category',
                                         string='Reason Category')
    fault_party = fields.Selection(FAULT_PARTIES)
    grade_id = fields.Many2one('overseas.return.grade', string='Grade')
    restocking_fee_percent = fields.Float(string='Restocking Fee (%)')
    damage_percent = fields.Float(
        string='Damage Deduction (%)',
        help='Deducted when the customer is at fault for the condition of the goods.')
    refund_return_shipping = fields.Boolean(
        default=True, help='Unticked: the return label is deducted from the refund.')
    return_label_fee = fields.Float(
        string='Return Label Cost', help='In the company currency; deducted once per '
                                         'return when return shipping is not refunded.')

    @api.model
    def _rule_for_lines(self, lines):
        """Return {line: rule} (an empty recordset when no rule matches)."""
        rules = self.search([])
        result = {}
        for line in lines:
            result[line] = next((
                rule for rule in rules
                if (not rule.company_id or rule.company_id == line.company_id)
                and (not rule.reason_category_id
                     or rule.reason_category_id == line.reason_category_id)
                and (not rule.fault_party or rule.fault_party == line.fault_party)
                and (not rule.grade_id or rule.grade_id == line.grade_id)), self.browse())
        return result
