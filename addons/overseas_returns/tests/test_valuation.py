"""Stock value and journal entries of a return and of each disposition, under real-time
valuation with FIFO and average cost: returned units come back at the cost they left
with, restocked and sent-home units stay in stock value, scrapped and donated units
leave it to the scrap location's and the donation location's accounts."""
from .common import ValuationCase, set_done


class TestValuation(ValuationCase):

    def _product(self, cost_method):
        return self._valued_product(cost_method, 'Valued %s' % cost_method)

    def _sell(self, product, qty):
        sale = self.env['sale.order'].create({
            'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': qty,
                                   'price_unit': 50.0})]})
        sale.action_confirm()
        delivery = sale.picking_ids
        set_done(delivery.move_lines, qty)
        delivery.action_done()
        return sale, delivery

    def _return_inspected(self, sale, disposition):
        order = self.env['overseas.return.order'].create_from_sale_order(sale)
        order.line_ids.write({'product_qty': 1.0, 'reason_id': self.reason_defect.id})
        order.action_approve()
        order.action_receive()
        # grade A: restocked as new (a graded restock's write-down: test_units.py)
        self._inspect(order.line_ids, 'A')
        order.line_ids.disposition = disposition
        return order

    def _check_returns_and_dispositions(self, product, cost_left, cost_out, after_sale=None):
        """Four units sold at cost_left each come back one by one; each disposition.

        A unit leaving stock value (scrap, donation) is valued by the costing method
        at cost_out: FIFO takes the company's oldest layer, average cost the average.
        """
        sale, delivery = self._sell(product, 4.0)
        self.assertAlmostEqual(-delivery.move_lines.value, 4 * cost_left)
        if after_sale:
            after_sale()
        valuation_after_sale = self.balance(self.acc_valuation)
        orders = {disposition: self._return_inspected(sale, disposition)
                  for disposition in ('restock', 'return_to_origin', 'scrap', 'donate')}
        receipt_moves = self.env['stock.move'].browse()
        for order in orders.values():
            receipt_moves |= order.line_ids.move_ids
        for move in receipt_moves:
            self.assertEqual(move.origin_returned_move_id, delivery.move_lines)
            self.assertAlmostEqual(move.value, cost_left, msg='back at the cost it left with')
        self.assertAlmostEqual(self.balance(self.acc_valuation),
                               valuation_after_sale + 4 * cost_left)
        self.assertAlmostEqual(self.balance(self.acc_output), 0.0,
                               msg="the returns take back what the sale put out")

        def dispose(disposition):
            before = self.balance(self.acc_valuation)
            orders[disposition].line_ids.action_dispose()
            return self.balance(self.acc_valuation) - before

        self.assertAlmostEqual(dispose('restock'), 0.0, msg='restock: still stock value')
        self.assertAlmostEqual(dispose('return_to_origin'), 0.0,
                               msg='sent home: goods in transit, still stock value')
        self.assertAlmostEqual(dispose('scrap'), -cost_out)
        self.assertAlmostEqual(self.balance(self.acc_scrap), cost_out)
        self.assertAlmostEqual(dispose('donate'), -cost_out)
        self.assertAlmostEqual(self.balance(self.acc_donation), cost_out)
        self.assertEqual(sale.order_line.qty_delivered, 0.0)

    def test_fifo_return_comes_back_at_the_cost_it_left_with(self):
        product = self._product('fifo')
        self._buy(product, 4.0, 10.0)
        self._buy(product, 5.0, 20.0)
        # the returns come back at 10; what leaves next is the oldest layer left (20)
        self._check_returns_and_dispositions(product, 10.0, 20.0)

    def test_average_cost_return_comes_back_at_the_cost_it_left_with(self):
        product = self._product('average')
        self._buy(product, 4.0, 10.0)
        # they left at 10; 4 more bought at 16 since: they still come back at 10, and
        # the average of the 8 units is then 13
        self._check_returns_and_dispositions(
            product, 10.0, 13.0, after_sale=lambda: self._buy(product, 4.0, 16.0))
        self.assertAlmostEqual(product.standard_price, 13.0)
