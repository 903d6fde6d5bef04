from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    # the same field as Odoo's delivery add-on, so both can be installed together
    hs_code = fields.Char(
        string='HS Code',
        help='Harmonized System code printed on the commercial invoice of '
             'return-to-origin shipments.')
