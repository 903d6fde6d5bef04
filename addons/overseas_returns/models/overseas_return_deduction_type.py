from odoo import fields, models

DEDUCTION_TYPES = [
    ('restocking_fee', 'Restocking fee'),
    ('damage', 'Damage deduction'),
    ('missing_parts', 'Missing parts'),
    ('return_label', 'Return label'),
    ('goodwill', 'Goodwill credit'),
]

class OverseasReturnDeductionType(models.Model):
    """Where each kind of deduction is booked on a credit note."""

    _name = 'overseas.return.deduction.type'
    _inherit = ['overseas.return.refund.setting.mixin']
    _description = 'Refund Deduction Type'
    _order = 'sequence, id'

    code = fields.Selection(DEDUCTION_TYPES, required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one('product.product', string='Product', required=True,
                                 domain=[('type', '=', 'service')])
    account_id = fields.Many2one(
        'account.account', string='Account',
        help="Leave empty to use the product's income account.")
    company_id = fields.Many2one('res.company')

    _sql_constraints = [
        ('code_company_uniq', 'unique (code, company_id)',
         'There is already a deduction type with this code for this company.'),
    ]
