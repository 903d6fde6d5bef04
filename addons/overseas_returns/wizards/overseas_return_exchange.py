from odoo import api, fields, models
from odoo.addons import decimal_precision as dp

from ..models.overseas_return_guard import ensure_one_record


class OverseasReturnExchange(models.TransientModel):
    """Choose the replacements the customer gets instead of a refund."""

    _name = 'overseas.return.exchange'
    _description = 'Exchange a Return'

    order_id = fields.Many2one('overseas.return.order', string='Return', required=True,
                               readonly=True, ondelete='cascade')
    line_ids = fields.One2many('overseas.return.exchange.line', 'wizard_id',
                               string='Replacements')

    @api.model
    def default_get(self, fields_list):
        values = super(OverseasReturnExchange, self).default_get(fields_list)
        order = self.env['overseas.return.order'].browse(values.get('order_id'))
        if order:
            order._ensure_can_be_exchanged()
            values['line_ids'] = [(0, 0, {
                'return_line_id': line.id,
                'product_id': line.product_id.id,
                'quantity': order._exchange_available_qty(line),
            }) for line in order.line_ids if order._exchange_available_qty(line) > 0]
        return values

    @api.multi
    def action_exchange(self):
        ensure_one_record(self)
        result = self.order_id.action_exchange([{
            'return_line_id': line.return_line_id.id,
            'product_id': line.product_id.id,
            'quantity': line.quantity,
        } for line in self.line_ids])
        if result._name == 'sale.order':
            return self.order_id.action_view_exchange_sale()
        return {'type': 'ir.actions.act_window_close'}


class OverseasReturnExchangeLine(models.TransientModel):
    """One replacement: for a returned line, which product and how many."""

    _name = 'overseas.return.exchange.line'
    _description = 'Exchange Replacement'

    wizard_id = fields.Many2one('overseas.return.exchange', required=True,
                                ondelete='cascade')
    return_line_id = fields.Many2one('overseas.return.line', string='Returned Line',
                                     required=True)
    returned_product_id = fields.Many2one(related='return_line_id.product_id',
                                          string='Returned Product', readonly=True)
    product_id = fields.Many2one(
        'product.product', string='Replacement', required=True,
        domain=[('type', 'in', ('product', 'consu'))],
        help='The product sent instead of a refund; the same product by default.')
    quantity = fields.Float(digits=dp.get_precision('Product Unit of Measure'),
                            required=True)

    @api.onchange('return_line_id')
    def _onchange_return_line_id(self):
        if self.return_line_id and not self.product_id:
            self.product_id = self.return_line_id.product_id
            self.quantity = self.return_line_id.order_id._exchange_available_qty(
                self.return_line_id)
