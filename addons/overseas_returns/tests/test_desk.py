"""The desk traps of a merchant and a billing-only accountant (issue #14, Desk)."""
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.safe_eval import safe_eval

from .common import ReturnsCase, run_mail_jobs
from .test_refund import RefundCase


class TestMailNeverBlocks(RefundCase):
    """A user without an e-mail address receives a return and creates its credit note,
    with the chatter and the status e-mails on (no test context muting them)."""

    @classmethod
    def setUpClass(cls):
        super(TestMailNeverBlocks, cls).setUpClass()
        # the real thing: tracking, creation logs and notifications as in the web client
        cls.env = cls.env(context={})
        cls.customer.email = 'jane.buyer@example.com'
        cls.company.write({'overseas_mail_%s' % kind: True for kind in (
            'approved', 'received', 'inspected', 'refunded', 'done')})
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        cls.mailless = Users.create({
            'name': 'No Mail Clerk', 'login': 'ort_nomail', 'email': False,
            'groups_id': [(6, 0, [cls.env.ref('overseas_returns.group_returns_manager').id,
                                  cls.env.ref('account.group_account_invoice').id,
                                  cls.env.ref('base.group_user').id])]})

    def test_user_without_email_receives_and_refunds(self):
        self.assertFalse(self.mailless.email)
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._create_order([(self.earbuds, 1.0, self.reason_defect)],
                                   invoice_id=invoice.id)
        as_clerk = order.sudo(self.mailless)
        as_clerk.action_approve()
        as_clerk.action_receive()  # the form's wizard and the scanner end here too
        self.assertEqual(order.state, 'received')
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 1.0)
        self._inspect(order.line_ids, 'A')
        refund_id = as_clerk.action_create_refund()
        refund = self.env['account.invoice'].browse(refund_id)
        self.assertEqual(refund.type, 'out_refund')
        self.assertAlmostEqual(refund.amount_total, 115.0)
        # the chatter names the clerk, sent from the company's address
        messages = order.message_ids.filtered(
            lambda message: message.author_id == self.mailless.partner_id)
        self.assertTrue(messages)

    def test_fallback_address_only_within_returns(self):
        """Elsewhere in Odoo a user without an address keeps Odoo's own rule."""
        partner = self.env['res.partner'].create({'name': 'Somebody Else'})
        with self.assertRaises(UserError):
            partner.sudo(self.mailless).message_post(body='Hello', subtype='mail.mt_note')
        # a note on a return, outside any action, goes out from the company's address
        order = self._create_order()
        order.sudo(self.mailless).message_post(body='Parcel looks wet', subtype='mail.mt_note')
        note = order.message_ids.filtered(lambda m: 'Parcel looks wet' in (m.body or ''))
        self.assertEqual(note.author_id, self.mailless.partner_id)
        self.assertTrue(note.email_from)

    def test_failing_template_is_posted_not_raised(self):
        template = self.env.ref('overseas_returns.overseas_return_mail_template_received')
        template.body_html = '<p>${object.no_such_field.oops}</p>'
        order = self._create_order()
        order.action_approve()
        order.action_receive()
        self.assertEqual(order.state, 'received', 'the receipt is booked anyway')
        run_mail_jobs(self.env, order)
        self.assertNotIn('received', order.mail_sent_kinds or '')
        self.assertTrue(order.message_ids.filtered(
            lambda message: 'could not be sent' in (message.body or '')))


