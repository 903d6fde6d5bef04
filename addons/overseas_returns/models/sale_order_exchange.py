from odoo import fields, models


class SaleOrder(models.Model):
    """Quotations for the price difference of an exchanged return."""

    _inherit = 'sale.order'

    exchange_return_id = fields.Many2one(
        'overseas.return.order', string='Exchange for Return', index=True, readonly=True,
        copy=False, help='The customer return whose goods this order replaces.')
