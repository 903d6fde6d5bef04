from odoo import fields, models


class StockPicking(models.Model):
    """Deliveries of replacement goods sent for an exchanged return."""

    _inherit = 'stock.picking'

    exchange_return_id = fields.Many2one(
        'overseas.return.order', string='Exchange for Return', index=True, readonly=True,
        copy=False, help='The customer return this delivery replaces goods for.')
