import base64
import csv
import io

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from .common import ReturnsCase

GENERIC_HEADER = ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code',
                  'return_date', 'customer', 'condition', 'note', 'lpn']


class TestUnidentified(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestUnidentified, cls).setUpClass()
        cls.Order = cls.env['overseas.return.order']
        cls.placeholder = cls.env.ref('overseas_returns.partner_unidentified')
        cls.sale, cls.delivery = cls._create_delivered_sale(
            [(cls.earbuds, 2.0, 35.0), (cls.mug, 1.0, 11.0)], '113-7000000-0000001')
        cls.other_customer = cls.env['res.partner'].create(
            {'name': 'Someone Else', 'customer': True})
        cls.other_sale = cls.env['sale.order'].create({
            'partner_id': cls.other_customer.id,
            'warehouse_id': cls.warehouse.id,
            'order_line': [(0, 0, {'product_id': cls.earbuds.id,
                                   'product_uom_qty': 1.0})]})

    def _scan(self, **values):
        vals = {'tracking_ref': '1Z999AA10000000001', 'sku': 'EB-01',
                'lpn': 'LPN0001', 'warehouse_id': self.warehouse.id}
        vals.update(values)
        return self.Order.create_unidentified(vals)

    def _match(self, order, partner=None, sale=None, delivery=None):
        wizard = self.env['overseas.return.match'].with_context(
            default_order_id=order.id).create({
                'partner_id': (partner or self.customer).id,
                'sale_order_id': sale.id if sale else False,
                'delivery_id': delivery.id if delivery else False})
        return wizard.action_match()

    def _set_age(self, order, days):
        self.env.cr.execute(
            "UPDATE overseas_return_order SET create_date = "
            "(now() at time zone 'UTC') - interval '1 day' * %s WHERE id = %s",
            (days, order.id))
        order.invalidate_cache()

    # ------------------------------------------------------------------ creation
    def test_create_unidentified_refuses_malformed_values(self):
        before = self.Order.search_count([])
        for values in (None, 'abc', 5, {}, {'note': 'just a note'}, {'lines': 'abc'},
                       {'lines': [1, 2]},
                       {'product_id': 'abc', 'tracking_ref': 'BAD-1'}):
            with self.assertRaises(UserError, msg=repr(values)):
                self.Order.create_unidentified(values)
        self.assertEqual(self.Order.search_count([]), before)

    def test_create_unidentified(self):
        order = self._scan(origin_ref='UNKNOWN-42')
        self.assertEqual(order.partner_id, self.placeholder)
        self.assertEqual(self.placeholder.name, 'Unidentified parcel')
        self.assertTrue(order.is_unidentified)
        self.assertEqual(order.state, 'draft')
        self.assertEqual(order.tracking_ref, '1Z999AA10000000001')
        self.assertEqual(order.origin_ref, 'UNKNOWN-42')
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(order.line_ids.product_id, self.earbuds)
        self.assertEqual(order.line_ids.product_qty, 1.0)
        self.assertEqual(order.line_ids.lpn, 'LPN0001')
        self.assertEqual(order.unidentified_age_days, 0)
        self._set_age(order, 10)
        self.assertEqual(order.unidentified_age_days, 10)

    def test_create_unidentified_by_barcode_and_unknown_sku(self):
        order = self._scan(sku='4006381333931')
        self.assertEqual(order.line_ids.product_id, self.earbuds)
        unknown = self._scan(sku='NO-SUCH-SKU', lpn=False)
        self.assertTrue(unknown.is_unidentified)
        self.assertFalse(unknown.line_ids)
        self.assertIn('NO-SUCH-SKU', unknown.note)

    def test_placeholder_partner_flags_and_real_customer_does_not(self):
        manual = self._create_order(partner_id=self.placeholder.id)
        self.assertTrue(manual.is_unidentified)
        normal = self._create_order()
        self.assertFalse(normal.is_unidentified)
        self.assertEqual(normal.unidentified_age_days, 0)

    def test_queue(self):
        action = self.env.ref(
            'overseas_returns.overseas_return_order_action_unidentified')
        waiting = self._scan()
        old = self._scan(tracking_ref='1Z999AA10000000002')
        self._set_age(old, 40)
        cancelled = self._scan(tracking_ref='1Z999AA10000000003')
        cancelled.action_cancel()
        identified = self._create_order()
        queue = self.Order.search(safe_eval(action.domain))
        self.assertIn(waiting, queue)
        self.assertIn(old, queue)
        self.assertNotIn(cancelled, queue)
        self.assertNotIn(identified, queue)
        self.assertEqual(safe_eval(action.context)['default_partner_id'],
                         self.placeholder.id)
        self.assertEqual(old.unidentified_age_days, 40)

    # ------------------------------------------------------------------ matching
    def test_match(self):
        order = self._scan(lines=[{'sku': 'MUG-01'}])
        self._set_age(order, 3)
        self.assertEqual(order.action_open_match()['context'],
                         {'default_order_id': order.id})
        self._match(order, sale=self.sale, delivery=self.delivery)
        self.assertFalse(order.is_unidentified)
        self.assertEqual(order.unidentified_age_days, 0)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.sale_order_id, self.sale)
        self.assertEqual(order.delivery_id, self.delivery)
        self.assertEqual(order.origin_ref, '113-7000000-0000001')
        by_product = {line.product_id: line for line in order.line_ids}
        earbuds_line = self.sale.order_line.filtered(
            lambda l: l.product_id == self.earbuds)
        self.assertEqual(by_product[self.earbuds].sale_line_id, earbuds_line)
        self.assertEqual(by_product[self.earbuds].price_unit, 35.0)
        self.assertEqual(by_product[self.mug].price_unit, 11.0)
        self.assertTrue(by_product[self.mug].sale_line_id)
        self.assertIn('Parcel identified', order.message_ids[0].body)
        self.assertIn(self.customer.name, order.message_ids[0].body)
        self.assertNotIn(order, self.Order.search(safe_eval(self.env.ref(
            'overseas_returns.overseas_return_order_action_unidentified').domain)))
        # once matched, it is approved like any return
        order.line_ids.write({'reason_id': self.reason_defect.id})
        order.action_approve()
        self.assertEqual(order.state, 'approved')

    def test_match_without_lines_takes_the_sale_lines(self):
        order = self._scan(sku=False, lpn=False)
        self.assertFalse(order.line_ids)
        self._match(order, sale=self.sale)
        self.assertEqual(sorted(order.line_ids.mapped('product_qty')), [1.0, 2.0])
        self.assertTrue(all(order.line_ids.mapped('sale_line_id')))

    def test_match_wizard_proposes_the_sale_of_the_scanned_order(self):
        order = self._scan(origin_ref='113-7000000-0000001')
        wizard = self.env['overseas.return.match'].with_context(
            default_order_id=order.id).new({})
        defaults = wizard.default_get(['order_id', 'partner_id', 'sale_order_id'])
        self.assertEqual(defaults['sale_order_id'], self.sale.id)
        self.assertEqual(defaults['partner_id'], self.customer.id)

    def test_match_refusals(self):
        order = self._scan()
        with self.assertRaises(UserError):
            self._match(order, sale=self.other_sale)
        with self.assertRaises(UserError):
            self._match(order, partner=self.placeholder)
        self.assertTrue(order.is_unidentified)
        self.assertFalse(order.sale_order_id)
        normal = self._create_order()
        with self.assertRaises(UserError):
            self._match(normal, sale=self.sale)
        self.assertFalse(normal.sale_order_id)

    def test_approve_refused_before_matching(self):
        order = self._scan(reason_id=self.reason_defect.id)
        with self.assertRaises(UserError) as raised:
            order.action_approve()
        self.assertIn('match it', raised.exception.name)
        self.assertEqual(order.state, 'draft')

    # ------------------------------------------------------------------ import
    def _import(self, rows):
        output = io.StringIO()
        csv.writer(output).writerows([GENERIC_HEADER] + rows)
        wizard = self.env['overseas.return.import'].create({
            'data_file': base64.b64encode(output.getvalue().encode('utf-8')),
            'filename': 'manifest.csv', 'warehouse_id': self.warehouse.id})
        wizard.action_import()
        return wizard

    def test_import_creates_unidentified_returns(self):
        rows = [
            ['', 'TRK-U1', 'EB-01', '1', 'manufacturing_defect', '2026-03-01', '',
             'intact', 'no paperwork', 'LPN-U1'],
            ['', 'TRK-U1', 'MUG-01', '1', 'changed_mind', '2026-03-02', '', '', '', ''],
            ['', 'TRK-U2', 'MUG-01', '2', 'changed_mind', '2026-03-02', '', '', '', ''],
            ['IMP-U8', 'TRK-C1', 'MUG-01', '1', 'changed_mind', '2026-03-02',
             'Known Buyer', '', '', ''],
            ['IMP-U9', 'TRK-K1', 'EB-01', '1', 'changed_mind', '2026-03-02', '', '', '',
             ''],
        ]
        wizard = self._import(rows)
        self.assertEqual(wizard.order_count, 4)
        self.assertEqual(wizard.line_count, 5)
        parcels = wizard.order_ids.filtered('is_unidentified')
        self.assertEqual(sorted(parcels.mapped('tracking_ref')), ['TRK-U1', 'TRK-U2'])
        first = parcels.filtered(lambda o: o.tracking_ref == 'TRK-U1')
        self.assertEqual(first.partner_id, self.placeholder)
        self.assertEqual(first.date_requested, '2026-03-01')
        self.assertEqual(first.parcel_condition, 'intact')
        self.assertEqual(sorted(first.line_ids.mapped('product_id.default_code')),
                         ['EB-01', 'MUG-01'])
        self.assertEqual(first.line_ids.filtered('lpn').lpn, 'LPN-U1')
        self.assertEqual(first.line_ids.filtered('lpn').customer_note, 'no paperwork')
        # a known customer, or an order number without a customer: not unidentified
        known = wizard.order_ids - parcels
        self.assertEqual(sorted(known.mapped('partner_id.name')),
                         ['Imported returns customer', 'Known Buyer'])
        # importing the file again creates no second parcel
        again = self._import(rows)
        self.assertFalse(again.order_ids.filtered('is_unidentified'))
        self.assertEqual(again.skipped_count, 5)
        # a parcel nobody can recognise again (no tracking number) is a row error
        orders = self.Order.search_count([])
        with self.assertRaisesRegex(UserError, 'needs its tracking number'):
            self._import([['', '', 'MUG-01', '1', 'changed_mind', '2026-03-02', '', '',
                           '', '']])
        self.assertEqual(self.Order.search_count([]), orders)


