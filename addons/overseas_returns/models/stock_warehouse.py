from odoo import _, api, fields, models


class StockWarehouse(models.Model):
    _inherit = 'stock.warehouse'

    return_location_id = fields.Many2one(
        'stock.location', string='Returns Quarantine Location',
        domain=[('usage', '=', 'internal')],
        help='Where returned parcels wait for inspection. Not sellable stock.')
    return_rework_location_id = fields.Many2one(
        'stock.location', string='Rework Location', domain=[('usage', '=', 'internal')],
        help='Returned goods being relabelled or repacked before going back to stock.')
    return_donation_location_id = fields.Many2one(
        'stock.location', string='Donation Location',
        help='Donated goods leave the stock (and its valuation) here.')
    return_origin_location_id = fields.Many2one(
        'stock.location', string='Return-to-Origin Location',
        help='Transit location for goods shipped back to the home country.')
    return_type_id = fields.Many2one(
        'stock.picking.type', string='Returns Receipt Type',
        help='Incoming operation type used to receive customer returns.')
    return_disposition_type_id = fields.Many2one(
        'stock.picking.type', string='Return Dispositions Type',
        help='Internal operation type used to move inspected returns to their destination.')

    @api.model
    def create(self, vals):
        warehouse = super(StockWarehouse, self).create(vals)
        warehouse._ensure_return_setup()
        return warehouse

    @api.multi
    def _ensure_return_setup(self):
        """Create whatever return location or operation type a warehouse lacks.

        Called on warehouse creation and, for warehouses that existed before the
        add-on, from the install hook.
        """
        Location = self.env['stock.location'].sudo()
        for warehouse in self:
            values = {}
            for field_name, loc_vals in warehouse._return_locations_values().items():
                if not warehouse[field_name]:
                    loc_vals.update(location_id=warehouse.view_location_id.id,
                                    company_id=warehouse.company_id.id)
                    values[field_name] = Location.create(loc_vals).id
            if values:
                warehouse.write(values)
            warehouse._ensure_return_picking_types()

    def _return_locations_values(self):
        return {
            'return_location_id': {'name': _('Returns Quarantine'), 'usage': 'internal'},
            'return_rework_location_id': {'name': _('Rework'), 'usage': 'internal'},
            'return_donation_location_id': {'name': _('Donation'), 'usage': 'inventory'},
            'return_origin_location_id': {
                'name': _('Return to Origin'), 'usage': 'transit'},
        }

    def _ensure_return_picking_types(self):
        self.ensure_one()
        PickingType = self.env['stock.picking.type'].sudo()
        Sequence = self.env['ir.sequence'].sudo()
        values = {}
        customers = self.env.ref('stock.stock_location_customers')
        types = {
            'return_type_id': {
                'name': _('Customer Returns'), 'code': 'incoming', 'prefix': 'RET',
                'default_location_src_id': customers.id,
                'default_location_dest_id': self.return_location_id.id,
            },
            'return_disposition_type_id': {
                'name': _('Return Dispositions'), 'code': 'internal', 'prefix': 'RDP',
                'default_location_src_id': self.return_location_id.id,
                'default_location_dest_id': self.lot_stock_id.id,
            },
        }
        for field_name, type_vals in types.items():
            if self[field_name]:
                continue
            prefix = type_vals.pop('prefix')
            sequence = Sequence.create({
                'name': '%s %s' % (self.name, type_vals['name']),
                'prefix': '%s/%s/' % (self.code, prefix), 'padding': 5,
                'company_id': self.company_id.id,
            })
            type_vals.update(warehouse_id=self.id, sequence_id=sequence.id,
                             color=self.in_type_id.color, use_create_lots=False,
                             use_existing_lots=True, sequence=self.in_type_id.sequence + 1)
            values[field_name] = PickingType.create(type_vals).id
        if values:
            self.write(values)
