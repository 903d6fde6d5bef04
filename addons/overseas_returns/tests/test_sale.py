from odoo.exceptions import UserError, ValidationError

from .common import ReturnsCase


class TestFromSale(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestFromSale, cls).setUpClass()
        # only two of the three earbuds and both mugs left the warehouse
        cls.sale, cls.delivery = cls._create_delivered_sale(
            [(cls.earbuds, 3.0, 39.0), (cls.mug, 2.0, 12.0)], '113-4829173-2291044',
            done_qty=2.0)

    def test_create_from_sale_takes_delivered_quantities(self):
        order = self.env['overseas.return.order'].create_from_sale_order(self.sale)
        self.assertEqual(order.sale_order_id, self.sale)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.origin_ref, '113-4829173-2291044')
        by_product = {line.product_id: line for line in order.line_ids}
        self.assertEqual(by_product[self.earbuds].product_qty, 2.0)
        self.assertEqual(by_product[self.earbuds].price_unit, 39.0)
        self.assertEqual(by_product[self.mug].product_qty, 2.0)

    def test_never_more_than_delivered_minus_claimed(self):
        earbuds_line = self.sale.order_line.filtered(lambda l: l.product_id == self.earbuds)
        first = self._create_order([(self.earbuds, 1.0, self.reason_defect)])
        first.line_ids.sale_line_id = earbuds_line
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._create_order([(self.earbuds, 2.0, self.reason_defect)],
                               line_ids=[(0, 0, {'product_id': self.earbuds.id,
                                                 'product_qty': 2.0,
                                                 'reason_id': self.reason_defect.id,
                                                 'sale_line_id': earbuds_line.id})])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            first.line_ids.product_qty = 3.0
        self.env.clear()
        self.assertEqual(first.line_ids.product_qty, 1.0)
        # proposing from the sale only offers what is left
        second = self.env['overseas.return.order'].create_from_sale_order(self.sale)
        earbuds = second.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        self.assertEqual(earbuds.product_qty, 1.0)
        # a cancelled return frees its claim
        first.action_cancel()
        earbuds.product_qty = 2.0
        self.assertEqual(earbuds.product_qty, 2.0)

    def test_onchange_sale_order_fills_the_form(self):
        order = self.env['overseas.return.order'].new({'sale_order_id': self.sale.id})
        order._onchange_sale_order_id()
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(sorted(order.line_ids.mapped('product_qty')), [2.0, 2.0])

    def test_create_from_delivery(self):
        action = self.delivery.action_create_overseas_return()
        self.assertEqual(action['res_model'], 'overseas.return.order')
        order = self.env['overseas.return.order'].browse(action['res_id'])
        self.assertEqual(order.delivery_id, self.delivery)
        self.assertEqual(order.sale_order_id, self.sale)
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(sorted(order.line_ids.mapped('product_qty')), [2.0, 2.0])
        self.assertTrue(all(order.line_ids.mapped('sale_line_id')))
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.env['overseas.return.order'].create_from_delivery(self.delivery)

    def test_nothing_left_to_return(self):
        self.env['overseas.return.order'].create_from_sale_order(self.sale)
        with self.assertRaises(UserError):
            self.env['overseas.return.order'].create_from_sale_order(self.sale)

    def test_from_undelivered_picking_refused(self):
        backorder = self.sale.picking_ids.filtered(lambda p: p.state != 'done')
        with self.assertRaises(UserError):
            self.env['overseas.return.order'].create_from_delivery(backorder)

    def test_sale_smart_button(self):
        action = self.sale.action_create_overseas_return()
        self.assertEqual(action['res_model'], 'overseas.return.register')
        wizard = self.env['overseas.return.register'].with_context(
            action['context']).create({})
        wizard.line_ids.write({'qty': 1.0, 'reason_id': self.reason_defect.id})
        action = wizard.action_register()
        self.assertEqual(self.sale.overseas_return_count, 1)
        self.assertTrue(action['res_id'])

    def test_received_return_is_an_odoo_return_of_the_delivery(self):
        """1 of 3 delivered units received: the sale line, the receipt move and Odoo's
        own Return wizard see it as they see a return made with that wizard."""
        sale, delivery = self._create_delivered_sale([(self.earbuds, 3.0, 39.0)],
                                                     '113-0000000-0000303')
        sale_line = sale.order_line
        self.assertEqual(sale_line.qty_delivered, 3.0)
        order = self._create_order(sale_order_id=sale.id, line_ids=[(0, 0, {
            'product_id': self.earbuds.id, 'product_qty': 1.0,
            'reason_id': self.reason_defect.id, 'sale_line_id': sale_line.id})])
        order.sudo(self.manager).action_approve()
        order.sudo(self.manager).action_receive()
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 1.0)
        self.assertEqual(sale_line.qty_delivered, 2.0)
        receipt = order.line_ids.move_ids
        self.assertEqual(receipt.state, 'done')
        self.assertEqual(receipt.origin_returned_move_id, delivery.move_lines)
        self.assertTrue(receipt.to_refund)
        self.assertEqual(receipt.sale_line_id, sale_line)
        # the chain Odoo's Return wizard reads to subtract what already came back
        self.assertEqual(delivery.move_lines.move_dest_ids, receipt)
        self.assertEqual(delivery.move_lines.returned_move_ids, receipt)

        # the same return of 1 of 3 units made with Odoo's own wizard, for comparison
        native_sale, native_delivery = self._create_delivered_sale(
            [(self.earbuds, 3.0, 39.0)], '113-0000000-0000304')
        wizard = self.env['stock.return.picking'].with_context(
            active_id=native_delivery.id, active_ids=native_delivery.ids).create({})
        wizard.product_return_moves.write({'quantity': 1.0, 'to_refund': True})
        native_return = self.env['stock.picking'].browse(wizard._create_returns()[0])
        native_return.move_line_ids.qty_done = 1.0
        native_return.action_done()
        self.assertEqual(native_sale.order_line.qty_delivered, 2.0)

        def proposed(picking):
            values = self.env['stock.return.picking'].with_context(
                active_id=picking.id, active_ids=picking.ids).default_get(
                    ['product_return_moves', 'move_dest_exists'])
            self.assertTrue(values['move_dest_exists'])
            return {vals['product_id']: vals['quantity']
                    for _command, _id, vals in values['product_return_moves']}

        # Odoo 11's wizard alone subtracts only the reserved quantity of the returns'
        # move lines (0 once done); ours counts every return under way or done, Odoo's
        # own and ours alike: 2 of 3 units are left at the customer's in both cases
        self.assertEqual(proposed(delivery), proposed(native_delivery))
        self.assertEqual(proposed(native_delivery), {self.earbuds.id: 2.0})