class TestReturnMethodFollowups(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestReturnMethodFollowups, cls).setUpClass()
        cls.todo = cls.env.ref('mail.mail_activity_data_todo')

    def _approve(self, **values):
        values.setdefault('user_id', self.user.id)
        order = self._create_order(**values)
        order.action_approve()
        return order

    def _activities(self, order):
        return self.env['mail.activity'].search([
            ('res_model', '=', 'overseas.return.order'), ('res_id', '=', order.id)])

    def test_ship_back(self):
        order = self._approve(return_method='ship_back')
        activity = self._activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, 'Send the return label')
        self.assertEqual(activity.activity_type_id, self.todo)
        self.assertEqual(activity.user_id, self.user)
        self.assertEqual(order.followup_return_method, 'ship_back')

    def test_ship_back_label_already_sent(self):
        order = self._approve(return_method='ship_back', return_label_sent=True)
        self.assertFalse(self._activities(order))

    def test_pickup(self):
        order = self._approve(return_method='pickup', pickup_date='2026-12-03',
                              pickup_carrier='UPS')
        activity = self._activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, 'Book the carrier pick-up')
        self.assertEqual(activity.date_deadline, '2026-12-03')
        self.assertIn('UPS', activity.note)
        no_date = self._approve(return_method='pickup')
        self.assertEqual(self._activities(no_date).date_deadline,
                         fields.Date.context_today(no_date))

    def test_drop_off(self):
        order = self._approve(return_method='drop_off', drop_off_point='Hermes Shop 12')
        activity = self._activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, 'Tell the customer the drop-off point')
        self.assertEqual(activity.activity_type_id, self.todo)

    def test_returnless(self):
        order = self._approve(return_method='returnless')
        self.assertEqual(order.state, 'approved')
        self.assertFalse(self._activities(order))

    def test_no_second_activity_on_reapproval(self):
        order = self._approve(return_method='pickup')
        order.action_cancel()
        order.action_draft()
        order.action_approve()
        self.assertEqual(len(self._activities(order)), 1)

    def test_mass_approval(self):
        orders = self._create_order(return_method='ship_back') | self._create_order(
            return_method='drop_off') | self._create_order(return_method='returnless')
        orders.action_approve()
        summaries = self.env['mail.activity'].search([
            ('res_model', '=', 'overseas.return.order'),
            ('res_id', 'in', orders.ids)]).mapped('summary')
        self.assertEqual(sorted(summaries), ['Send the return label',
                                             'Tell the customer the drop-off point'])
