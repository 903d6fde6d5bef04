from odoo.addons.overseas_returns.tests.common import ReturnsCase


class TestEconomicsReports(ReturnsCase):
    """Overrides, shipments and abuse reach the manager's reports."""

    def test_reports(self):
        self.env['overseas.return.cost.model'].create({'warehouse_id': self.warehouse.id})
        speaker = self.env['product.product'].create({
            'name': 'Report Speaker', 'type': 'product', 'list_price': 60.0,
            'standard_price': 30.0, 'weight': 1.0})
        order = self._create_received([(speaker, 1.0, self.reason_defect)])
        line = order.line_ids
        self._inspect(line, 'B')
        line.write({'disposition': 'return_to_origin'})
        line.action_dispose()
        Shipment = self.env['overseas.return.shipment']
        shipment = Shipment.browse(Shipment.create_from_waiting([self.warehouse.id]))
        shipment.action_book()
        order.action_confirm_abuse()

        economics = self.env['overseas.return.economics.report'].search(
            [('id', '=', line.id)])
        self.assertEqual((economics.disposition, economics.proposed_disposition),
                         ('return_to_origin', 'restock'))
        self.assertEqual((economics.recovered, economics.cost, economics.net),
                         (30.0, 9.0, 21.0))
        self.assertAlmostEqual(economics.money_left, 19.5)
        self.assertTrue(economics.overridden)

        row = self.env['overseas.return.shipment.report'].search(
            [('shipment_id', '=', shipment.id)])
        self.assertEqual((row.state, row.qty, row.recoverable_value, row.freight_cost),
                         ('booked', 1.0, 30.0, 6.0))

        abuse = self.env['overseas.return.abuse.report'].search(
            [('order_id', '=', order.id)])
        self.assertTrue(abuse.abuse_confirmed)
        self.assertEqual(abuse.money_saved, order.amount_total)