class TestUnitSplit(ReturnsCase):

    def test_split_at_inspection_restock_one_scrap_one(self):
        order = self._create_received([(self.earbuds, 2.0, self.reason_defect)])
        line = order.line_ids
        line.action_inspect()
        inspection = line.inspection_ids
        new_inspection = self.env['overseas.return.inspection'].browse(
            inspection.action_split(1.0))
        sibling = order.line_ids - line
        self.assertEqual(len(sibling), 1)
        self.assertEqual(new_inspection.line_id, sibling)
        self.assertEqual((line.product_qty, line.qty_received), (1.0, 1.0))
        self.assertEqual((sibling.product_qty, sibling.qty_received), (1.0, 1.0))
        self.assertEqual(sibling.reason_id, line.reason_id)
        self.assertEqual(sum(order.line_ids.mapped('price_subtotal')),
                         2.0 * self.earbuds.list_price)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 2.0)
        for insp, grade in ((inspection, 'A'), (new_inspection, 'F')):
            insp.action_pass_open_checks()
            insp.grade_id = self.grade[grade]
        (inspection | new_inspection).action_confirm()
        self.assertEqual(line.disposition, 'restock')
        self.assertEqual(sibling.disposition, 'scrap')
        order.line_ids.action_dispose()
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 1.0)
        self.assertEqual(sibling.scrap_ids.scrap_qty, 1.0)
        self.assertEqual(order.state, 'done')

    def test_split_at_disposal(self):
        order = self._create_received([(self.earbuds, 3.0, self.reason_defect)])
        line = order.line_ids
        self._inspect(line, 'A')
        sibling = line.browse(line.action_split(1.0))
        self.assertEqual(sibling.state, 'inspected')
        self.assertEqual(sibling.grade_id, self.grade['A'])
        sibling.disposition = 'rework'
        order.line_ids.action_dispose()
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 2.0)
        self.assertEqual(self.qty_at(self.earbuds, self.warehouse.return_rework_location_id),
                         1.0)

    def test_split_refused(self):
        order = self._create_received([(self.earbuds, 2.0, self.reason_defect)])
        line = order.line_ids
        for qty in (0.0, -1.0, 2.0, 5.0):
            with self.assertRaises(UserError), self.env.cr.savepoint():
                line.action_split(qty)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            line.action_split(float('nan'))
        draft = self._create_order([(self.earbuds, 2.0, self.reason_defect)])
        with self.assertRaises(UserError), self.env.cr.savepoint():
            draft.line_ids.action_split(1.0)
        self.assertEqual(len(order.line_ids), 1)
        self.assertEqual(line.qty_received, 2.0)
        # the wizard of the web form goes the same way
        wizard = self.env['overseas.return.line.split'].sudo(self.user).create(
            {'line_id': line.id, 'qty': 1.0})
        wizard.action_split()
        self.assertEqual(len(order.line_ids), 2)


class TestLineSubtotal(ReturnsCase):

    def test_new_lines_store_the_subtotal_their_compute_gives(self):
        """A line's subtotal is written with its insert, not recomputed after: the
        stored figure is the compute's, whatever a caller sends for it."""
        order = self._create_order()
        Line = self.env['overseas.return.line']
        field = Line._fields['price_subtotal']
        cases = [(3.0, 10.005), (2.0, 12.5), (1.0, 0.0)]
        lines = Line
        with self.env.norecompute():  # as the import creates them
            for qty, price in cases:
                lines |= Line.create({'order_id': order.id, 'product_id': self.mug.id,
                                      'product_qty': qty, 'price_unit': price,
                                      'reason_id': self.reason_defect.id,
                                      'price_subtotal': 999999.0})
            self.assertFalse(self.env.field_todo(field) & lines,
                             'nothing left to recompute for the new lines')
        order.recompute()
        lines.invalidate_cache()
        stored = lines.mapped('price_subtotal')
        for (qty, price), value in zip(cases, stored):
            self.assertEqual(value, order.currency_id.round(qty * price))
        lines._recompute_todo(field)
        lines.recompute()
        lines.invalidate_cache()
        self.assertEqual(lines.mapped('price_subtotal'), stored,
                         'a full recompute stores the same figures')
        self.assertEqual(order.amount_total,
                         sum(order.line_ids.mapped('price_subtotal')))


