"""The server keeps what the form shows read-only: fields owned by an action are written
by that action only, whoever calls over RPC, and each refusal changes nothing."""
from odoo.exceptions import AccessError, UserError

from .common import ReturnsCase


class TestGuards(ReturnsCase):

    def _as_user(self, records):
        return records.sudo(self.user)

    def test_state_is_not_written_directly(self):
        order = self._create_order()
        with self.assertRaises(AccessError):
            self._as_user(order).write({'state': 'approved'})
        self.assertEqual(order.state, 'draft')
        with self.assertRaises(AccessError):
            self._as_user(order).write({'date_done': '2026-01-01 00:00:00'})
        self.assertFalse(order.date_done)
        # the action, run by a manager, moves it on
        order.sudo(self.manager).action_approve()
        self.assertEqual(order.state, 'approved')

    def test_creating_in_a_later_state_is_refused(self):
        Order = self.env['overseas.return.order'].sudo(self.user)
        with self.assertRaises(AccessError):
            Order.create({'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
                          'state': 'done'})
        self.assertFalse(self.env['overseas.return.order'].search(
            [('partner_id', '=', self.customer.id)]))
        order = self._create_order()
        Line = self.env['overseas.return.line'].sudo(self.user)
        with self.assertRaises(AccessError):
            Line.create({'order_id': order.id, 'product_id': self.mug.id,
                         'product_qty': 1.0, 'state': 'inspected'})
        self.assertEqual(len(order.line_ids), 1)

    def test_lines_cannot_skip_receipt_inspection_or_disposal(self):
        order = self._create_order()
        order.sudo(self.manager).action_approve()
        line = order.line_ids
        for vals in ({'state': 'inspected'}, {'grade_id': self.grade['A'].id},
                     {'state': 'disposed'}, {'rework_state': 'done'}):
            with self.assertRaises(AccessError):
                self._as_user(line).write(vals)
        self.assertEqual(line.state, 'draft')
        self.assertFalse(line.grade_id)

    def test_price_and_quantity_frozen_once_approved_and_received(self):
        order = self._create_order()
        line = order.line_ids
        self._as_user(line).write({'price_unit': 45.0})  # a draft: still negotiable
        order.sudo(self.manager).action_approve()
        with self.assertRaises(AccessError):
            self._as_user(line).write({'price_unit': 4500.0})
        self.assertEqual(line.price_unit, 45.0)
        # what was approved is a manager's to change, even before the parcel arrives
        with self.assertRaises(AccessError):
            self._as_user(line).write({'product_qty': 2.0})
        self.assertEqual(line.product_qty, 1.0)
        line.sudo(self.manager).write({'product_qty': 2.0})
        order.sudo(self.user).action_receive()
        with self.assertRaises(AccessError):
            self._as_user(line).write({'product_qty': 2000.0})
        with self.assertRaises(AccessError):
            self._as_user(line).write({'qty_received': 2000.0})
        self.assertEqual((line.product_qty, line.qty_received), (2.0, 2.0))
        with self.assertRaises(AccessError):
            self._as_user(order).write({'line_ids': [(0, 0, {
                'product_id': self.mug.id, 'product_qty': 5.0})]})
        self.assertEqual(len(order.line_ids), 1)

    def test_disposition_changes_only_while_inspected(self):
        order = self._create_received()
        line = order.line_ids
        with self.assertRaises(AccessError):
            self._as_user(line).write({'disposition': 'scrap'})
        self._inspect(line, 'A')
        self._as_user(line).write({'disposition': 'donate'})
        self.assertEqual(line.disposition, 'donate')
        self._as_user(line).action_dispose()
        self.assertEqual(line.state, 'disposed')
        with self.assertRaises(AccessError):
            self._as_user(line).write({'disposition': 'restock'})
        self.assertEqual(line.disposition, 'donate')

    def test_exchange_flag_and_restocking_fee(self):
        order = self._create_received()
        with self.assertRaises(AccessError):
            self._as_user(order).write({'is_exchanged': True})
        self.assertFalse(order.is_exchanged)
        with self.assertRaises(AccessError):
            self._as_user(order).write({'restocking_fee_override': 1.0})
        self.assertFalse(order.restocking_fee_override)
        order.sudo(self.manager).write({'restocking_fee_override': 5.0})
        self.assertEqual(order.restocking_fee_override, 5.0)

    def test_inspection_rules(self):
        order = self._create_received()
        line = order.line_ids
        Inspection = self.env['overseas.return.inspection'].sudo(self.user)
        # never-received lines cannot be inspected
        draft_order = self._create_order()
        with self.assertRaises(UserError):
            Inspection.create({'line_id': draft_order.line_ids.id})
        inspection = Inspection.create({'line_id': line.id})
        with self.assertRaises(UserError):
            Inspection.create({'line_id': line.id})
        self.assertEqual(self.env['overseas.return.inspection'].search_count(
            [('line_id', '=', line.id)]), 1)
        with self.assertRaises(AccessError):
            inspection.write({'state': 'done'})
        inspection.check_ids.write({'result': 'pass'})
        inspection.write({'grade_id': self.grade['B'].id})
        inspection.action_confirm()
        self.assertEqual(line.state, 'inspected')
        self.assertEqual(line.grade_id, self.grade['B'])
        with self.assertRaises(AccessError):
            inspection.write({'grade_id': self.grade['A'].id})
        if inspection.check_ids:
            with self.assertRaises(AccessError):
                inspection.check_ids.write({'result': 'fail'})
        self.assertEqual(line.grade_id, self.grade['B'])

    def test_warehouse_user_runs_the_whole_floor(self):
        """The guards refuse direct writes, not the actions: receive, inspect, dispose."""
        order = self._create_order()
        order.sudo(self.manager).action_approve()
        as_user = self._as_user(order)
        as_user.action_receive()
        self.assertEqual(order.state, 'received')
        self._as_user(order.line_ids).action_inspect()
        inspection = order.line_ids.inspection_ids.sudo(self.user)
        inspection.action_pass_open_checks()
        inspection.write({'grade_id': self.grade['A'].id})
        inspection.action_confirm()
        as_user.action_dispose()
        self.assertEqual(order.state, 'done')
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 1.0)

    def test_what_names_a_return_follows_its_line(self):
        """The stock moves, scraps and inspections of a return name it from their
        return line; writing another return on them is refused and changes nothing."""
        order = self._create_received([(self.earbuds, 1.0, self.reason_defect),
                                       (self.mug, 1.0, self.reason_defect)])
        other = self._create_order()
        earbuds, mug = order.line_ids.sorted(lambda line: line.product_id != self.earbuds)
        self._inspect(earbuds, 'A')
        self._inspect(mug, 'A')
        mug.write({'disposition': 'scrap'})
        order.line_ids.action_dispose()
        moves, scrap = order.line_ids.mapped('move_ids'), mug.scrap_ids
        inspections = order.line_ids.mapped('inspection_ids')
        self.assertTrue(moves and scrap and inspections)
        for records, name in ((moves, 'return_order_id'), (scrap, 'return_order_id'),
                              (inspections, 'order_id'), (inspections, 'company_id')):
            value = other.id if name != 'company_id' else \
                self.env['res.company'].create({'name': 'Other Co'}).id
            with self.assertRaises(AccessError) as refused:
                self._as_user(records).write({name: value})
            # refused by the guard, not for want of rights on the model
            self.assertRegex(str(refused.exception), 'return line|set by its actions')
            records.invalidate_cache()
            expected = order if name != 'company_id' else order.company_id
            self.assertEqual(records.mapped(name), expected, name)
        # a move created for a return line names the line's return, whatever the
        # creator says; without a line it names none; given another line, it follows
        move_vals = {
            'name': 'late', 'product_id': self.earbuds.id, 'product_uom_qty': 1.0,
            'product_uom': self.earbuds.uom_id.id, 'location_id': self.stock_location.id,
            'location_dest_id': self.return_location.id, 'return_order_id': other.id}
        move = self.env['stock.move'].create(dict(move_vals, return_line_id=earbuds.id))
        self.assertEqual(move.return_order_id, order)
        loose = self.env['stock.move'].create(move_vals)
        self.assertFalse(loose.return_order_id)
        other_line = self.env['overseas.return.line'].create({
            'order_id': other.id, 'product_id': self.earbuds.id, 'product_qty': 1.0,
            'reason_id': self.reason_defect.id})
        loose.write({'return_line_id': other_line.id})
        self.assertEqual(loose.return_order_id, other)
        move.write({'return_line_id': False})
        self.assertFalse(move.return_order_id)
        # what the inspection weighs names the line's return too
        option = self.env['overseas.return.disposition.option'].create({
            'line_id': earbuds.id, 'disposition': 'restock', 'order_id': other.id,
            'currency_id': order.company_id.currency_id.id})
        self.assertEqual(option.order_id, order)

    def test_actions_keep_their_rpc_signature(self):
        """Odoo's RPC layer (and <function> in data files) reads the arguments of the
        method it calls: a guarded action must still take ids and a context."""
        from odoo.api import call_kw
        order = self._create_order()
        Order = self.env['overseas.return.order'].sudo(self.manager)
        self.assertTrue(call_kw(Order, 'action_approve', [order.ids], {'context': {}}))
        self.assertEqual(order.state, 'approved')

    def test_scanner_state_belongs_to_the_scans(self):
        Scanner = self.env['overseas.return.scanner'].sudo(self.user)
        action = Scanner.action_open_scanner(self.warehouse.id)
        scanner = Scanner.browse(action['res_id'])
        with self.assertRaises(AccessError):
            scanner.write({'allow_extra': True})
        self.assertFalse(scanner.allow_extra)
        other = self._create_order()
        with self.assertRaises(AccessError):
            scanner.write({'order_id': other.id})
        self.assertFalse(scanner.order_id)
        # the log is written by scans only: UNDO trusts it
        with self.assertRaises(AccessError):
            self.env['overseas.return.scan.log'].sudo(self.user).create({
                'scanner_id': scanner.id, 'code': 'FORGED', 'result': 'done'})
        result = scanner.scan(other.name)
        self.assertEqual(result['order_id'], other.id)
        log = self.env['overseas.return.scan.log'].browse(result['log_id'])
        self.assertEqual(log.user_id, self.user)

    def test_mail_helpers_are_no_data_tap(self):
        """The e-mail helpers read credit notes and make rating tokens as superuser:
        nobody calls them directly but a manager previewing the templates."""
        order = self._create_order()
        for method in ('mail_line_outcomes', 'mail_refund_lines', 'mail_refund_total',
                       'mail_return_instructions_html'):
            with self.assertRaises(AccessError, msg=method):
                getattr(order.sudo(self.user), method)()
        with self.assertRaises(AccessError):
            order.sudo(self.user).feedback_url(5)
        self.assertTrue(order.sudo(self.manager).mail_return_instructions_html())

    def test_a_return_s_stock_moves_stay_tied_and_done(self):
        order = self._create_received([(self.earbuds, 2.0, self.reason_defect)])
        moves = order.line_ids.move_ids.filtered(lambda move: move.state == 'done')
        self.assertTrue(moves)
        stock_user = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Stock Clerk', 'login': 'ort_stock_clerk',
            'groups_id': [(6, 0, [self.env.ref('stock.group_stock_user').id,
                                  self.env.ref('overseas_returns.group_returns_user').id])]})
        for vals in ({'return_line_id': False}, {'product_uom_qty': 1.0},
                     {'location_dest_id': self.stock_location.id}):
            with self.assertRaisesRegex(AccessError, 'return line of a stock move|keeps its'):
                moves.sudo(stock_user).write(vals)
        moves.invalidate_cache()
        self.assertEqual(moves.mapped('return_line_id'), order.line_ids)
        self.assertEqual(sum(moves.mapped('product_uom_qty')), 2.0)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 2.0)
        self.assertEqual(order.picking_ids.move_lines.mapped('return_order_id'), order)
