"""The desk's batched paths: several returns of several lines received, inspected and
disposed of in one call each end with the same stock, states and values as one at a time."""
from . import test_valuation
from .common import ReturnsCase


class TestDeskBatch(ReturnsCase):

    def test_several_returns_in_one_call_each(self):
        lines = [(self.earbuds, 2.0, self.reason_defect), (self.mug, 1.0, self.reason_defect)]
        orders = self.env['overseas.return.order']
        for _i in range(3):
            orders |= self._create_order(lines)
        orders.action_approve()
        orders.action_receive()
        self.assertEqual(set(orders.mapped('state')), {'received'})
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 6.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 3.0)
        for order in orders:
            receipt = order.picking_ids
            self.assertEqual(len(receipt), 1, 'one receipt per return')
            self.assertEqual(receipt.state, 'done')
            self.assertEqual(sorted(receipt.move_lines.mapped('product_qty')), [1.0, 2.0])
            self.assertEqual(receipt.move_lines.mapped('return_line_id'), order.line_ids)
            # the receipt's chatter links to its return (no per-field tracking noise)
            self.assertIn(order.name, ' '.join(receipt.message_ids.mapped('body')))

        # one grade per return: A restocks, D (defect) goes back to origin, F scraps
        for order, grade in zip(orders, ('A', 'D', 'F')):
            self._inspect(order.line_ids, grade)
        self.assertEqual(set(orders.mapped('state')), {'inspected'})
        self.assertEqual([set(order.line_ids.mapped('disposition')) for order in orders],
                         [{'restock'}, {'return_to_origin'}, {'scrap'}])
        refundable = {order.id: order.amount_refundable for order in orders}
        orders.invalidate_cache()
        self.assertEqual({order.id: order.amount_refundable for order in orders}, refundable)

        stock_before = {product: self.qty_at(product, self.stock_location)
                        for product in (self.earbuds, self.mug)}
        orders.mapped('line_ids').action_dispose()
        self.assertEqual(set(orders.mapped('state')), {'done'})
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location),
                         stock_before[self.earbuds] + 2.0)
        self.assertEqual(self.qty_at(self.mug, self.stock_location), stock_before[self.mug] + 1.0)
        transit = self.warehouse.return_origin_location_id
        self.assertEqual(self.qty_at(self.earbuds, transit), 2.0)
        self.assertEqual(self.qty_at(self.mug, transit), 1.0)
        scraps = orders[2].line_ids.mapped('scrap_ids')
        self.assertEqual(len(scraps), 2)
        self.assertEqual(set(scraps.mapped('state')), {'done'})
        self.assertEqual(self.qty_at(self.earbuds, scraps[0].scrap_location_id), 2.0)


class TestDeskBatchValuation(test_valuation.TestValuation):
    """Real-time FIFO: returns received and disposed of together keep the values."""

    # the setup of TestValuation, not its tests again
    test_fifo_return_comes_back_at_the_cost_it_left_with = None
    test_average_cost_return_comes_back_at_the_cost_it_left_with = None

    def test_batch_receipt_and_disposal_values(self):
        product = self._product('fifo')
        self._buy(product, 4.0, 10.0)
        self._buy(product, 5.0, 20.0)
        sale, delivery = self._sell(product, 4.0)
        valuation_after_sale = self.balance(self.acc_valuation)
        orders = self.env['overseas.return.order']
        for _i in range(3):
            order = self.env['overseas.return.order'].create_from_sale_order(sale)
            order.line_ids.write({'product_qty': 1.0, 'reason_id': self.reason_defect.id})
            orders |= order
        orders.action_approve()
        orders.action_receive()
        moves = orders.mapped('line_ids.move_ids')
        self.assertEqual(len(moves), 3)
        for move in moves:
            self.assertEqual(move.origin_returned_move_id, delivery.move_lines)
            self.assertAlmostEqual(move.value, 10.0, msg='back at the cost it left with')
        self.assertAlmostEqual(self.balance(self.acc_valuation), valuation_after_sale + 30.0)
        # grade A: the restocked unit goes back to new stock at full value (used
        # grades go to graded stock, written down: test_units covers that)
        self._inspect(orders.mapped('line_ids'), 'A')
        for order, disposition in zip(orders, ('restock', 'scrap', 'donate')):
            order.line_ids.disposition = disposition
        before = self.balance(self.acc_valuation)
        orders.mapped('line_ids').action_dispose()
        # two units leave stock value at the oldest FIFO layer left (20 each)
        self.assertAlmostEqual(self.balance(self.acc_valuation) - before, -40.0)
        self.assertAlmostEqual(self.balance(self.acc_scrap), 20.0)
        self.assertAlmostEqual(self.balance(self.acc_donation), 20.0)
        self.assertEqual(self.qty_at(product, self.stock_location), 5.0 + 1.0)
        self.assertEqual(set(orders.mapped('state')), {'done'})