class TestRegisterAndReceive(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestRegisterAndReceive, cls).setUpClass()
        cls.sale, cls.delivery = cls._create_delivered_sale(
            [(cls.earbuds, 3.0, 39.0), (cls.mug, 2.0, 12.5)], '113-0000000-0000414')

    def _wizard(self):
        action = self.sale.sudo(self.user).action_create_overseas_return()
        return self.env['overseas.return.register'].sudo(self.user).with_context(
            action['context']).create({})

    def test_register_chosen_lines_quantities_reasons(self):
        wizard = self._wizard()
        self.assertEqual(sorted(wizard.line_ids.mapped('qty_returnable')), [2.0, 3.0])
        earbuds = wizard.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        earbuds.write({'qty': 2.0, 'reason_id': self.reason_defect.id})
        order = self.env['overseas.return.order'].browse(wizard.action_register()['res_id'])
        self.assertEqual(order.line_ids.product_id, self.earbuds)
        self.assertEqual(order.line_ids.product_qty, 2.0)
        self.assertEqual(order.line_ids.reason_id, self.reason_defect)
        self.assertEqual(order.line_ids.fault_party, self.reason_defect.fault_party)
        # what is left: one earbud
        wizard = self._wizard()
        earbuds = wizard.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        self.assertEqual(earbuds.qty_returnable, 1.0)

    def test_a_whole_sale_line_returned_is_split_apart(self):
        """The customer sends everything back: the return claims all of the sale line,
        and splitting its units keeps the claim as it was (it never exceeds it)."""
        wizard = self._wizard()
        earbuds = wizard.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        earbuds.write({'qty': 3.0, 'reason_id': self.reason_defect.id})
        order = self.env['overseas.return.order'].browse(wizard.action_register()['res_id'])
        order.action_approve()
        order.action_receive()
        line = order.line_ids
        sibling = line.browse(line.action_split(1.0))
        self.assertEqual((line.product_qty, sibling.product_qty), (2.0, 1.0))
        self.assertEqual(sibling.sale_line_id, line.sale_line_id)
        self.assertEqual(sum(order.line_ids.mapped('qty_received')), 3.0)

    def test_wizards_refuse_what_is_no_number(self):
        wizard = self._wizard()
        earbuds = wizard.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        for value in (float('nan'), float('inf'), 'two'):
            with self.assertRaisesRegex(ValidationError, 'must be a number'), \
                    self.env.cr.savepoint():
                earbuds.write({'qty': value})
        order = self._create_order([(self.earbuds, 1.0, self.reason_defect)])
        order.action_approve()
        with self.assertRaisesRegex(ValidationError, 'must be a number'), \
                self.env.cr.savepoint():
            self.env['overseas.return.receive'].with_context(
                active_id=order.id, active_model='overseas.return.order').create({}) \
                .line_ids.write({'qty_counted': float('nan')})
        order.action_receive()
        with self.assertRaisesRegex(ValidationError, 'must be a number'), \
                self.env.cr.savepoint():
            self.env['overseas.return.line.split'].create({
                'line_id': order.line_ids.id, 'qty': float('inf')})
        self.assertEqual(len(order.line_ids), 1)

    def test_register_refusals_create_nothing(self):
        Order = self.env['overseas.return.order']
        before = Order.search_count([('sale_order_id', '=', self.sale.id)])
        wizard = self._wizard()
        earbuds = wizard.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_register()  # nothing chosen
        earbuds.qty = 4.0
        earbuds.reason_id = self.reason_defect
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_register()  # more than delivered
        earbuds.write({'qty': 1.0, 'reason_id': False})
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_register()  # no reason
        self.assertEqual(Order.search_count([('sale_order_id', '=', self.sale.id)]), before)

    def _receive_wizard(self, order, user):
        action = order.sudo(user).action_open_receive_wizard()
        return self.env['overseas.return.receive'].sudo(user).with_context(
            action['context']).create({})

    def test_receive_asks_for_the_count(self):
        order = self._create_order([(self.earbuds, 2.0, self.reason_defect),
                                    (self.mug, 1.0, self.reason_changed_mind)])
        order.action_approve()
        wizard = self._receive_wizard(order, self.user)
        self.assertFalse(wizard.mismatch)
        earbuds = wizard.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        earbuds.qty_counted = 1.0
        self.assertTrue(wizard.mismatch, 'an unmatched count is shown')
        self.assertEqual(earbuds.difference, -1.0)
        wizard.action_receive()
        self.assertEqual(order.state, 'received')
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 1.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 1.0)
        backorder = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        self.assertEqual(backorder.move_lines.product_id, self.earbuds)
        self.assertEqual(backorder.move_lines.product_uom_qty, 1.0)

    def _validate_backorder(self, order, user):
        backorder = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        for move in backorder.move_lines:
            move.move_line_ids.write({'qty_done': move.product_uom_qty})
        backorder.sudo(user).action_done()
        return backorder

    def test_late_units_are_received_on_a_line_of_their_own(self):
        """Two of five earbuds came, the second parcel later: the units that did not
        come cannot be inspected; the late ones are not lost on a line already disposed
        of, they wait for inspection on their own line."""
        order = self._create_order([(self.earbuds, 5.0, self.reason_defect),
                                    (self.mug, 1.0, self.reason_changed_mind)])
        order.action_approve()
        on_hand = self.qty_at(self.earbuds, self.stock_location)
        wizard = self._receive_wizard(order, self.user)
        counts = {self.earbuds: 2.0, self.mug: 0.0}
        for line in wizard.line_ids:
            line.qty_counted = counts[line.product_id]
        wizard.action_receive()
        earbuds = order.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        mug = order.line_ids - earbuds
        with self.assertRaisesRegex(UserError, 'has arrived yet'):
            mug.action_inspect()
        self._inspect(earbuds, 'A')
        earbuds.action_dispose()
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), on_hand + 2.0)
        # the second parcel: a clerk without an e-mail address validates it
        clerk = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Night Clerk', 'login': 'ort_night_clerk',
            'groups_id': [(6, 0, [self.env.ref('stock.group_stock_user').id,
                                  self.env.ref('overseas_returns.group_returns_user').id])]})
        self._validate_backorder(order, clerk)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 3.0)
        late = order.line_ids.filtered(
            lambda l: l.product_id == self.earbuds and l != earbuds)
        self.assertEqual((earbuds.state, earbuds.product_qty, earbuds.qty_received),
                         ('disposed', 2.0, 2.0))
        self.assertEqual((late.state, late.product_qty, late.qty_received),
                         ('received', 3.0, 3.0))
        self.assertEqual(mug.qty_received, 1.0)
        self.assertEqual(order.state, 'received')
        self.assertEqual(late.move_ids.filtered(lambda m: m.state == 'done').product_qty, 3.0)
        for line in (late, mug):
            self._inspect(line, 'A')
        (late | mug).action_dispose()
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), on_hand + 5.0)
        self.assertEqual(order.state, 'done')

    def test_receive_count_refusals_change_nothing(self):
        order = self._create_order([(self.earbuds, 2.0, self.reason_defect)])
        order.action_approve()
        wizard = self._receive_wizard(order, self.user)
        wizard.line_ids.qty_counted = 0.0
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_receive()
        wizard.line_ids.qty_counted = -1.0
        with self.assertRaises(UserError), self.env.cr.savepoint():
            wizard.action_receive()
        wizard.line_ids.qty_counted = 3.0  # more than announced: a manager's call
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            wizard.action_receive()
        order.invalidate_cache()
        self.assertEqual(order.state, 'approved')
        self.assertEqual(order.line_ids.qty_received, 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)


