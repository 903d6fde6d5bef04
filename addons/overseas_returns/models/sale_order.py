from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .overseas_return_guard import ensure_one_record


class SaleOrder(models.Model):
    _inherit = 'sale.order'

    overseas_return_ids = fields.One2many('overseas.return.order', 'sale_order_id',
                                          string='Customer Returns')
    overseas_return_count = fields.Integer(compute='_compute_overseas_return_count')
    channel_id = fields.Many2one(
        'overseas.return.channel', string='Sales Channel', index=True,
        track_visibility='onchange',
        help='Marketplace or shop the order came from: returns of this sale take it, '
             'and the return rate report groups deliveries by it.')
    exchange_return_id = fields.Many2one(
        'overseas.return.order', string='Exchange for Return', index=True, readonly=True,
        copy=False, help='The customer return whose goods this order replaces.')

    def _compute_overseas_return_count(self):
        groups = self.env['overseas.return.order'].read_group(
            [('sale_order_id', 'in', self.ids)], ['sale_order_id'], ['sale_order_id'])
        counts = {g['sale_order_id'][0]: g['sale_order_id_count'] for g in groups}
        for sale in self:
            sale.overseas_return_count = counts.get(sale.id, 0)

    @api.multi
    def action_create_overseas_return(self):
        """Register Return: a wizard choosing the delivered lines, their quantities
        and reasons (create_from_sale_order stays the one-call path of integrators)."""
        ensure_one_record(self)
        if not self.env['overseas.return.order']._prepare_lines_from_sale(self):
            raise UserError(_('Nothing delivered on %s is left to return.') % self.name)
        return {
            'type': 'ir.actions.act_window',
            'name': _('Register Return'),
            'res_model': 'overseas.return.register',
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {'default_sale_id': self.id},
        }

    @api.multi
    def action_view_overseas_returns(self):
        action = self.env.ref('overseas_returns.overseas_return_order_action').read()[0]
        action['domain'] = [('sale_order_id', 'in', self.ids)]
        action['context'] = {'default_sale_order_id': self.id}
        return action
