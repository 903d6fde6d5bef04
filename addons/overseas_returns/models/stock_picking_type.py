from odoo import api, fields, models


class StockPickingType(models.Model):
    """The customer-returns operation type of a warehouse opens the returns scanner
    from the Inventory overview."""

    _inherit = 'stock.picking.type'

    is_overseas_return_type = fields.Boolean(compute='_compute_is_overseas_return_type')

    def _compute_is_overseas_return_type(self):
        warehouses = self.env['stock.warehouse'].sudo().search(
            [('return_type_id', 'in', self.ids)])
        return_types = warehouses.mapped('return_type_id')
        for picking_type in self:
            picking_type.is_overseas_return_type = picking_type in return_types

    @api.multi
    def action_open_returns_scanner(self):
        self.ensure_one()
        return self.env['overseas.return.scanner']._scanner_action(
            warehouse=self.warehouse_id)
