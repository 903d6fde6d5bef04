from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import float_compare, float_is_zero

from .overseas_return_guard import action_writes, in_action, refuse_line_derived_writes, \
    with_line_values

# what a done move of a return keeps (stock.move._check_return_move_write)
DONE_MOVE_FIELDS = {'product_id', 'product_uom_qty', 'product_uom', 'quantity_done',
                    'location_id', 'location_dest_id'}


class StockMove(models.Model):
    _inherit = 'stock.move'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, ondelete='set null', copy=False)
    # the line's return, stored from the line (overseas_return_guard.with_line_values)
    return_order_id = fields.Many2one('overseas.return.order', string='Return',
                                      readonly=True, copy=False)

    @api.model
    def create(self, vals):
        return super(StockMove, self).create(with_line_values(
            self, vals, 'return_line_id', {'return_order_id': 'order_id'}, create=True))

    @api.multi
    def write(self, vals):
        refuse_line_derived_writes(self, vals, ['return_order_id'])
        self._check_return_move_write(vals)
        return super(StockMove, self).write(with_line_values(
            self, vals, 'return_line_id', {'return_order_id': 'order_id'}))

    def _check_return_move_write(self, vals):
        """A return's moves are the returns' actions' to tie to a line, and a done one
        keeps its product, quantity and locations: over RPC a user would otherwise cut
        a receipt loose from its return, or make the return disagree with the stock."""
        if in_action() or self.env.uid == SUPERUSER_ID:
            return
        if 'return_line_id' in vals and any(
                move.return_line_id.id != (vals['return_line_id'] or False) for move in self):
            raise AccessError(_('The return line of a stock move is set by the returns\' '
                                'actions: it cannot be changed.'))
        if DONE_MOVE_FIELDS & set(vals) and any(
                move.return_line_id and move.state == 'done' for move in self):
            raise AccessError(_('A done stock move of a return keeps its product, '
                                'quantity and locations.'))

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
            with action_writes():  # the receipt owns what it received
                for move in late:
                    line = move.return_line_id
                    if line.state == 'received':
                        line.qty_received += move.product_qty
                    else:
                        # inspected or disposed of meanwhile: a line of their own
                        move.return_line_id = line._take_late_units(move.product_qty)
        return moves

    @api.model
    def _valued_quantity(self, product, company):
        """The quantity the stock value of ``product`` stands for: every internal
        location of the company. ``qty_available`` counts only locations inside
        warehouses, and the returns locations sit outside them (not sellable), yet
        their units are valued and belong in the average."""
        groups = self.env['stock.quant'].sudo().read_group(
            [('product_id', '=', product.id), ('location_id.usage', '=', 'internal'),
             ('location_id.company_id', '=', company.id)], ['quantity'], [])
        return groups and groups[0]['quantity'] or 0.0

    def product_price_update_before_done(self, forced_qty=None):
        """Average cost: Odoo 11 re-averages on receipts from suppliers and production
        only. A customer return of ours comes back at the cost the unit left with (not
        at today's average), so it enters the average like a purchase; otherwise stock
        value and quantity x average cost would drift apart."""
        super(StockMove, self).product_price_update_before_done(forced_qty=forced_qty)
        returns = self.filtered(
            lambda move: move.return_line_id and move.origin_returned_move_id
            and move.location_id.usage == 'customer' and move.price_unit
            and move.product_id.cost_method == 'average')
        counted = {}
        for move in returns:
            product = move.product_id.with_context(force_company=move.company_id.id)
            rounding = product.uom_id.rounding
            key = (move.company_id.id, product.id)
            on_hand, average = counted.get(
                key, (self._valued_quantity(product, move.company_id), product.standard_price))
            qty = forced_qty or move.product_uom._compute_quantity(
                move.quantity_done, product.uom_id)
            if float_is_zero(on_hand + qty, precision_rounding=rounding) or \
                    float_compare(on_hand, 0.0, precision_rounding=rounding) <= 0:
                average = move.price_unit
            else:
                average = (average * on_hand + move.price_unit * qty) / (on_hand + qty)
            counted[key] = (on_hand + qty, average)
            # as superuser, like Odoo: warehouse staff may not write on products
            product.sudo().write({'standard_price': average})
