from odoo import api, fields, models

from .overseas_return_guard import refuse_line_derived_writes


class StockScrap(models.Model):
    _inherit = 'stock.scrap'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, readonly=True, copy=False)
    # set once, like stock.move's (see there)
    return_order_id = fields.Many2one('overseas.return.order', string='Return',
                                      compute='_compute_return_order_id', store=True,
                                      compute_sudo=True, readonly=True)

    @api.depends('return_line_id')
    def _compute_return_order_id(self):
        for scrap in self:
            scrap.return_order_id = scrap.return_line_id.order_id

    @api.multi
    def write(self, vals):
        refuse_line_derived_writes(self, vals, ['return_order_id'])
        return super(StockScrap, self).write(vals)

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
