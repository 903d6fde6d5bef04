from odoo.tests.common import at_install, post_install

from .common import ReportsCase


@at_install(False)
@post_install(True)
class TestReturnRateByChannel(ReportsCase):
    """Return rate by the sales channel of real sales, delivered and returned through
    the returns flow; returns link to their delivery through Odoo's return link.

      Amazon  earbuds 4 delivered 2026-01-10, 1 returned from its sale line  25 %
      eBay    mugs 2 delivered 2026-01-12, none returned                      0 %
      Shopify earbuds 3: return registered on the delivery, delivery validated
              afterwards (2026-01-20), then 1 received                       33.3 %
    """

    @classmethod
    def _build_data(cls):
        ref = cls.env.ref
        cls.amazon = ref('overseas_returns.channel_amazon')
        cls.ebay = ref('overseas_returns.channel_ebay')
        cls.shopify = ref('overseas_returns.channel_shopify')
        cls.manager = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Channel Returns Manager', 'login': 'ort_rep_channel_manager',
            'email': 'crm@example.com',
            'groups_id': [(6, 0, [ref('overseas_returns.group_returns_manager').id,
                                  ref('base.group_user').id])]})
        cls.sale_amazon = cls._sale(cls.amazon, cls.earbuds, 4.0)
        cls._validate(cls.sale_amazon.picking_ids, '2026-01-10 10:00:00')
        cls.sale_ebay = cls._sale(cls.ebay, cls.mug, 2.0)
        cls._validate(cls.sale_ebay.picking_ids, '2026-01-12 10:00:00')
        sale_line = cls.sale_amazon.order_line
        cls.return_amazon = cls._channel_return(
            cls.earbuds, 1.0, sale_order_id=cls.sale_amazon.id, sale_line_id=sale_line.id)
        cls.return_amazon.sudo(cls.manager).action_receive()

        # registered on a delivery that is not validated yet
        cls.sale_shopify = cls._sale(cls.shopify, cls.earbuds, 3.0)
        cls.late_delivery = cls.sale_shopify.picking_ids
        cls.return_late = cls._channel_return(
            cls.earbuds, 1.0, sale_order_id=cls.sale_shopify.id,
            delivery_id=cls.late_delivery.id)
        cls._validate(cls.late_delivery, '2026-01-20 10:00:00')
        cls.return_late.sudo(cls.manager).action_receive()

        # an unidentified parcel's return: no delivery behind it
        cls.return_unlinked = cls._channel_return(cls.mug, 1.0, channel_id=cls.ebay.id)
        cls.return_unlinked.sudo(cls.manager).action_receive()

    @classmethod
    def _sale(cls, channel, product, qty):
        sale = cls.env['sale.order'].create({
            'partner_id': cls.customer.id, 'warehouse_id': cls.warehouse.id,
            'channel_id': channel.id,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': qty,
                                   'price_unit': product.list_price})]})
        sale.action_confirm()
        return sale

    @classmethod
    def _channel_return(cls, product, qty, sale_line_id=False, **values):
        vals = {
            'partner_id': cls.customer.id,
            'warehouse_id': cls.warehouse.id,
            'company_id': cls.company.id,
            'date_requested': '2026-02-01',
            'line_ids': [(0, 0, {'product_id': product.id, 'product_qty': qty,
                                 'reason_id': cls.reason['changed_mind'].id,
                                 'sale_line_id': sale_line_id})],
        }
        vals.update(values)
        order = cls.env['overseas.return.order'].sudo(cls.manager).create(vals)
        order.action_approve()
        return order

    def _rates_by_channel(self):
        groups = self.env['overseas.return.rate.report'].read_group(
            [('product_id', 'in', (self.earbuds | self.mug).ids)],
            ['qty_delivered', 'qty_returned', 'return_rate', 'channel_id'],
            ['channel_id'], lazy=False)
        return {g['channel_id'] and g['channel_id'][0]:
                (g['qty_delivered'], g['qty_returned'], g['return_rate']) for g in groups}

    def test_return_rate_by_channel(self):
        rates = self._rates_by_channel()
        self.assertEqual(rates[self.amazon.id], (4.0, 1.0, 25.0))
        self.assertEqual(rates[self.ebay.id], (2.0, 0.0, 0.0))
        self.assertEqual(set(rates), {self.amazon.id, self.ebay.id, self.shopify.id},
                         'every delivery here has a sale with a channel')
        # the cohort is the delivery month, whatever the return's date
        groups = self.env['overseas.return.rate.report'].read_group(
            [('channel_id', '=', self.amazon.id), ('product_id', '=', self.earbuds.id)],
            ['qty_delivered', 'qty_returned', 'date'], ['date:month'], lazy=False)
        self.assertEqual([(g['date:month'], g['qty_delivered'], g['qty_returned'])
                          for g in groups], [('January 2026', 4.0, 1.0)])

    def test_channel_follows_the_sale_order(self):
        """The rate reads the sale's channel live: a corrected channel moves both the
        delivered and the returned units."""
        self.sale_amazon.channel_id = self.ebay
        rates = self._rates_by_channel()
        self.assertNotIn(self.amazon.id, rates)
        self.assertEqual(rates[self.ebay.id][:2], (6.0, 1.0))

    def test_delivery_validated_after_the_return_was_registered(self):
        receipt = self.return_late.line_ids.move_ids
        self.assertEqual(receipt.origin_returned_move_id, self.late_delivery.move_lines)
        delivered, returned, rate = self._rates_by_channel()[self.shopify.id]
        self.assertEqual((delivered, returned), (3.0, 1.0))
        self.assertAlmostEqual(rate, 100.0 / 3)

    def test_report_rows_link_to_the_delivery(self):
        Report = self.env['overseas.return.report']
        row = Report.browse(self.return_amazon.line_ids.id)
        self.assertEqual(row.delivery_move_id, self.sale_amazon.picking_ids.move_lines)
        self.assertEqual(row.delivery_id, self.sale_amazon.picking_ids)
        self.assertEqual(row.channel_id, self.amazon, "the sale's channel")
        late = Report.browse(self.return_late.line_ids.id)
        self.assertEqual(late.delivery_id, self.late_delivery)
        unlinked = Report.browse(self.return_unlinked.line_ids.id)
        self.assertFalse(unlinked.delivery_move_id)
        self.assertEqual(unlinked.channel_id, self.ebay)
        self.assertEqual(Report.search([('id', 'in', (self.return_amazon
                                                      | self.return_unlinked).mapped(
            'line_ids').ids), ('delivery_move_id', '=', False)]).order_id,
            self.return_unlinked)
        # a return without a delivery is not in any cohort
        self.assertEqual(self._rates_by_channel()[self.ebay.id], (2.0, 0.0, 0.0))
