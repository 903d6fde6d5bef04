from odoo import api, fields, models


class StockMove(models.Model):
    _inherit = 'stock.move'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, ondelete='set null', copy=False)
    return_order_id = fields.Many2one(related='return_line_id.order_id', store=True,
                                      readonly=True, string='Return')

    def _prepare_merge_moves_distinct_fields(self):
        """Keep one move per return line, so every unit traces back to its return."""
        fields_list = super(StockMove, self)._prepare_merge_moves_distinct_fields()
        return fields_list + ['return_line_id']

    @api.model
    def _prepare_merge_move_sort_method(self, move):
        keys = super(StockMove, self)._prepare_merge_move_sort_method(move)
        return keys + [move.return_line_id.id]

    def _prepare_move_split_vals(self, qty):
        """A backorder of a return receipt still belongs to its return line."""
        vals = super(StockMove, self)._prepare_move_split_vals(qty)
        vals['return_line_id'] = self.return_line_id.id
        return vals

    def _action_done(self):
        moves = super(StockMove, self)._action_done()
        if not self.env.context.get('overseas_return_receiving'):
            # the rest of a partial receipt, validated later from its backorder
            late = moves.filtered(
                lambda move: move.return_line_id and move.state == 'done'
                and move.picking_id.picking_type_id
                == move.return_line_id.warehouse_id.return_type_id)
            for move in late:
                move.return_line_id.qty_received += move.product_qty
        return moves
