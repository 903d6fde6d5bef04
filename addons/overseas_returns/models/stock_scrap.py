from odoo import api, fields, models

from .overseas_return_guard import refuse_line_derived_writes, with_line_values


class StockScrap(models.Model):
    _inherit = 'stock.scrap'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, readonly=True, copy=False)
    # the line's return, stored from the line (overseas_return_guard.with_line_values)
    return_order_id = fields.Many2one('overseas.return.order', string='Return',
                                      readonly=True, copy=False)

    @api.model
    def create(self, vals):
        return super(StockScrap, self).create(with_line_values(
            self, vals, 'return_line_id', {'return_order_id': 'order_id'}, create=True))

    @api.multi
    def write(self, vals):
        refuse_line_derived_writes(self, vals, ['return_order_id'])
        return super(StockScrap, self).write(with_line_values(
            self, vals, 'return_line_id', {'return_order_id': 'order_id'}))

    def _prepare_move_values(self):
        vals = super(StockScrap, self)._prepare_move_values()
        vals['return_line_id'] = self.return_line_id.id
        return vals

    @api.multi
    def do_scrap(self):
        """Scraps of one disposal batch (context overseas_return_batch_scrap, set by
        the returns desk): one stock move per scrap as Odoo makes it, but all of them
        done by one _action_done call (one confirmation, one state write, one
        valuation pass) rather than one call per scrap."""
        if len(self) < 2 or not self.env.context.get('overseas_return_batch_scrap'):
            return super(StockScrap, self).do_scrap()
        Move = self.env['stock.move'].with_context(recompute=False)
        moves = Move
        for scrap in self:
            moves |= Move.create(scrap._prepare_move_values())
        moves.recompute()
        moves.with_context(recompute=True)._action_done()
        for scrap, move in zip(self, moves):
            scrap.write({'move_id': move.id, 'state': 'done'})
        return True
