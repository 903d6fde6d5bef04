"""The desk's batched paths: several returns of several lines received, inspected and
disposed of in one call each end with the same stock, states and values as one at a time."""
from odoo.exceptions import AccessError

from . import test_valuation
from .common import ReturnsCase


class TestDeskBatch(ReturnsCase):

    def _received_together(self, count, earbuds_qty, mug_qty):
        """``count`` returns of earbuds and mugs, approved and received in one call
        each (the batched paths under test)."""
        orders = self.env['overseas.return.order']
        for _i in range(count):
            orders |= self._create_order([(self.earbuds, earbuds_qty, self.reason_defect),
                                          (self.mug, mug_qty, self.reason_defect)])
        orders.action_approve()
        orders.action_receive()
        return orders

    def test_several_returns_in_one_call_each(self):
        orders = self._received_together(3, 2.0, 1.0)
        self.assertEqual(set(orders.mapped('state')), {'received'})
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 6.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 3.0)
        for order in orders:
            receipt = order.picking_ids
            self.assertEqual(len(receipt), 1, 'one receipt per return')
            self.assertEqual(receipt.state, 'done')
            self.assertEqual(sorted(receipt.move_lines.mapped('product_qty')), [1.0, 2.0])
            self.assertEqual(receipt.move_lines.mapped('return_line_id'), order.line_ids)
            # a machine transfer: it links its return and names it in its origin, and
            # carries no chatter of its own (no creation log, tracking or link message)
            self.assertEqual(receipt.return_order_id, order)
            self.assertIn(order.name, receipt.origin)
            self.assertFalse(receipt.message_ids)

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

    def test_mixed_dispositions_of_several_returns_at_once(self):
        """3 returns x 2 lines, every line its own disposition, disposed of in one
        call: quantities per location, one transfer per destination holding the moves
        of every return going there, one scrap per scrapped line, all done."""
        orders = self._received_together(3, 1.0, 2.0)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 3.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 6.0)
        self._inspect(orders.mapped('line_ids'), 'A')
        self.assertEqual(set(orders.mapped('line_ids.state')), {'inspected'})
        self.assertEqual(set(orders.mapped('line_ids.grade_id.code')), {'A'})
        self.assertTrue(all(line.inspection_id.line_id == line
                            for line in orders.mapped('line_ids')))
        wh = self.warehouse
        plan = [('restock', 'scrap'), ('rework', 'return_to_origin'), ('donate', 'restock')]
        for order, dispositions in zip(orders, plan):
            for line, disposition in zip(order.line_ids.sorted('id'), dispositions):
                line.disposition = disposition
        stock = {p: self.qty_at(p, self.stock_location) for p in (self.earbuds, self.mug)}
        lines = orders.mapped('line_ids')
        lines.action_dispose()

        # the return with a line in rework waits for the rework to end
        self.assertEqual(orders.mapped('state'), ['done', 'inspected', 'done'])
        self.assertEqual(set(lines.mapped('state')), {'disposed'})
        self.assertEqual(orders[1].line_ids.mapped('rework_state'), ['in_progress', False])
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 0.0)
        # restock: earbuds of return 1 and the mugs of return 3
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location),
                         stock[self.earbuds] + 1.0)
        self.assertEqual(self.qty_at(self.mug, self.stock_location), stock[self.mug] + 2.0)
        self.assertEqual(self.qty_at(self.earbuds, wh.return_rework_location_id), 1.0)
        self.assertEqual(self.qty_at(self.mug, wh.return_origin_location_id), 2.0)
        self.assertEqual(self.qty_at(self.earbuds, wh.return_donation_location_id), 1.0)
        scraps = lines.mapped('scrap_ids')
        self.assertEqual(len(scraps), 1)
        self.assertEqual(scraps.state, 'done')
        self.assertEqual(scraps.return_line_id, orders[0].line_ids.filtered(
            lambda line: line.product_id == self.mug))
        self.assertEqual(self.qty_at(self.mug, scraps.scrap_location_id), 2.0)
        # one done transfer per destination, each with the moves of the returns
        # going there (restock gathers two returns' lines)
        moves = lines.mapped('move_ids').filtered(
            lambda move: move.location_id == self.return_location and not move.scrapped)
        self.assertEqual(len(moves), 5)
        self.assertEqual(set(moves.mapped('state')), {'done'})
        pickings = moves.mapped('picking_id')
        self.assertEqual(len(pickings), 4)
        self.assertEqual(set(pickings.mapped('state')), {'done'})
        restock = moves.filtered(lambda move: move.location_dest_id == self.stock_location)
        self.assertEqual(len(restock.mapped('picking_id')), 1)
        self.assertEqual(restock.mapped('return_order_id'), orders[0] | orders[2])
        for picking in pickings:
            self.assertEqual(len(picking.mapped('move_lines.location_dest_id')), 1)

    def test_scraps_of_several_lines_at_once(self):
        """Several scrapped lines (Odoo's stock.scrap, one each) are done together."""
        orders = self._received_together(2, 1.0, 3.0)
        self._inspect(orders.mapped('line_ids'), 'F')
        lines = orders.mapped('line_ids')
        self.assertEqual(set(lines.mapped('disposition')), {'scrap'})
        lines.action_dispose()
        scraps = lines.mapped('scrap_ids')
        self.assertEqual(len(scraps), 4)
        self.assertEqual(set(scraps.mapped('state')), {'done'})
        for scrap in scraps:
            self.assertEqual(scrap.move_id.state, 'done')
            self.assertEqual(scrap.move_id.return_line_id, scrap.return_line_id)
            self.assertEqual(scrap.move_id.product_qty, scrap.return_line_id.qty_received)
            self.assertTrue(scrap.move_id.scrapped)
        scrap_location = scraps[0].scrap_location_id
        self.assertEqual(self.qty_at(self.earbuds, scrap_location), 2.0)
        self.assertEqual(self.qty_at(self.mug, scrap_location), 6.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 0.0)
        self.assertEqual(set(orders.mapped('state')), {'done'})

    def test_checklist_saved_as_a_form(self):
        """The form saves one command per check: the checks get their answers, and a
        confirmed inspection's checklist still refuses changes."""
        order = self._create_order([(self.earbuds, 1.0, self.reason_defect)])
        order.action_approve()
        order.action_receive()
        order.line_ids.action_inspect()
        inspection = self.env['overseas.return.inspection'].search(
            [('line_id', '=', order.line_ids.id), ('state', '=', 'draft')])
        checks = inspection.check_ids
        self.assertTrue(checks, 'the demo template has checks')
        commands = [(1, check.id, {'result': 'pass'}) for check in checks[:-1]]
        commands.append((1, checks[-1].id, {'result': 'fail', 'note': 'scratched'}))
        inspection.write({'grade_id': self.grade['C'].id, 'check_ids': commands})
        self.assertEqual(inspection.grade_id, self.grade['C'])
        self.assertEqual(checks[:-1].mapped('result'), ['pass'] * (len(checks) - 1))
        self.assertEqual((checks[-1].result, checks[-1].note), ('fail', 'scratched'))
        inspection.action_confirm()
        with self.assertRaises(AccessError):
            inspection.sudo(self.user).write(
                {'check_ids': [(1, checks[0].id, {'result': 'fail'})]})
        with self.assertRaises(AccessError):
            checks.sudo(self.user).write({'result': 'fail'})
        checks.invalidate_cache()
        self.assertEqual(checks[0].result, 'pass')


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
