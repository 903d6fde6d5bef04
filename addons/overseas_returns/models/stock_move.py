from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = 'stock.move'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, ondelete='set null', copy=False)
    return_order_id = fields.Many2one(related='return_line_id.order_id', store=True,
                                      readonly=True, string='Return')

    def _action_done(self):
        moves = super(StockMove, self)._action_done()
        if not self.env.context.get('overseas_return_receiving'):
            # the rest of a partial receipt, validated later from its backorder
            late = moves.filtered(
                lambda move: move.return_line_id and move.state == 'done'
                and move.picking_type_id == move.return_line_id.warehouse_id.return_type_id)
            for move in late:
                move.return_line_id.qty_received += move.product_qty
        return moves
