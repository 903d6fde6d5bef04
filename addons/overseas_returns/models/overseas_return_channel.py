from odoo import fields, models


class OverseasReturnChannel(models.Model):
    """Where the sale happened: a marketplace or the merchant's own shop."""

    _name = 'overseas.return.channel'
    _description = 'Sales Channel'
    _order = 'sequence, name'

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one('res.company', string='Company')

    _sql_constraints = [
        ('code_uniq', 'unique (code)', 'A sales channel with this code already exists.'),
    ]
