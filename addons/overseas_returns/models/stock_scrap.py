from odoo import fields, models


class StockScrap(models.Model):
    _inherit = 'stock.scrap'

    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     index=True, readonly=True, copy=False)
    return_order_id = fields.Many2one(related='return_line_id.order_id', store=True,
                                      readonly=True, string='Return')

    def _prepare_move_values(self):
        vals = super(StockScrap, self)._prepare_move_values()
        vals['return_line_id'] = self.return_line_id.id
        return vals
