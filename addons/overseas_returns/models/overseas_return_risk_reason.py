from odoo import fields, models

RISK_CODES = [
    ('serial_mismatch', 'Serial number mismatch'),
    ('empty_box', 'Nothing in the box'),
    ('other_item', 'Something else in the box'),
    ('weight', 'Weight far from the product'),
    ('wear', 'Wear on a "changed my mind" return'),
    ('return_rate', 'Return rate above the channel baseline'),
    ('return_count', 'Many returns in 12 months'),
    ('early_refund', 'Refund requested before receipt'),
    ('shared_abuse', 'Address or account of an abusive return'),
]


class OverseasReturnRiskReason(models.Model):
    """One signal that raised the risk score of a return, with its evidence.

    Rebuilt by the return's risk assessment (overseas_return_order_risk.py)."""

    _name = 'overseas.return.risk.reason'
    _description = 'Return Risk Reason'
    _order = 'points desc, id'
    _rec_name = 'code'

    order_id = fields.Many2one('overseas.return.order', string='Return', required=True,
                               ondelete='cascade', index=True, readonly=True)
    partner_id = fields.Many2one(related='order_id.partner_id', store=True,
                                 readonly=True, string='Customer')
    company_id = fields.Many2one(related='order_id.company_id', store=True,
                                 readonly=True)
    code = fields.Selection(RISK_CODES, required=True, readonly=True)
    description = fields.Char(readonly=True)
    points = fields.Integer(readonly=True)
    evidence = fields.Text(readonly=True)
