from .common import ReturnsCase


class TestWarehouse(ReturnsCase):

    def _return_locations(self, warehouse):
        return (warehouse.return_location_id | warehouse.return_rework_location_id
                | warehouse.return_donation_location_id | warehouse.return_origin_location_id
                | warehouse.return_graded_location_id)

    def _return_types(self, warehouse):
        return warehouse.return_type_id | warehouse.return_disposition_type_id

    def test_new_warehouse_gets_return_locations(self):
        wh = self.warehouse
        self.assertEqual(wh.return_location_id.usage, 'internal')
        self.assertEqual(wh.return_rework_location_id.usage, 'internal')
        self.assertEqual(wh.return_donation_location_id.usage, 'inventory')
        self.assertEqual(wh.return_origin_location_id.usage, 'transit')
        self.assertEqual(wh.return_graded_location_id.usage, 'internal')
        self.assertNotEqual(wh.return_graded_location_id.location_id, wh.lot_stock_id,
                            'graded (used) stock is never counted as new stock')
        for location in self._return_locations(wh):
            # under a view of their own: not the warehouse's sellable On Hand
            self.assertEqual(location.location_id, wh.return_view_location_id)
            self.assertEqual(location.company_id, wh.company_id)
        self.assertEqual(wh.return_location_id.complete_name, 'Physical Locations/TUS-Returns/Returns Quarantine')
        self.assertEqual(wh.return_type_id.code, 'incoming')
        self.assertEqual(wh.return_type_id.warehouse_id, wh)
        self.assertEqual(wh.return_type_id.default_location_dest_id, wh.return_location_id)
        self.assertEqual(wh.return_disposition_type_id.code, 'internal')
        self.assertEqual(wh.return_disposition_type_id.default_location_src_id,
                         wh.return_location_id)
        self.assertEqual(wh.return_disposition_type_id.default_location_dest_id,
                         wh.lot_stock_id)
        self.assertEqual(wh.return_type_id.display_name, 'Test US 3PL: Customer Returns')
        self.assertEqual(wh.return_type_id.sequence_id.prefix, 'TUS/RET/')
        self.assertEqual(wh.return_disposition_type_id.sequence_id.prefix, 'TUS/RDP/')

    def test_receipt_numbered_by_return_type_sequence(self):
        picking = self.env['stock.picking'].create({
            'picking_type_id': self.warehouse.return_type_id.id,
            'location_id': self.env.ref('stock.stock_location_customers').id,
            'location_dest_id': self.warehouse.return_location_id.id,
        })
        self.assertTrue(picking.name.startswith('TUS/RET/'), picking.name)

    def test_existing_warehouses_got_them_at_install(self):
        main = self.env.ref('stock.warehouse0')
        self.assertEqual(main.return_location_id.location_id, main.return_view_location_id)
        self.assertEqual(main.return_view_location_id.usage, 'view')
        self.assertTrue(main.return_type_id)
        self.assertEqual(main.return_type_id.sequence_id.prefix, '%s/RET/' % main.code)

    def test_setup_is_idempotent(self):
        locations = self._return_locations(self.warehouse)
        types = self._return_types(self.warehouse)
        self.warehouse._create_missing_return_setup()
        self.assertEqual(self._return_locations(self.warehouse), locations)
        self.assertEqual(self._return_types(self.warehouse), types)

    def test_missing_location_is_recreated(self):
        self.warehouse.return_rework_location_id = False
        self.warehouse._ensure_return_setup()
        self.assertEqual(self.warehouse.return_rework_location_id.location_id,
                         self.warehouse.return_view_location_id)

    def test_missing_type_is_recreated_with_its_sequence(self):
        self.warehouse.return_disposition_type_id = False
        self.warehouse._create_missing_return_setup()
        self.assertEqual(self.warehouse.return_disposition_type_id.sequence_id.prefix,
                         'TUS/RDP/')

    def test_rename_follows(self):
        wh = self.warehouse
        wh.write({'name': 'Renamed West 3PL', 'code': 'RNW'})
        self.assertEqual(wh.view_location_id.name, 'RNW')
        self.assertEqual(wh.return_location_id.complete_name, 'Physical Locations/RNW-Returns/Returns Quarantine')
        self.assertEqual(wh.return_rework_location_id.complete_name, 'Physical Locations/RNW-Returns/Rework')
        self.assertEqual(wh.return_type_id.display_name, 'Renamed West 3PL: Customer Returns')
        self.assertEqual(wh.return_disposition_type_id.display_name,
                         'Renamed West 3PL: Return Dispositions')
        self.assertEqual(wh.return_type_id.sequence_id.prefix, 'RNW/RET/')
        self.assertEqual(wh.return_disposition_type_id.sequence_id.prefix, 'RNW/RDP/')
        self.assertTrue(wh.return_type_id.sequence_id.name.startswith('Renamed West 3PL '))
        # the code alone: the name stays
        wh.write({'code': 'RN2'})
        self.assertEqual(wh.return_type_id.sequence_id.prefix, 'RN2/RET/')
        self.assertTrue(wh.return_type_id.sequence_id.name.startswith('Renamed West 3PL '))

    def test_archive_and_unarchive_follow(self):
        wh = self.warehouse
        locations = self._return_locations(wh)
        types = self._return_types(wh)
        wh.write({'active': False})
        self.assertFalse(any(locations.mapped('active')))
        self.assertFalse(any(types.mapped('active')))
        Type = self.env['stock.picking.type']
        self.assertFalse(Type.search([('id', 'in', types.ids)]),
                         'archived types are hidden from the operation type lists')
        wh.write({'active': True})
        self.assertTrue(all(locations.mapped('active')))
        self.assertTrue(all(types.mapped('active')))
        self.assertEqual(Type.search([('id', 'in', types.ids)]), types)

    def test_second_company_warehouse(self):
        company = self.env['res.company'].create({'name': 'Overseas Returns JP K.K.'})
        self.env.user.company_ids |= company
        wh = self.env['stock.warehouse'].create({
            'name': 'JP Second 3PL', 'code': 'JP2', 'company_id': company.id})
        for location in self._return_locations(wh):
            self.assertEqual(location.company_id, company, location.complete_name)
        for picking_type in self._return_types(wh):
            self.assertEqual(picking_type.warehouse_id, wh)
            self.assertEqual(picking_type.sequence_id.company_id, company)
        self.assertEqual(wh.return_type_id.sequence_id.prefix, 'JP2/RET/')
        self.assertEqual(wh.return_disposition_type_id.default_location_dest_id,
                         wh.lot_stock_id)
        self.assertEqual(wh.return_disposition_type_id.default_location_dest_id.company_id,
                         company)
