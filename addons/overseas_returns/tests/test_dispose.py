from odoo.exceptions import UserError

from ..models.overseas_return_line import MACHINE_TRANSFER_CONTEXT
from .common import ReturnsCase


class TestDispose(ReturnsCase):

    def _inspected(self, grade_code, product=None, qty=1.0, reason=None):
        order = self._create_received([(product or self.earbuds, qty,
                                        reason or self.reason_changed_mind)])
        self._inspect(order.line_ids, grade_code)
        return order

    def test_restock_moves_to_sellable_stock(self):
        order = self._inspected('A', qty=2.0)
        order.line_ids.action_dispose()
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 2.0)
        self.assertEqual(order.line_ids.state, 'disposed')
        self.assertEqual(order.state, 'done')
        self.assertTrue(order.date_done)
        self.assertEqual(order.picking_count, 2, 'receipt and restock transfers')

    def test_rework_then_stock(self):
        order = self._inspected('C')
        line = order.line_ids
        self.assertEqual(line.disposition, 'rework')
        line.action_dispose()
        rework = self.warehouse.return_rework_location_id
        self.assertEqual(self.qty_at(self.earbuds, rework), 1.0)
        self.assertEqual(line.rework_state, 'in_progress')
        self.assertEqual(order.state, 'inspected', 'not done while in rework')
        line.action_rework_done()
        self.assertEqual(self.qty_at(self.earbuds, rework), 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 1.0)
        self.assertEqual(order.state, 'done')
        with self.assertRaises(UserError):
            line.action_rework_done()

    def test_return_to_origin_goes_to_transit(self):
        order = self._inspected('D', qty=3.0, reason=self.reason_defect)
        order.line_ids.action_dispose()
        transit = self.warehouse.return_origin_location_id
        self.assertEqual(transit.usage, 'transit')
        self.assertEqual(self.qty_at(self.earbuds, transit), 3.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 0.0)

    def test_donate_leaves_stock(self):
        order = self._inspected('D')
        self.assertEqual(order.line_ids.disposition, 'donate')
        order.line_ids.action_dispose()
        donation = self.warehouse.return_donation_location_id
        self.assertNotEqual(donation.usage, 'internal')
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        move = order.line_ids.move_ids.filtered(lambda m: m.location_dest_id == donation)
        self.assertEqual(move.state, 'done')
        self.assertEqual(move.product_qty, 1.0)

    def test_scrap_uses_odoo_scrap(self):
        order = self._inspected('F', product=self.mug, qty=2.0)
        line = order.line_ids
        self.assertEqual(line.disposition, 'scrap')
        line.action_dispose()
        scrap = line.scrap_ids
        self.assertEqual(len(scrap), 1)
        self.assertEqual(scrap.state, 'done')
        self.assertEqual(scrap.scrap_qty, 2.0)
        self.assertEqual(scrap.location_id, self.return_location)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.mug, scrap.scrap_location_id), 2.0)
        self.assertEqual(order.scrap_count, 1)
        self.assertIn(scrap.move_id, line.move_ids)

    def test_batch_makes_one_transfer_per_destination(self):
        orders = self.env['overseas.return.order']
        plan = ['A', 'B', 'A', 'D', 'D', 'F', 'E']
        for grade_code in plan:
            order = self._create_received([(self.earbuds, 1.0, self.reason_defect)])
            self._inspect(order.line_ids, grade_code)
            orders |= order
        lines = orders.mapped('line_ids')
        self.assertEqual(sorted(lines.mapped('disposition')),
                         sorted(['restock'] * 3 + ['return_to_origin'] * 2 + ['scrap'] * 2))
        lines.action_dispose()
        disposal_pickings = lines.mapped('move_ids.picking_id').filtered(
            lambda p: p.picking_type_id == self.warehouse.return_disposition_type_id)
        self.assertEqual(len(disposal_pickings), 3,
                         'one to stock, one to graded (used) stock, one to origin')
        to_stock = disposal_pickings.filtered(
            lambda p: p.location_dest_id == self.stock_location)
        self.assertEqual(len(to_stock.move_lines), 2)
        self.assertEqual(len(lines.mapped('scrap_ids')), 2)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 2.0)
        self.assertEqual(self.qty_at(self.earbuds,
                                     self.warehouse.return_graded_location_id), 1.0,
                         'grade B is used stock, apart from new')
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(set(orders.mapped('state')), {'done'})
        for order in orders:
            # every record made along the way names its return (set from its own line)
            lines = order.line_ids
            self.assertEqual(lines.move_ids.mapped('return_order_id'), order)
            self.assertEqual(lines.inspection_ids.mapped('order_id'), order)
            self.assertEqual(lines.inspection_ids.mapped('company_id'), order.company_id)
            for record in lines.scrap_ids:
                self.assertEqual(record.return_order_id, order)
            for record in lines.disposition_option_ids:
                self.assertEqual(record.order_id, order)
            self.assertEqual(self.env['stock.move'].search(
                [('return_order_id', '=', order.id)]), lines.move_ids)
        scrapped = orders.filtered(lambda order: order.line_ids.scrap_ids)
        self.assertTrue(scrapped)
        self.assertEqual(orders.mapped('line_ids.scrap_ids.return_order_id'), scrapped)

    def test_dispose_refused_in_wrong_state(self):
        order = self._create_received()
        with self.assertRaises(UserError):
            order.line_ids.action_dispose()
        self._inspect(order.line_ids, 'A')
        order.line_ids.action_dispose()
        with self.assertRaises(UserError):
            order.line_ids.action_dispose()
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 1.0,
                         'moved once only')

    def test_dispose_refused_when_stock_is_missing(self):
        order = self._inspected('A', qty=2.0)
        # someone moved the goods out of quarantine by hand
        self.env['stock.quant']._update_available_quantity(
            self.earbuds, self.return_location, -2.0)
        with self.assertRaises(UserError):
            order.line_ids.action_dispose()
        self.assertEqual(order.line_ids.state, 'inspected')
        self.assertFalse(order.line_ids.move_ids.filtered(
            lambda m: m.location_id == self.return_location))

    def test_order_dispose_button(self):
        order = self._create_received([(self.earbuds, 1.0, self.reason_defect),
                                       (self.mug, 1.0, self.reason_changed_mind)])
        with self.assertRaises(UserError):
            order.action_dispose()
        self._inspect(order.line_ids, 'A')
        order.action_dispose()
        self.assertEqual(order.state, 'done')
        self.assertEqual(self.qty_at(self.mug, self.stock_location), 1.0)

    def test_disposal_date_waits_for_rework(self):
        restock = self._inspected('A')
        rework = self._inspected('C')
        (restock | rework).mapped('line_ids').action_dispose()
        self.assertTrue(restock.line_ids.date_disposed)
        self.assertFalse(rework.line_ids.date_disposed)
        rework.line_ids.action_rework_done()
        self.assertTrue(rework.line_ids.date_disposed)

    def _product_with_lot(self, lot_name):
        cream = self.env['product.product'].create({
            'name': 'Night Cream', 'type': 'product', 'tracking': 'lot', 'list_price': 20.0})
        return cream, self.env['stock.production.lot'].create({
            'name': lot_name, 'product_id': cream.id})

    def test_desk_transfers_leave_quants_and_lot_counts_as_odoo_makes_them(self):
        """The desk's transfers skip one figure Odoo throws away (what is left of a
        product without lot after a quant update): the quants are the same, the figure
        is still made for a lot, and outside the desk for everything."""
        Quant = self.env['stock.quant']
        desk = Quant.with_context(**MACHINE_TRANSFER_CONTEXT)
        shelf = self.stock_location
        Quant._update_available_quantity(self.mug, shelf, 5.0)
        desk._update_available_quantity(self.mug, shelf, -2.0)
        self.assertEqual(self.qty_at(self.mug, shelf), 3.0)
        self.assertEqual(Quant._update_available_quantity(self.mug, shelf, 1.0)[0], 4.0)
        cream, lot = self._product_with_lot('NC-1')
        self.assertEqual(desk._update_available_quantity(cream, shelf, 2.0, lot_id=lot)[0],
                         2.0)
        self.assertEqual(desk._update_available_quantity(cream, shelf, -3.0, lot_id=lot)[0],
                         -1.0, 'a lot gone negative is seen, to be made up by Odoo')

    def test_desk_disposal_of_a_lot_takes_the_lot_from_quarantine(self):
        cream, lot = self._product_with_lot('NC-2')
        order = self._create_order([(cream, 2.0, self.reason_changed_mind)])
        order.line_ids.lot_ids = lot
        order.action_approve()
        order.action_receive()
        self._inspect(order.line_ids, 'A')
        order.line_ids.action_dispose()
        Quant = self.env['stock.quant']
        self.assertEqual(Quant._get_available_quantity(
            cream, self.return_location, lot_id=lot, strict=True), 0.0)
        self.assertEqual(Quant._get_available_quantity(
            cream, self.stock_location, lot_id=lot, strict=True), 2.0)
        self.assertFalse(Quant.search([('product_id', '=', cream.id),
                                       ('location_id.usage', '=', 'internal'),
                                       ('quantity', '<', 0)]), 'no negative quant left')
