from odoo import api, fields, models

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

    # the stored refund figures of open returns depend on this setting
    @api.model
    def create(self, vals):
        record = super(OverseasReturnDeductionType, self).create(vals)
        self.env['overseas.return.order']._refresh_refund_amounts()
        return record

    @api.multi
    def write(self, vals):
        result = super(OverseasReturnDeductionType, self).write(vals)
        self.env['overseas.return.order']._refresh_refund_amounts()
        return result

    @api.multi
    def unlink(self):
        result = super(OverseasReturnDeductionType, self).unlink()
        self.env['overseas.return.order']._refresh_refund_amounts()
        return result
