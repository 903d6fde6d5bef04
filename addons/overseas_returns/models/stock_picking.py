from odoo import fields, models

from .overseas_return_guard import ensure_one_record


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    return_order_id = fields.Many2one('overseas.return.order', string='Customer Return',
                                      index=True, readonly=True, copy=False)
    exchange_return_id = fields.Many2one(
        'overseas.return.order', string='Exchange for Return', index=True, readonly=True,
        copy=False, help='The customer return this delivery replaces goods for.')

    def action_create_overseas_return(self):
        """Start a customer return from this done delivery."""
        ensure_one_record(self)
        order = self.env['overseas.return.order'].create_from_delivery(self)
        return order._action_open_form()
