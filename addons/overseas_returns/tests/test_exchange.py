from odoo.exceptions import AccessError, UserError

from .common import ReturnsCase


class TestExchange(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestExchange, cls).setUpClass()
        cls.headphones = cls.env['product.product'].create({
            'name': 'Studio Headphones', 'default_code': 'HP-01', 'type': 'product',
            'list_price': 90.0})
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        base_user = cls.env.ref('base.group_user')
        returns_user = cls.env.ref('overseas_returns.group_returns_user')
        cls.accountant = Users.create({
            'name': 'Accountant', 'login': 'ort_exch_accountant', 'email': 'a@example.com',
            'groups_id': [(6, 0, [cls.env.ref('account.group_account_invoice').id,
                                  returns_user.id, base_user.id])]})
        cls.seller = Users.create({
            'name': 'Returns Seller', 'login': 'ort_exch_seller', 'email': 's@example.com',
            'groups_id': [(6, 0, [cls.env.ref('sales_team.group_sale_salesman').id,
                                  returns_user.id, base_user.id])]})
        Quant = cls.env['stock.quant']
        for product in (cls.earbuds, cls.mug, cls.headphones):
            Quant._update_available_quantity(product, cls.stock_location, 10.0)

    @classmethod
    def _received(cls, qty=2.0, price=40.0, inspect=True, **values):
        order = cls._create_order([(cls.earbuds, qty, cls.reason_defect)], **values)
        order.line_ids.write({'price_unit': price})
        order.action_approve()
        order.action_receive()
        if inspect:
            cls._inspect(order.line_ids, 'A')
        return order

    def _wizard(self, order, user=None):
        Wizard = self.env['overseas.return.exchange'].sudo(user or self.user)
        return Wizard.with_context(default_order_id=order.id).create({})

    def _replace(self, order, product, qty, line=None):
        return [{'return_line_id': (line or order.line_ids[:1]).id,
                 'product_id': product.id, 'quantity': qty}]

    def _exchange_docs(self, order):
        pickings = self.env['stock.picking'].search([('exchange_return_id', '=', order.id)])
        sales = self.env['sale.order'].search([('exchange_return_id', '=', order.id)])
        return pickings, sales

    def _assert_unchanged(self, order):
        order.invalidate_cache()
        self.assertFalse(order.is_exchanged)
        self.assertFalse(order.exchange_sale_id)
        pickings, sales = self._exchange_docs(order)
        self.assertFalse(pickings)
        self.assertFalse(sales)

    def _note_bodies(self, record):
        return ' '.join(self.env['mail.message'].search([
            ('model', '=', record._name), ('res_id', '=', record.id)]).mapped('body'))

    # ------------------------------------------------------------------ delivery
    def test_same_product_exchange_sends_a_delivery(self):
        order = self._received(qty=2.0)
        self.assertGreater(order.amount_refundable, 0.0)
        self.assertTrue(order.can_be_exchanged)
        wizard = self._wizard(order)
        self.assertEqual(len(wizard.line_ids), 1)
        self.assertEqual(wizard.line_ids.return_line_id, order.line_ids)
        self.assertEqual(wizard.line_ids.product_id, self.earbuds)
        self.assertEqual(wizard.line_ids.quantity, 2.0)
        wizard.action_exchange()

        picking = order.exchange_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.exchange_return_id, order)
        self.assertEqual(picking.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(picking.location_id, self.stock_location)
        self.assertEqual(picking.location_dest_id, self.customer.property_stock_customer)
        self.assertEqual(picking.partner_id, self.customer)
        self.assertEqual(picking.origin, order.name)
        self.assertEqual(picking.state, 'assigned')
        self.assertEqual(picking.move_lines.mapped('product_id'), self.earbuds)
        self.assertEqual(sum(picking.move_lines.mapped('product_uom_qty')), 2.0)
        self.assertEqual(sum(picking.move_lines.mapped('reserved_availability')), 2.0)
        self.assertTrue(order.is_exchanged)
        self.assertFalse(order.exchange_sale_id)
        self.assertEqual(order.exchange_picking_count, 1)
        self.assertFalse(order.can_be_exchanged)
        self.assertIn(picking.name, self._note_bodies(order))
        self.assertIn(order.name, self._note_bodies(picking))
        # the exchange is not a receipt of the return
        self.assertNotIn(picking, order.picking_ids)
        # the customer gets goods, not money
        self.assertEqual(order.amount_refundable, 0.0)
        self.assertEqual(order.refund_state, 'none')
        for move_line in picking.move_line_ids:
            move_line.qty_done = move_line.product_uom_qty
        picking.action_done()
        self.assertEqual(picking.state, 'done')
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 8.0)

    def test_cheaper_product_exchange_sends_a_delivery(self):
        order = self._received(qty=2.0)  # 80.0 returned; 2 mugs are worth 25.0
        result = order.sudo(self.user).action_exchange(self._replace(order, self.mug, 2.0))
        self.assertEqual(result, order.exchange_picking_ids)
        self.assertEqual(result.move_lines.product_id, self.mug)
        self.assertEqual(result.move_lines.product_uom_qty, 2.0)
        self.assertFalse(self._exchange_docs(order)[1])

    def test_returnless_exchange_from_approved(self):
        order = self._create_order([(self.earbuds, 3.0, self.reason_defect)],
                                   return_method='returnless')
        order.line_ids.write({'price_unit': 40.0})
        order.action_approve()
        wizard = self._wizard(order)
        self.assertEqual(wizard.line_ids.quantity, 3.0)
        wizard.action_exchange()
        self.assertEqual(order.exchange_picking_ids.move_lines.product_uom_qty, 3.0)
        self.assertTrue(order.is_exchanged)

    # ------------------------------------------------------------------ quotation
    def test_dearer_product_creates_a_quotation_for_the_difference(self):
        order = self._received(qty=1.0)  # 40.0 returned; headphones cost 90.0
        wizard = self._wizard(order, self.seller)
        wizard.line_ids.write({'product_id': self.headphones.id})
        wizard.action_exchange()

        sale = order.exchange_sale_id
        self.assertTrue(sale)
        self.assertEqual(sale.state, 'draft')
        self.assertIn('data-oe-id="%d"' % order.id, ''.join(
            sale.message_ids.filtered(lambda message: order.name in (message.body or ''))
            .mapped('body')), 'the quotation links the return it comes from')
        self.assertEqual(sale.exchange_return_id, order)
        self.assertEqual(sale.partner_id, self.customer)
        self.assertEqual(sale.warehouse_id, self.warehouse)
        self.assertEqual(sale.origin, order.name)
        self.assertAlmostEqual(sale.amount_untaxed, 50.0)
        product_line = sale.order_line.filtered(lambda l: l.product_id == self.headphones)
        self.assertEqual((product_line.product_uom_qty, product_line.price_unit), (1.0, 90.0))
        credit = sale.order_line - product_line
        self.assertEqual(credit.product_id,
                         self.env.ref('overseas_returns.product_exchange_credit'))
        self.assertEqual(credit.price_unit, -40.0)
        self.assertIn(order.name, credit.name)
        self.assertFalse(order.exchange_picking_ids)
        self.assertTrue(order.is_exchanged)
        self.assertIn(sale.name, self._note_bodies(order))
        self.assertIn(order.name, self._note_bodies(sale))
        self.assertEqual(order.amount_refundable, 0.0)

    def test_quotation_needs_sales_rights(self):
        order = self._received(qty=1.0)
        with self.assertRaises(AccessError):
            order.sudo(self.user).action_exchange(self._replace(order, self.headphones, 1.0))
        self._assert_unchanged(order)

    # ------------------------------------------------------------------ refunds
    def test_refund_refused_after_exchange(self):
        order = self._received(qty=2.0)
        order.sudo(self.user).action_exchange(self._replace(order, self.earbuds, 2.0))
        with self.assertRaisesRegex(UserError, 'exchanged'):
            order.sudo(self.accountant).action_create_refund()
        with self.assertRaises(UserError):
            order.sudo(self.accountant).action_create_refund(amount=10.0)
        with self.assertRaises(UserError):
            order.sudo(self.accountant).action_open_refund_wizard()
        self.assertFalse(order.sudo().refund_invoice_ids)

    def test_refunded_return_cannot_be_exchanged(self):
        order = self._received(qty=2.0)
        order.sudo(self.accountant).action_create_refund()
        self.assertFalse(order.can_be_exchanged)
        with self.assertRaisesRegex(UserError, 'credit note'):
            order.sudo(self.user).action_exchange(self._replace(order, self.earbuds, 2.0))
        self._assert_unchanged(order)

    # ------------------------------------------------------------------ refusals
    def test_wrong_state_refused(self):
        draft = self._create_order()
        approved = self._create_order()
        approved.action_approve()
        for order in (draft, approved):
            self.assertFalse(order.can_be_exchanged)
            with self.assertRaises(UserError):
                order.sudo(self.user).action_exchange(
                    self._replace(order, self.earbuds, 1.0))
            with self.assertRaises(UserError):
                self._wizard(order)
            with self.assertRaises(UserError):
                order.sudo(self.user).action_open_exchange_wizard()
            self._assert_unchanged(order)

    def test_received_not_yet_inspected_can_be_exchanged(self):
        order = self._received(qty=1.0, inspect=False)
        self.assertEqual(order.state, 'received')
        self.assertTrue(order.can_be_exchanged)

    def test_bad_quantities_refused(self):
        order = self._received(qty=2.0)
        line = order.line_ids
        for qty in (0.0, -1.0, 3.0):
            with self.assertRaises(UserError):
                order.sudo(self.user).action_exchange(self._replace(order, self.earbuds, qty))
            self._assert_unchanged(order)
        # two replacements for one line add up beyond what was received
        with self.assertRaises(UserError):
            order.sudo(self.user).action_exchange(
                self._replace(order, self.earbuds, 1.5, line)
                + self._replace(order, self.mug, 1.0, line))
        self._assert_unchanged(order)
        with self.assertRaises(UserError):
            order.sudo(self.user).action_exchange([])
        self._assert_unchanged(order)

    def test_foreign_line_and_service_refused(self):
        order = self._received(qty=1.0)
        other = self._received(qty=1.0)
        with self.assertRaises(UserError):
            order.sudo(self.user).action_exchange(
                self._replace(order, self.earbuds, 1.0, other.line_ids))
        service = self.env.ref('overseas_returns.product_exchange_credit')
        with self.assertRaises(UserError):
            order.sudo(self.user).action_exchange(self._replace(order, service, 1.0))
        self._assert_unchanged(order)

    def test_exchange_twice_refused(self):
        order = self._received(qty=2.0)
        order.sudo(self.user).action_exchange(self._replace(order, self.earbuds, 1.0))
        picking = order.exchange_picking_ids
        with self.assertRaisesRegex(UserError, 'already exchanged'):
            order.sudo(self.user).action_exchange(self._replace(order, self.earbuds, 1.0))
        with self.assertRaises(UserError):
            self._wizard(order)
        self.assertEqual(order.exchange_picking_ids, picking)
        self.assertFalse(order.exchange_sale_id)

    def test_non_returns_user_refused(self):
        order = self._received(qty=1.0)
        outsider = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Bookkeeper', 'login': 'ort_exch_bookkeeper', 'email': 'b@example.com',
            'groups_id': [(6, 0, [self.env.ref('account.group_account_invoice').id,
                                  self.env.ref('base.group_user').id])]})
        with self.assertRaises(AccessError):
            order.sudo(outsider).action_exchange(self._replace(order, self.earbuds, 1.0))
        self._assert_unchanged(order)
