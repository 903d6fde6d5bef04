from odoo import api, fields, models

from .overseas_return_guard import ensure_one_record


class StockPickingType(models.Model):
    """The customer-returns operation type of a warehouse opens the returns scanner
    from the Inventory overview; its card's "To Receive" counts the approved returns
    waiting for their parcel (their receipt is made and validated at once, so the
    type never has a transfer waiting)."""

    _inherit = 'stock.picking.type'

    is_overseas_return_type = fields.Boolean(compute='_compute_is_overseas_return_type')

    def _compute_is_overseas_return_type(self):
        warehouses = self.env['stock.warehouse'].sudo().search(
            [('return_type_id', 'in', self.ids)])
        return_type_ids = set(warehouses.mapped('return_type_id').ids)
        for picking_type in self:
            picking_type.is_overseas_return_type = picking_type.id in return_type_ids

    def _compute_picking_count(self):
        super(StockPickingType, self)._compute_picking_count()
        warehouses = self.env['stock.warehouse'].sudo().search(
            [('return_type_id', 'in', self.ids)])
        if not warehouses:
            return
        # sudo: a count on the Inventory overview, also for stock users without the
        # returns app
        groups = self.env['overseas.return.order'].sudo().read_group(
            self._returns_to_receive_domain(warehouses),
            ['warehouse_id'], ['warehouse_id'])
        counts = {group['warehouse_id'][0]: group['warehouse_id_count']
                  for group in groups}
        by_type = {warehouse.return_type_id.id: counts.get(warehouse.id, 0)
                   for warehouse in warehouses}
        # on self's own records: the warehouses were searched as the superuser, and a
        # value set on their (sudo) types would only fill the superuser's cache
        for picking_type in self:
            if picking_type.id in by_type:
                picking_type.count_picking_ready = by_type[picking_type.id]

    @api.model
    def _returns_to_receive_domain(self, warehouses):
        return [('warehouse_id', 'in', warehouses.ids), ('state', '=', 'approved'),
                ('return_method', '!=', 'returnless')]

    @api.multi
    def get_action_picking_tree_ready(self):
        """The card's "To Receive" of a returns type lists the returns it counts."""
        warehouses = self.env['stock.warehouse'].sudo().search(
            [('return_type_id', 'in', self.ids)])
        if not self or not warehouses:
            return super(StockPickingType, self).get_action_picking_tree_ready()
        action = self.env.ref('overseas_returns.overseas_return_order_action').read()[0]
        action['domain'] = self._returns_to_receive_domain(warehouses)
        action['context'] = {}
        action['display_name'] = self.display_name
        return action

    @api.multi
    def action_open_returns_scanner(self):
        ensure_one_record(self)
        return self.env['overseas.return.scanner']._scanner_action(
            warehouse=self.warehouse_id)
