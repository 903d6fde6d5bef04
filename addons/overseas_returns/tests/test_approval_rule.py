import base64
import csv
import io

from odoo.exceptions import ValidationError

from .common import ReturnsCase, set_done


class TestApprovalRule(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestApprovalRule, cls).setUpClass()
        cls.Order = cls.env['overseas.return.order']
        cls.Rule = cls.env['overseas.return.rule']
        cls.amazon = cls.env.ref('overseas_returns.channel_amazon')
        cls.us = cls.env.ref('base.us')
        cls.de = cls.env.ref('base.de')
        cls.customer.country_id = cls.us
        cls.warehouse_eu = cls.env['stock.warehouse'].create({
            'name': 'Test EU 3PL', 'code': 'TEU', 'company_id': cls.company.id})
        cls.categ_audio = cls.env['product.category'].create({
            'name': 'Audio', 'parent_id': cls.categ_electronics.id})
        cls.headphones = cls.env['product.product'].create({
            'name': 'Headphones', 'default_code': 'HP-01', 'type': 'product',
            'list_price': 60.0, 'categ_id': cls.categ_audio.id})
        cls.env['stock.quant']._update_available_quantity(
            cls.earbuds, cls.stock_location, 100.0)

    # ------------------------------------------------------------------ helpers
    @classmethod
    def _rule(cls, name='Rule', **values):
        vals = {'name': name, 'action': 'approve'}
        vals.update(values)
        return cls.Rule.create(vals)

    @staticmethod
    def _notes(order):
        return ' '.join(order.message_ids.mapped('body'))

    def _deliver(self, partner, qty, date):
        """A sale of earbuds to ``partner``, delivered (done) on ``date``."""
        sale = self.env['sale.order'].create({
            'partner_id': partner.id, 'warehouse_id': self.warehouse.id,
            'order_line': [(0, 0, {'product_id': self.earbuds.id,
                                   'product_uom_qty': qty, 'price_unit': 40.0})]})
        sale.action_confirm()
        delivery = sale.picking_ids
        set_done(delivery.move_lines, qty)
        delivery.action_done()
        delivery.write({'date_done': date})
        delivery.move_lines.write({'date': date})
        return sale

    # ------------------------------------------------------------------ no rule
    def test_without_rule_stays_draft(self):
        order = self._create_order()
        self.assertEqual(order.state, 'draft')
        self.assertEqual(order.return_method, 'ship_back')
        self.assertFalse(order.activity_ids)
        self.assertNotIn('approval rule', self._notes(order))

    def test_archived_and_other_company_rules_do_not_apply(self):
        other = self.env['res.company'].create({'name': 'Other Returns Co'})
        self._rule('Archived', active=False)
        self._rule('Other company', company_id=other.id)
        self.assertEqual(self._create_order().state, 'draft')
        self._rule('Every company', company_id=False)
        self.assertEqual(self._create_order().state, 'approved')

    # ------------------------------------------------------------------ actions
    def test_auto_approve_without_manager_and_chatter_names_the_rule(self):
        self._rule('Routine returns')
        order = self.Order.sudo(self.user).create({
            'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
            'line_ids': [(0, 0, {'product_id': self.earbuds.id, 'product_qty': 1.0,
                                 'reason_id': self.reason_defect.id})]})
        self.assertEqual(order.state, 'approved')
        self.assertIn('Approved automatically by the approval rule', self._notes(order))
        self.assertIn('Routine returns', self._notes(order))

    def test_auto_approve_keeps_the_approval_checks(self):
        self._rule('Routine returns')
        order = self._create_order(lines=[(self.earbuds, 1.0,
                                           self.env['overseas.return.reason'])])
        self.assertEqual(order.state, 'draft')
        self.assertIn('could not approve', self._notes(order))
        self.assertIn('Routine returns', self._notes(order))
        empty = self._create_order(line_ids=[])
        self.assertEqual(empty.state, 'draft')
        self.assertIn('Add at least one product', self._notes(empty))

    def test_auto_approve_plans_the_follow_up_and_spares_unknown_parcels(self):
        self._rule('Routine returns')
        order = self._create_order(return_method='pickup')
        self.assertEqual(order.state, 'approved')
        self.assertTrue(order.activity_ids, 'the pick-up is to be booked')
        parcel = self.Order.create_unidentified({
            'warehouse_id': self.warehouse.id, 'tracking_ref': '1Z-UNKNOWN-1',
            'lines': [{'product_id': self.earbuds.id, 'product_qty': 1.0,
                       'reason_id': self.reason_defect.id}]})
        self.assertEqual(parcel.state, 'draft')
        self.assertIn('unidentified parcel', self._notes(parcel))

    def test_require_manager_leaves_draft_with_activities(self):
        self._rule('Check by hand', action='manager', activity_user_id=self.manager.id)
        order = self._create_order()
        self.assertEqual(order.state, 'draft')
        self.assertEqual(order.activity_ids.mapped('user_id'), self.manager)
        self.assertIn('Check by hand', order.activity_ids.note)
        self.assertIn('asks a returns manager', self._notes(order))
        self.assertIn('Check by hand', self._notes(order))

    def test_require_manager_asks_every_returns_manager(self):
        self._rule('Check by hand', action='manager')
        order = self.Order.sudo(self.user).create({
            'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
            'line_ids': [(0, 0, {'product_id': self.earbuds.id, 'product_qty': 1.0,
                                 'reason_id': self.reason_defect.id})]})
        managers = self.env.ref('overseas_returns.group_returns_manager').users
        self.assertIn(self.manager, order.activity_ids.mapped('user_id'))
        self.assertEqual(set(order.activity_ids.mapped('user_id')), set(managers))
        self.assertNotIn(self.user, order.activity_ids.mapped('user_id'))
        self.assertEqual(order.state, 'draft')

    def test_reject_with_reason(self):
        self._rule('Late', action='reject', reject_reason='Outside the 30-day window.')
        order = self._create_order()
        self.assertEqual(order.state, 'rejected')
        self.assertIn('Rejected automatically by the approval rule', self._notes(order))
        self.assertIn('Outside the 30-day window.', self._notes(order))
        with self.assertRaises(ValidationError):
            self._rule('No reason', action='reject')

    def test_returnless_below_value(self):
        self._rule('Keep it', action='returnless', returnless_max_value=50.0)
        cheap = self._create_order()
        self.assertEqual((cheap.state, cheap.return_method), ('approved', 'returnless'))
        self.assertIn('Keep it', self._notes(cheap))
        dear = self._create_order(lines=[(self.earbuds, 2.0, self.reason_defect)])
        self.assertEqual((dear.state, dear.return_method), ('draft', 'ship_back'))

    def test_returnless_when_shipping_costs_more(self):
        self._rule('Shipping too dear', action='returnless', return_shipping_cost=50.0)
        cheap = self._create_order()  # 40 < 50
        self.assertEqual((cheap.state, cheap.return_method), ('approved', 'returnless'))
        dear = self._create_order(lines=[(self.earbuds, 2.0, self.reason_defect)])
        self.assertEqual((dear.state, dear.return_method), ('draft', 'ship_back'))

    def test_returnless_keeps_the_approval_checks(self):
        self._rule('Keep it', action='returnless', returnless_max_value=50.0)
        order = self._create_order(lines=[(self.earbuds, 1.0,
                                           self.env['overseas.return.reason'])])
        self.assertEqual((order.state, order.return_method), ('draft', 'ship_back'))
        self.assertIn('could not make this return returnless', self._notes(order))

    def test_restocking_fee_override_used_by_the_refund(self):
        self._rule('Heavy fee', action='restocking_fee', restocking_fee_percent=30.0)
        groups = (self.env.ref('account.group_account_invoice')
                  | self.env.ref('overseas_returns.group_returns_user')
                  | self.env.ref('base.group_user'))
        accountant = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Rule Accountant', 'login': 'ort_rule_accountant',
            'email': 'ra@example.com', 'groups_id': [(6, 0, groups.ids)]})
        invoice = self.env['account.invoice'].create({
            'partner_id': self.customer.id, 'type': 'out_invoice',
            'invoice_line_ids': [(0, 0, {
                'product_id': self.earbuds.id, 'name': self.earbuds.name,
                'quantity': 2.0, 'price_unit': 100.0,
                'account_id': self.env['account.invoice.line'].get_invoice_line_account(
                    'out_invoice', self.earbuds, False, self.company).id})]})
        invoice.action_invoice_open()
        order = self._create_order([(self.earbuds, 2.0, self.reason_changed_mind)],
                                   invoice_id=invoice.id)
        self.assertEqual(order.state, 'draft')
        self.assertEqual(order.restocking_fee_override, 30.0)
        self.assertIn('Heavy fee', self._notes(order))
        order.action_approve()
        order.action_receive()
        self._inspect(order.line_ids, 'A')
        refund = self.env['account.invoice'].browse(
            order.sudo(accountant).action_create_refund())
        fee = refund.invoice_line_ids.filtered(
            lambda line: line.return_deduction_type == 'restocking_fee')
        self.assertAlmostEqual(fee.price_subtotal, -60.0, msg='30 % of 200, not 15 %')
        with self.assertRaises(ValidationError):
            self._rule('No fee', action='restocking_fee')

    # ------------------------------------------------------------------ conditions
    def test_value_min_and_max(self):
        self._rule('Small', amount_max=50.0)
        self._rule('Large', amount_min=100.0, action='reject',
                   reject_reason='Too dear.')
        self.assertEqual(self._create_order().state, 'approved')  # 40
        mid = self._create_order(lines=[(self.earbuds, 2.0, self.reason_defect)])  # 80
        self.assertEqual(mid.state, 'draft')
        big = self._create_order(lines=[(self.earbuds, 3.0, self.reason_defect)])  # 120
        self.assertEqual(big.state, 'rejected')

    def test_value_in_the_currency_of_the_return(self):
        company_currency = self.company.currency_id
        foreign = self.env.ref('base.EUR') if company_currency != self.env.ref(
            'base.EUR') else self.env.ref('base.USD')
        # both rates pinned: demo data gives the company currency a rate other than 1
        for currency, rate in ((company_currency, 1.0), (foreign, 2.0)):
            self.env['res.currency.rate'].create({
                'currency_id': currency.id, 'rate': rate, 'name': '2026-05-31',
                'company_id': self.company.id})
        self._rule('Small', amount_max=50.0)
        # 80.00 in a currency worth half: 40.00 in the company currency
        order = self._create_order(lines=[(self.earbuds, 2.0, self.reason_defect)],
                                   currency_id=foreign.id, date_requested='2026-06-01')
        self.assertEqual(order.state, 'approved')
        same = self._create_order(lines=[(self.earbuds, 2.0, self.reason_defect)],
                                  date_requested='2026-06-01')
        self.assertEqual(same.state, 'draft')

    def test_reason_category(self):
        category = self.reason_changed_mind.category_id
        self.assertNotEqual(category, self.reason_defect.category_id)
        self._rule('Changed mind', reason_category_id=category.id, action='manager')
        self.assertFalse(self._create_order().activity_ids)
        order = self._create_order([(self.earbuds, 1.0, self.reason_defect),
                                    (self.mug, 1.0, self.reason_changed_mind)])
        self.assertTrue(order.activity_ids)

    def test_product_category_and_its_children(self):
        self._rule('Electronics', product_categ_id=self.categ_electronics.id)
        mug = self._create_order([(self.mug, 1.0, self.reason_defect)])
        self.assertEqual(mug.state, 'draft')
        self.assertEqual(self._create_order(
            [(self.headphones, 1.0, self.reason_defect)]).state, 'approved')
        self.assertEqual(self._create_order().state, 'approved')

    def test_customer_return_count(self):
        buyer = self.env['res.partner'].create({'name': 'Repeat Buyer',
                                                'customer': True})
        contact = self.env['res.partner'].create({'name': 'Repeat Buyer Office',
                                                  'parent_id': buyer.id})
        self._create_order(partner_id=buyer.id, date_requested='2026-01-10')
        self._create_order(partner_id=contact.id, date_requested='2025-09-01')
        self._create_order(partner_id=buyer.id, date_requested='2025-03-01')  # too old
        cancelled = self._create_order(partner_id=buyer.id, date_requested='2026-02-01')
        cancelled.action_cancel()
        self._create_order(date_requested='2026-02-01')  # someone else
        rule = self._rule('Serial returner', min_return_count=3, action='manager')
        order = self._create_order(partner_id=buyer.id, date_requested='2026-06-01')
        self.assertFalse(order.activity_ids, 'two returns in the last 12 months only')
        rule.min_return_count = 2
        order = self._create_order(partner_id=buyer.id, date_requested='2026-06-01')
        self.assertTrue(order.activity_ids)

    def test_customer_return_rate(self):
        buyer = self.env['res.partner'].create({'name': 'Rate Buyer', 'customer': True})
        self._rule('High return rate', min_return_rate=25.0, action='reject',
                   reject_reason='Return rate too high.')
        # no delivery at all: the rate is unknown and the rule does not match
        self.assertEqual(self._create_order(partner_id=buyer.id,
                                            date_requested='2026-01-15').state, 'draft')
        self._deliver(buyer, 10.0, '2026-02-01 10:00:00')
        self._deliver(buyer, 20.0, '2025-01-01 10:00:00')  # more than 12 months before
        first = self._create_order(partner_id=buyer.id, date_requested='2026-05-01',
                                   lines=[(self.earbuds, 1.0, self.reason_defect)])
        self.assertEqual(first.state, 'draft', '(1 + 1) / 10 = 20 %')
        second = self._create_order(partner_id=buyer.id, date_requested='2026-06-01',
                                    lines=[(self.earbuds, 1.0, self.reason_defect)])
        self.assertEqual(second.state, 'rejected', '(1 + 1 + 1) / 10 = 30 %')

    def test_days_since_delivery(self):
        sale = self._deliver(self.customer, 2.0, '2026-01-10 10:00:00')
        rule = self._rule('Late return', min_days_since_delivery=60, action='reject',
                          reject_reason='Too late.')
        order = self._create_order(sale_order_id=sale.id, date_requested='2026-03-01')
        self.assertEqual(order.state, 'draft', '50 days only')
        rule.min_days_since_delivery = 45
        order = self._create_order(sale_order_id=sale.id, date_requested='2026-03-01')
        self.assertEqual(order.state, 'rejected')
        # the original delivery comes first
        sale.picking_ids.date_done = '2026-02-25 10:00:00'
        order = self._create_order(delivery_id=sale.picking_ids.id,
                                   date_requested='2026-03-01')
        self.assertEqual(order.state, 'draft', '4 days')
        # no known delivery: no match
        self.assertEqual(self._create_order(date_requested='2026-03-01').state, 'draft')

    def test_customer_country(self):
        rule = self._rule('Germany', country_ids=[(6, 0, [self.de.id])])
        self.assertEqual(self._create_order().state, 'draft')
        rule.country_ids = [(4, self.us.id)]
        self.assertEqual(self._create_order().state, 'approved')
        contact = self.env['res.partner'].create({'name': 'Jane at work',
                                                  'parent_id': self.customer.id})
        contact.country_id = False
        self.assertEqual(self._create_order(partner_id=contact.id).state, 'approved')

    # ------------------------------------------------------------------ order and scope
    def test_first_matching_rule_decides(self):
        self._rule('Not this one', sequence=1, warehouse_id=self.warehouse_eu.id,
                   action='reject', reject_reason='EU only.')
        reject = self._rule('Reject', sequence=5, action='reject', reject_reason='No.')
        self._rule('Approve', sequence=10)
        order = self._create_order()
        self.assertEqual(order.state, 'rejected')
        self.assertIn('Reject', self._notes(order))
        self.assertNotIn('Not this one', self._notes(order))
        reject.sequence = 20
        order = self._create_order()
        self.assertEqual(order.state, 'approved')
        self.assertIn('"Approve"', self._notes(order))

    def test_warehouse_and_channel_scope(self):
        self._rule('EU warehouse', warehouse_id=self.warehouse_eu.id)
        self._rule('Amazon', channel_id=self.amazon.id, action='manager')
        self.assertEqual(self._create_order().state, 'draft')
        self.assertEqual(self._create_order(warehouse_id=self.warehouse_eu.id).state,
                         'approved')
        amazon = self._create_order(channel_id=self.amazon.id)
        self.assertEqual(amazon.state, 'draft')
        self.assertTrue(amazon.activity_ids)

    def test_applied_to_imported_returns(self):
        self._rule('Small', amount_max=50.0)
        output = io.StringIO()
        csv.writer(output).writerows([
            ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code',
             'return_date', 'customer', 'condition', 'note'],
            ['RULE-1', '1Z1', 'EB-01', '2', 'manufacturing_defect', '2026-03-01',
             'Tom Rule', '', ''],
            ['RULE-2', '1Z2', 'MUG-01', '1', 'manufacturing_defect', '2026-03-01',
             'Tom Rule', '', ''],
        ])
        wizard = self.env['overseas.return.import'].create({
            'data_file': base64.b64encode(output.getvalue().encode()),
            'filename': 'manifest.csv', 'warehouse_id': self.warehouse.id})
        wizard.action_import()
        first, second = self.Order.search([('origin_ref', 'in', ['RULE-1', 'RULE-2'])],
                                          order='origin_ref')
        self.assertEqual(first.amount_total, 80.0)
        self.assertEqual(first.state, 'draft')
        self.assertEqual(second.state, 'approved')
        self.assertIn('Small', self._notes(second))
