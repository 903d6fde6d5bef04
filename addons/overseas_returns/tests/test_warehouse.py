from .common import ReturnsCase


class TestWarehouse(ReturnsCase):

    def test_new_warehouse_gets_return_locations(self):
        wh = self.warehouse
        self.assertEqual(wh.return_location_id.usage, 'internal')
        self.assertEqual(wh.return_rework_location_id.usage, 'internal')
        self.assertEqual(wh.return_donation_location_id.usage, 'inventory')
        self.assertEqual(wh.return_origin_location_id.usage, 'transit')
        for location in (wh.return_location_id, wh.return_rework_location_id):
            self.assertEqual(location.location_id, wh.view_location_id)
        self.assertEqual(wh.return_type_id.code, 'incoming')
        self.assertEqual(wh.return_type_id.default_location_dest_id, wh.return_location_id)
        self.assertEqual(wh.return_disposition_type_id.code, 'internal')

    def test_existing_warehouses_got_them_at_install(self):
        main = self.env.ref('stock.warehouse0')
        self.assertTrue(main.return_location_id)
        self.assertTrue(main.return_type_id)

    def test_setup_is_idempotent(self):
        before = self.warehouse.return_location_id
        self.warehouse._ensure_return_setup()
        self.assertEqual(self.warehouse.return_location_id, before)

    def test_missing_location_is_recreated(self):
        self.warehouse.return_rework_location_id = False
        self.warehouse._ensure_return_setup()
        self.assertTrue(self.warehouse.return_rework_location_id)
