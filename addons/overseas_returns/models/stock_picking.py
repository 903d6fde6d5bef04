from odoo import api, fields, models

from .mail_message import returns_mail
from .overseas_return_guard import ensure_one_record


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    return_order_id = fields.Many2one('overseas.return.order', string='Customer Return',
                                      index=True, readonly=True, copy=False)
    exchange_return_id = fields.Many2one(
        'overseas.return.order', string='Exchange for Return', index=True, readonly=True,
        copy=False, help='The customer return this delivery replaces goods for.')

    @api.multi
    def action_done(self):
        """A return's receipt (the rest of a short one, validated from its backorder by
        whoever is at the dock): mail never blocks it, also for a clerk without an
        e-mail address (mail_message.py)."""
        if any(move.return_line_id for move in self.mapped('move_lines')):
            with returns_mail():
                return super(StockPicking, self).action_done()
        return super(StockPicking, self).action_done()

    def action_create_overseas_return(self):
        """Start a customer return from this done delivery."""
        ensure_one_record(self)
        order = self.env['overseas.return.order'].create_from_delivery(self)
        return order._action_open_form()
