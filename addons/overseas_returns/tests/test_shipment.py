from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ReturnsCase


class ShipmentCase(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(ShipmentCase, cls).setUpClass()
        cls.env['overseas.return.cost.model'].create({'warehouse_id': cls.warehouse.id})
        Product = cls.env['product.product']
        cls.amp = Product.create({
            'name': 'Guitar Amplifier', 'type': 'product', 'list_price': 120.0,
            'standard_price': 80.0, 'weight': 2.0, 'hs_code': '8518.40'})
        cls.pedal = Product.create({
            'name': 'Effect Pedal', 'type': 'product', 'list_price': 60.0,
            'standard_price': 40.0, 'weight': 1.0, 'hs_code': '8543.70'})
        cls.strap = Product.create({
            'name': 'Guitar Strap', 'type': 'product', 'list_price': 4.0,
            'standard_price': 3.0, 'weight': 1.0})
        cls.origin = cls.warehouse.return_origin_location_id
        cls.Shipment = cls.env['overseas.return.shipment']

    def _disposed_home(self, product, grade='D', disposition=None):
        order = self._create_received([(product, 1.0, self.reason_defect)])
        line = order.line_ids
        self._inspect(line, grade)
        if disposition:
            line.write({'disposition': disposition})
        self.assertEqual(line.disposition, 'return_to_origin')
        line.action_dispose()
        return line

    def test_freight_split_and_booked_once(self):
        line_amp = self._disposed_home(self.amp)
        line_pedal = self._disposed_home(self.pedal)
        self.assertEqual(self.qty_at(self.amp, self.origin), 1.0)
        shipment = self.Shipment.browse(self.Shipment.create_from_waiting([self.warehouse.id]))
        self.assertEqual(len(shipment), 1)
        self.assertEqual(shipment.line_ids.mapped('return_line_id'),
                         line_amp | line_pedal)
        self.assertEqual(shipment.total_weight, 3.0)
        self.assertEqual(shipment.freight_cost, 18.0)  # 3 kg at 6.00
        shares = {line.product_id: line.freight_share for line in shipment.line_ids}
        self.assertEqual(shares, {self.amp: 12.0, self.pedal: 6.0})
        self.assertEqual(sorted(shipment.line_ids.mapped('hs_code')),
                         ['8518.40', '8543.70'])
        # 120.00 declared against 18.00 + 6.00 duty + 3.00 handling
        self.assertEqual((shipment.declared_value, shipment.total_cost), (120.0, 27.0))
        self.assertTrue(shipment.is_worth_it)
        html = self.env.ref('overseas_returns.action_report_commercial_invoice') \
            .render_qweb_html(shipment.ids)[0].decode()
        self.assertIn('8518.40', html)
        self.assertIn('Guitar Amplifier', html)
        with self.assertRaises(UserError):  # nothing else waits
            self.Shipment.create_from_waiting([self.warehouse.id])

        shipment.action_book()
        self.assertEqual(shipment.state, 'booked')
        self.assertEqual(shipment.picking_id.state, 'done')
        self.assertEqual(shipment.picking_id.location_id, self.origin)
        self.assertEqual(self.qty_at(self.amp, self.origin), 0.0)
        self.assertEqual(self.qty_at(self.pedal, self.origin), 0.0)
        moves = self.env['stock.move'].search([('location_id', '=', self.origin.id)])
        with self.assertRaises(UserError):
            shipment.action_book()
        with self.assertRaises(UserError):
            shipment.action_book_anyway()
        self.assertEqual(
            self.env['stock.move'].search([('location_id', '=', self.origin.id)]), moves)
        with self.assertRaises(UserError):
            shipment.unlink()

    def test_packing_list_product_is_the_lines(self):
        """A shipment line's product is its return line's: a manager writing another
        one over RPC is refused and the packing list keeps the line's product."""
        line_amp = self._disposed_home(self.amp)
        shipment = self.Shipment.browse(self.Shipment.create_from_waiting([self.warehouse.id]))
        packing = shipment.line_ids
        self.assertEqual(packing.product_id, self.amp)
        with self.assertRaisesRegex(AccessError, 'return line'):
            packing.sudo(self.manager).write({'product_id': self.strap.id})
        packing.invalidate_cache()
        self.assertEqual(packing.product_id, self.amp)
        self.assertEqual(line_amp.product_id, self.amp)
        packing.sudo(self.manager).write({'weight': 3.0})  # the rest stays editable
        self.assertEqual(shipment.total_weight, 3.0)

    def test_warning_when_not_worth_it(self):
        line = self._disposed_home(self.strap, 'B', disposition='return_to_origin')
        shipment = self.Shipment.browse(self.Shipment.create_from_waiting([self.warehouse.id]))
        self.assertFalse(shipment.is_worth_it)
        with self.assertRaises(UserError):
            shipment.action_book()
        self.assertEqual(shipment.state, 'draft')
        self.assertFalse(shipment.picking_id)
        self.assertEqual(self.qty_at(self.strap, self.origin), 1.0)
        with self.assertRaises(UserError):
            shipment.sudo(self.user).action_book_anyway()
        shipment.sudo(self.manager).action_book_anyway()
        self.assertEqual(shipment.state, 'booked')
        self.assertEqual(self.qty_at(self.strap, self.origin), 0.0)
        self.assertEqual(shipment.line_ids.return_line_id, line)

    def test_units_only_once_and_only_waiting_ones(self):
        line = self._disposed_home(self.pedal)
        shipment = self.Shipment.browse(self.Shipment.create_from_waiting([self.warehouse.id]))
        with self.assertRaises(ValidationError):
            self.Shipment.create({'warehouse_id': self.warehouse.id, 'line_ids': [
                (0, 0, {'return_line_id': line.id, 'qty': 1.0})]})
        restocked = self._create_received([(self.pedal, 1.0, self.reason_defect)])
        self._inspect(restocked.line_ids, 'A')
        restocked.line_ids.action_dispose()
        with self.assertRaises(ValidationError):
            shipment.write({'line_ids': [(0, 0, {
                'return_line_id': restocked.line_ids.id, 'qty': 1.0})]})
        with self.assertRaises(AccessError):
            shipment.sudo(self.manager).write({'state': 'booked'})
        self.assertEqual(shipment.state, 'draft')
