"""Returns by lot/serial (a bad batch, mismatches, expired, recalled, hazardous units)
and graded stock on hand with its value, from real receipts and disposals."""
from datetime import datetime, timedelta

from odoo import fields
from odoo.addons.overseas_returns.tests.common import ReturnsCase


class TestUnitReports(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestUnitReports, cls).setUpClass()
        cls.serum = cls.env['product.product'].create({
            'name': 'Serum', 'type': 'product', 'tracking': 'lot', 'list_price': 25.0,
            'standard_price': 10.0, 'hazard_class': 'chemical'})
        Lot = cls.env['stock.production.lot']
        past = fields.Datetime.to_string(datetime.now() - timedelta(days=2))
        cls.bad = Lot.create({'name': 'BATCH-BAD', 'product_id': cls.serum.id})
        cls.good = Lot.create({'name': 'BATCH-OK', 'product_id': cls.serum.id})
        cls.old = Lot.create({'name': 'BATCH-OLD', 'product_id': cls.serum.id,
                              'life_date': past, 'return_recalled': True})
        cls.orders = cls.env['overseas.return.order']
        for lot, qty in ((cls.bad, 2.0), (cls.bad, 3.0), (cls.good, 1.0), (cls.old, 1.0)):
            order = cls._create_order([(cls.serum, qty, cls.reason_defect)])
            order.line_ids.lot_ids = lot
            order.action_approve()
            order.action_receive()
            cls.orders |= order

    def test_returns_by_lot_show_the_bad_batch(self):
        Report = self.env['overseas.return.unit.report']
        groups = Report.read_group([('product_id', '=', self.serum.id)],
                                   ['qty', 'lot_id'], ['lot_id'])
        by_lot = {group['lot_id'][0]: group['qty'] for group in groups}
        self.assertEqual(by_lot, {self.bad.id: 5.0, self.good.id: 1.0, self.old.id: 1.0})
        expired = Report.search([('product_id', '=', self.serum.id), ('expired', '=', True)])
        self.assertEqual(expired.mapped('lot_id'), self.old)
        self.assertEqual(Report.search_count([('recalled', '=', True)]), 1)
        self.assertEqual(Report.search_count([('product_id', '=', self.serum.id),
                                              ('hazardous', '=', True)]), 4)

    def test_graded_stock_on_hand_at_written_down_value(self):
        line = self.orders.mapped('line_ids').filtered(lambda l: l.lot_ids == self.good)
        self._inspect(line, 'B')
        line.action_dispose()
        Report = self.env['overseas.return.graded.stock.report']
        rows = Report.search([('product_id', '=', self.serum.id)])
        self.assertEqual(rows.mapped('lot_id'), self.good)
        self.assertEqual(rows.warehouse_id, self.warehouse)
        self.assertEqual(rows.condition_code, 'used_like_new')
        self.assertAlmostEqual(sum(rows.mapped('quantity')), 1.0)
        self.assertAlmostEqual(sum(rows.mapped('value')), 8.0, msg='10.00 less 20 %')
