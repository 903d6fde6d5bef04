from odoo import fields, models


class OverseasReturnReasonCategory(models.Model):
    """What kind of problem the customer reports; the unit managers review."""

    _name = 'overseas.return.reason.category'
    _description = 'Return Reason Category'
    _order = 'sequence, id'

    code = fields.Selection([
        ('mismatch', 'Description mismatch'),
        ('quality', 'Quality'),
        ('expectation', 'Expectation'),
        ('logistics', 'Logistics'),
        ('other', 'Other'),
    ], required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    reason_ids = fields.One2many('overseas.return.reason', 'category_id', string='Reasons')

    _sql_constraints = [
        ('code_uniq', 'unique (code)', 'A reason category with this code already exists.'),
    ]
