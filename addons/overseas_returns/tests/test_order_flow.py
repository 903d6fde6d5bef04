from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ReturnsCase


class TestOrderFlow(ReturnsCase):

    def test_sequence_and_defaults(self):
        order = self._create_order()
        self.assertTrue(order.name.startswith('RMA/'))
        self.assertEqual(order.state, 'draft')
        line = order.line_ids
        self.assertEqual(line.fault_party, 'seller', 'defaults from the reason')
        self.assertEqual(line.price_unit, 40.0, 'defaults to the sales price')
        self.assertEqual(order.amount_total, 40.0)

    def test_approve_reject_cancel_and_reset(self):
        order = self._create_order()
        order.action_approve()
        self.assertEqual(order.state, 'approved')
        with self.assertRaises(UserError):
            order.action_reject()
        order.action_cancel()
        self.assertEqual(order.state, 'cancel')
        with self.assertRaises(UserError):
            order.action_cancel()
        order.action_draft()
        self.assertEqual(order.state, 'draft')
        order.action_reject()
        self.assertEqual(order.state, 'rejected')
        with self.assertRaises(UserError):
            order.action_approve()
        with self.assertRaises(UserError):
            order.action_receive()

    def test_receive_requires_approval(self):
        order = self._create_order()
        with self.assertRaises(UserError):
            order.action_receive()
        self.assertEqual(order.state, 'draft')
        self.assertFalse(order.picking_ids)

    def test_approve_without_lines_refused(self):
        order = self._create_order()
        order.line_ids.unlink()
        with self.assertRaises(UserError):
            order.action_approve()
        self.assertEqual(order.state, 'draft')

    def test_warehouse_user_cannot_approve_or_reject(self):
        order = self._create_order().sudo(self.user)
        with self.assertRaises(AccessError):
            order.action_approve()
        with self.assertRaises(AccessError):
            order.action_reject()
        self.assertEqual(order.state, 'draft')
        order.sudo(self.manager).action_approve()
        self.assertEqual(order.state, 'approved')

    def test_cancel_after_receipt_refused(self):
        order = self._create_received()
        with self.assertRaises(UserError):
            order.action_cancel()
        self.assertEqual(order.state, 'received')

    def test_unlink_only_draft_or_cancel(self):
        received = self._create_received()
        with self.assertRaises(UserError):
            received.unlink()
        with self.assertRaises(UserError):
            received.line_ids.unlink()
        draft = self._create_order()
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_quantity_must_be_positive(self):
        for qty in (0.0, -1.0):
            with self.assertRaises(ValidationError):
                self._create_order([(self.mug, qty, self.reason_changed_mind)])
        order = self._create_order()
        with self.assertRaises(ValidationError):
            order.line_ids.write({'qty_received': -2.0})

    def test_mass_actions_on_mixed_states(self):
        draft = self._create_order()
        approved = self._create_order()
        approved.action_approve()
        with self.assertRaises(UserError):
            (draft | approved).action_approve()
        self.assertEqual(draft.state, 'draft', 'nothing changed')
        (draft | approved).action_cancel()
        self.assertEqual(set((draft | approved).mapped('state')), {'cancel'})

    def test_state_changes_are_logged_in_chatter(self):
        order = self._create_order().with_context(tracking_disable=False, mail_notrack=False)
        order.action_approve()
        tracked = order.message_ids.mapped('tracking_value_ids').filtered(
            lambda t: t.field == 'state')
        self.assertTrue(tracked)
        self.assertEqual(tracked[0].new_value_char, 'Approved')

    def test_approve_needs_a_reason_on_every_line(self):
        order = self._create_order([(self.mug, 1.0, self.reason_changed_mind)])
        order.line_ids.reason_id = False
        with self.assertRaises(UserError):
            order.action_approve()
        self.assertEqual(order.state, 'draft')

    def test_floor_kanban_columns_follow_the_flow(self):
        self._create_order().action_approve()
        groups = self.env['overseas.return.order'].read_group(
            [('state', 'not in', ('cancel', 'rejected'))], ['state'], ['state'])
        self.assertEqual([g['state'] for g in groups],
                         ['draft', 'approved', 'received', 'inspected', 'done'])