class TestDeskScreens(ReturnsCase):

    def test_fault_party_follows_the_reason_on_the_form(self):
        order = self._create_order([(self.earbuds, 1.0, self.reason_changed_mind)])
        line = order.line_ids
        self.assertEqual(line.fault_party, self.reason_changed_mind.fault_party)
        line.write({'reason_id': self.reason_transit.id})  # as the form's list saves it
        self.assertEqual(line.fault_party, self.reason_transit.fault_party)
        order.action_approve()
        order.action_receive()
        line.action_inspect()
        self.assertEqual(line.inspection_ids.fault_party, self.reason_transit.fault_party)

    def test_expiry_check_applies_to_lot_products_only(self):
        expiry_item = self.env.ref('overseas_returns.inspection_item_expiry')
        # product_expiry is installed: a product with expiry times has the check
        self.mug.write({'tracking': 'lot', 'life_time': 365})
        self.assertTrue(expiry_item._applies_to_product(self.mug))
        self.assertFalse(expiry_item._applies_to_product(self.earbuds))
        order = self._create_received([(self.earbuds, 1.0, self.reason_defect)])
        order.line_ids.action_inspect()
        checks = order.line_ids.inspection_ids.check_ids
        earbuds_check = checks.filtered(lambda check: check.name == expiry_item.name)
        self.assertFalse(earbuds_check.applies)
        self.assertEqual(earbuds_check.result, 'na')
        order.line_ids.inspection_ids.action_pass_open_checks()
        self.assertEqual(earbuds_check.result, 'na')
        self.assertEqual(set((checks - earbuds_check).mapped('result')), {'pass'})

    def test_returns_card_counts_approved_returns(self):
        return_type = self.warehouse.return_type_id
        self.assertEqual(return_type.count_picking_ready, 0)
        order = self._create_order()
        order.action_approve()
        return_type.invalidate_cache()
        self.assertEqual(return_type.count_picking_ready, 1, '1 To Receive')
        action = return_type.get_action_picking_tree_ready()
        self.assertEqual(self.env[action['res_model']].search(action['domain']), order)
        # the same count for the people who read the Inventory overview
        self.assertEqual(return_type.sudo(self.user).count_picking_ready, 1)
        self.assertEqual(return_type.sudo(self.manager).count_picking_ready, 1)
        order.action_receive()
        return_type.invalidate_cache()
        self.assertEqual(return_type.count_picking_ready, 0)
        self.assertEqual(return_type.sudo(self.user).count_picking_ready, 0)

    def test_quarantine_and_rework_are_not_sellable_on_hand(self):
        Quant = self.env['stock.quant']
        Quant._update_available_quantity(self.earbuds, self.stock_location, 5.0)
        Quant._update_available_quantity(self.earbuds, self.return_location, 2.0)
        Quant._update_available_quantity(
            self.earbuds, self.warehouse.return_rework_location_id, 1.0)
        product = self.earbuds.with_context(warehouse=self.warehouse.id)
        self.assertEqual(product.qty_available, 5.0)
        self.assertEqual(self.earbuds.with_context(
            location=self.warehouse.view_location_id.id).qty_available, 5.0)

    def test_old_return_locations_move_out_of_the_warehouse(self):
        """Locations made under the warehouse's view (before) move at the setup hook."""
        wh = self.warehouse
        wh.return_location_id.location_id = wh.view_location_id
        self.env['stock.quant']._update_available_quantity(
            self.earbuds, wh.return_location_id, 2.0)
        wh._create_missing_return_setup()  # what the install hook runs
        self.assertEqual(wh.return_location_id.location_id, wh.return_view_location_id)
        self.env['stock.location'].invalidate_cache()  # parent_left moved in SQL
        self.assertEqual(self.earbuds.with_context(warehouse=wh.id).qty_available, 0.0)



