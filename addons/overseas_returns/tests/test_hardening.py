"""Plausible mistakes and misuse get a clear error and change nothing; nothing gets
stuck; integrators get ids, not recordsets."""
from odoo.exceptions import UserError, ValidationError

from .common import ReturnsCase


class TestHardening(ReturnsCase):

    def test_quantities_must_be_sane(self):
        order = self._create_order()
        line = order.line_ids
        for bad in (float('nan'), float('inf'), -1.0, 0.0, 1e9, 1e300, 0.5):
            with self.assertRaises(ValidationError, msg=repr(bad)):
                with self.env.cr.savepoint():
                    line.write({'product_qty': bad})
            self.assertEqual(line.product_qty, 1.0)
        for bad in (float('nan'), -3.0, 1e12):
            with self.assertRaises(ValidationError, msg=repr(bad)):
                with self.env.cr.savepoint():
                    line.write({'price_unit': bad})
        line.write({'product_qty': 3.0})
        self.assertEqual(line.product_qty, 3.0)
        # a product sold by weight is counted in its own steps
        kg = self.env.ref('product.product_uom_kgm')
        flour = self.env['product.product'].create({
            'name': 'Flour', 'type': 'consu', 'uom_id': kg.id, 'uom_po_id': kg.id})
        order.write({'line_ids': [(0, 0, {'product_id': flour.id, 'product_qty': 2.5,
                                          'reason_id': self.reason_defect.id})]})
        self.assertEqual(order.line_ids.filtered(
            lambda l: l.product_id == flour).product_qty, 2.5)

    def test_consumable_goes_all_the_way(self):
        tape = self.env['product.product'].create({
            'name': 'Packing Tape', 'type': 'consu', 'list_price': 3.0})
        order = self._create_received([(tape, 2.0, self.reason_changed_mind)])
        self._inspect(order.line_ids, 'A')
        order.line_ids.action_dispose()
        self.assertEqual(order.line_ids.state, 'disposed')
        self.assertEqual(order.state, 'done')

    def test_return_takes_its_warehouse_company(self):
        other = self.env['res.company'].create({'name': 'EU Subsidiary GmbH'})
        self.env.user.company_ids |= other
        eu_warehouse = self.env['stock.warehouse'].create({
            'name': 'Frankfurt 3PL', 'code': 'TFR', 'company_id': other.id})
        self.assertNotEqual(self.env.user.company_id, other)
        order = self.env['overseas.return.order'].create({
            'partner_id': self.customer.id, 'warehouse_id': eu_warehouse.id})
        self.assertEqual(order.company_id, other)
        with self.assertRaises(ValidationError):
            self.env['overseas.return.order'].create({
                'partner_id': self.customer.id, 'warehouse_id': eu_warehouse.id,
                'company_id': self.company.id})

    def test_integrator_methods_answer_ids(self):
        sale, _delivery = self._create_delivered_sale([(self.earbuds, 2.0, 40.0)], 'WEB-1')
        Order = self.env['overseas.return.order']
        # the traditional (RPC) style gets the id; Python callers still get records
        result = Order.create_from_sale_order(sale)
        self.assertEqual(result._name, 'overseas.return.order')
        from odoo import api as odoo_api
        method = type(Order).create_unidentified
        self.assertTrue(getattr(method, '_returns', None))
        downgraded = odoo_api.downgrade(method, result, Order, (), {})
        self.assertEqual(downgraded, result.id)

    def test_one_record_methods_say_so(self):
        orders = self._create_order() | self._create_order()
        for records, method in ((orders, 'action_open_receive_wizard'),
                                (orders[:0], 'action_open_receive_wizard'),
                                (self.env['sale.order'], 'action_create_overseas_return'),
                                (self.env['stock.picking'], 'action_create_overseas_return')):
            with self.assertRaisesRegex(UserError, 'exactly one record'):
                getattr(records, method)()
        # in the user's language, the model's name too
        self._load_zh_cn()
        with self.assertRaises(UserError) as refused:
            orders.with_context(lang='zh_CN').action_create_refund()
        self.assertNotIn('Overseas Return', refused.exception.name)
        self.assertIn('2', refused.exception.name)
        with self.assertRaises(UserError):
            orders.action_open_match()
        with self.assertRaises(UserError):
            orders.action_create_refund()
        with self.assertRaises(UserError):
            self.env['overseas.return.order'].action_open_scanner()
