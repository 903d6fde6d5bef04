from odoo.exceptions import AccessError

from .common import ReturnsCase


class TestReceive(ReturnsCase):

    def test_receive_into_returns_location(self):
        order = self._create_received([(self.earbuds, 2.0, self.reason_defect),
                                       (self.mug, 1.0, self.reason_changed_mind)])
        self.assertEqual(order.state, 'received')
        self.assertTrue(order.date_received)
        self.assertEqual(set(order.line_ids.mapped('state')), {'received'})
        self.assertEqual(order.line_ids.mapped('qty_received'), [2.0, 1.0])
        picking = order.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.state, 'done')
        self.assertEqual(picking.picking_type_id, self.warehouse.return_type_id)
        self.assertEqual(picking.return_order_id, order)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 2.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 1.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 0.0,
                         'returns are not sellable before inspection')
        self.assertEqual(order.line_ids[0].move_ids.location_dest_id, self.return_location)

    def test_partial_receipt_leaves_rest_waiting(self):
        order = self._create_order([(self.earbuds, 3.0, self.reason_defect)])
        order.action_approve()
        order.line_ids.qty_received = 1.0
        order.action_receive()
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 1.0)
        backorder = order.picking_ids.filtered(lambda p: p.state != 'done')
        self.assertEqual(len(backorder), 1, 'the missing units wait in a backorder')
        self.assertEqual(backorder.move_lines.product_uom_qty, 2.0)
        # the rest arrives later and is validated from the backorder
        backorder.action_assign()
        backorder.move_lines.move_line_ids.qty_done = 2.0
        backorder.action_done()
        self.assertEqual(order.line_ids.qty_received, 3.0)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 3.0)

    def test_over_receipt_needs_a_manager(self):
        order = self._create_order([(self.mug, 1.0, self.reason_changed_mind)])
        order.action_approve()
        order.line_ids.qty_received = 3.0
        with self.assertRaises(AccessError):
            order.sudo(self.user).action_receive()
        self.assertEqual(order.state, 'approved')
        self.assertEqual(self.qty_at(self.mug, self.return_location), 0.0)
        order.sudo(self.manager).action_receive()
        self.assertEqual(order.state, 'received')
        self.assertEqual(self.qty_at(self.mug, self.return_location), 3.0)

    def test_batch_receive_one_transfer_per_order(self):
        orders = self._create_order() | self._create_order(
            [(self.mug, 2.0, self.reason_changed_mind)])
        orders.action_approve()
        orders.sudo(self.user).action_receive()
        self.assertEqual(set(orders.mapped('state')), {'received'})
        for order in orders:
            self.assertEqual(len(order.picking_ids), 1)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 2.0)

    def test_arrival_check_recorded(self):
        order = self._create_order(parcel_condition='box_damaged',
                                   arrival_note='Corner crushed')
        order.action_approve()
        order.action_receive()
        self.assertEqual(order.parcel_condition, 'box_damaged')