class TestBillingAccountant(RefundCase):

    def test_billing_accountant_opens_a_return_to_refund(self):
        bookkeeper = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Billing Only', 'login': 'ort_billing_only', 'email': 'bo@example.com',
            'groups_id': [(6, 0, [self.env.ref('account.group_account_invoice').id,
                                  self.env.ref('base.group_user').id])]})
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect)],
                               grade='F')
        order.line_ids.action_dispose()  # a scrap: the trap of stock.scrap
        self.assertEqual(order.scrap_count, 1)
        menu = self.env.ref('overseas_returns.overseas_return_order_menu_to_refund')
        visible = self.env['ir.ui.menu'].sudo(bookkeeper)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        action = self.env.ref('overseas_returns.overseas_return_order_action_to_refund')
        Order = self.env['overseas.return.order'].sudo(bookkeeper)
        self.assertIn(order, Order.search(safe_eval(action.domain)))
        # what the web client does: load the form view, read its fields, name them
        view = Order.fields_view_get(view_type='form')
        record = Order.browse(order.id)
        values = record.read(list(view['fields']))[0]
        for name, field in view['fields'].items():
            if field['type'] == 'one2many' and field.get('views', {}).get('tree'):
                sub_fields = list(field['views']['tree']['fields'])
                self.env[field['relation']].sudo(bookkeeper).browse(values[name]).read(
                    sub_fields)
        self.assertEqual(values['scrap_count'], 1)
