from odoo.exceptions import AccessError, UserError

from .test_refund import RefundCase


class TestRefundLimits(RefundCase):
    """The refund limits hold when a credit note is validated, not only at creation."""

    def setUp(self):
        super(TestRefundLimits, self).setUp()
        self.no_tax = self.env['account.tax']

    def _edit_prices(self, refund, prices):
        """The accountant edits the draft credit note: {product: new unit price}."""
        for line in refund.invoice_line_ids:
            if line.product_id in prices:
                line.sudo(self.accountant).write({'price_unit': prices[line.product_id]})

    def _validate_refused(self, refund, order, invoice=None):
        refunded = order.amount_refunded
        residual = invoice.residual if invoice else None
        with self.assertRaises(UserError):
            refund.sudo(self.accountant).action_invoice_open()
        self.assertEqual(refund.state, 'draft')
        self.assertFalse(refund.move_id)
        self.assertAlmostEqual(order.amount_refunded, refunded)
        if invoice:
            self.assertAlmostEqual(invoice.residual, residual)

    def test_credit_note_edited_above_the_invoice_is_refused(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect)])
        refund = self._refund(order, amount=100.0)
        self._edit_prices(refund, {self.earbuds: 150.0})
        self.assertAlmostEqual(refund.amount_total, 300.0)
        self._validate_refused(refund, order, invoice)
        self.assertEqual(order.amount_refunded, 0.0)
        self.assertEqual(order.refund_state, 'to_refund')
        # brought back under the invoice, it validates
        self._edit_prices(refund, {self.earbuds: 90.0})
        refund.sudo(self.accountant).action_invoice_open()
        self.assertIn(refund.state, ('open', 'paid'))  # applied to the invoice
        self.assertAlmostEqual(order.amount_refunded, 180.0)
        self.assertAlmostEqual(invoice.residual, 20.0)

    def test_other_credit_notes_count_this_one_not(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect)])
        self._refund(order, amount=120.0).sudo(self.accountant).action_invoice_open()
        rest = self._refund(order, amount=50.0)
        self._edit_prices(rest, {self.earbuds: 50.0})     # 120 + 100 > 200
        self._validate_refused(rest, order, invoice)
        self.assertAlmostEqual(order.amount_refunded, 120.0)
        self._edit_prices(rest, {self.earbuds: 40.0})     # 120 + 80, exactly the invoice
        rest.sudo(self.accountant).action_invoice_open()
        self.assertIn(rest.state, ('open', 'paid'))
        self.assertAlmostEqual(order.amount_refunded, 200.0)
        self.assertEqual(invoice.state, 'paid')

    def test_one_product_edited_above_its_invoiced_value(self):
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.no_tax),
                                 (self.mug, 1.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect),
                                         (self.mug, 1.0, self.reason_defect)])
        refund = self._refund(order, amount=100.0)
        self.assertEqual(set(refund.invoice_line_ids.mapped('product_id')),
                         {self.earbuds, self.mug})
        # 150 in total is under the 200 invoiced, but 140 of earbuds is over its 100
        self._edit_prices(refund, {self.earbuds: 140.0, self.mug: 10.0})
        self._validate_refused(refund, order, invoice)
        self._edit_prices(refund, {self.earbuds: 100.0, self.mug: 50.0})
        refund.sudo(self.accountant).action_invoice_open()
        self.assertAlmostEqual(order.amount_refunded, 150.0)

    def test_credit_note_of_a_cancelled_return_is_refused(self):
        order = self._create_order([(self.mug, 2.0, self.reason_transit)],
                                   return_method='returnless')
        order.action_approve()
        refund = self._refund(order)
        self.assertAlmostEqual(refund.amount_total, 25.0)
        order.action_cancel()
        self.assertEqual(order.state, 'cancel')
        self._validate_refused(refund, order)
        self.assertEqual(order.amount_refunded, 0.0)

    def test_credit_note_for_another_customer_is_refused(self):
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        refund = self._refund(order)
        other = self.env['res.partner'].create({'name': 'Someone Else', 'customer': True})
        refund.sudo(self.accountant).write({'partner_id': other.id})
        self._validate_refused(refund, order, invoice)
        # the return's own customer again: it validates
        refund.sudo(self.accountant).write({'partner_id': self.customer.id})
        refund.sudo(self.accountant).action_invoice_open()
        self.assertIn(refund.state, ('open', 'paid'))  # applied to the invoice
        self.assertAlmostEqual(order.amount_refunded, 100.0)


class TestReturnCreditNotes(RefundCase):
    """A return's credit notes credit the units that came back, once, on that return."""

    _validate_refused = TestRefundLimits._validate_refused

    def setUp(self):
        super(TestReturnCreditNotes, self).setUp()
        self.no_tax = self.env['account.tax']

    def test_a_return_credits_its_returned_units_only(self):
        invoice = self._invoice([(self.earbuds, 5.0, 100.0, 0.0, self.no_tax),
                                 (self.mug, 1.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        with self.assertRaisesRegex(UserError, 'returned units are worth'):
            self._refund(order, amount=400.0)
        self.assertFalse(order.refund_invoice_ids)
        refund = self._refund(order)
        self.assertAlmostEqual(refund.amount_total, 100.0)
        # four earbuds on the draft, or the mug nobody returned: refused at validation
        earbuds = refund.invoice_line_ids.filtered(lambda l: l.product_id == self.earbuds)
        earbuds.sudo(self.accountant).write({'quantity': 4.0})
        refund.compute_taxes()
        self._validate_refused(refund, order, invoice)
        earbuds.sudo(self.accountant).write({'quantity': 1.0})
        mug = refund.invoice_line_ids.sudo(self.accountant).create({
            'invoice_id': refund.id, 'product_id': self.mug.id, 'name': 'Mug',
            'quantity': 1.0, 'price_unit': 100.0, 'account_id': earbuds.account_id.id})
        self._validate_refused(refund, order, invoice)
        mug.unlink()
        refund.sudo(self.accountant).action_invoice_open()
        self.assertAlmostEqual(order.amount_refunded, 100.0)
        self.assertAlmostEqual(invoice.residual, 500.0)

    def test_a_credit_note_keeps_its_return_and_its_invoice(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect)])
        refund = self._refund(order, amount=100.0)
        other = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        as_accountant = refund.sudo(self.accountant)
        for vals in ({'refund_invoice_id': False}, {'overseas_return_id': other.id},
                     {'overseas_return_id': False}):
            with self.assertRaisesRegex(AccessError, 'cannot be changed'):
                as_accountant.write(vals)
        refund.invalidate_cache()
        self.assertEqual((refund.overseas_return_id, refund.refund_invoice_id),
                         (order, invoice))
        # nor can Odoo's own credit note be moved onto a return
        native = self.env['account.invoice'].browse(self.env['account.invoice.refund'].with_context(
            active_ids=invoice.ids, active_id=invoice.id).create({
                'filter_refund': 'refund', 'description': 'native'}).invoice_refund()
            and self.env['account.invoice'].search(
                [('refund_invoice_id', '=', invoice.id), ('overseas_return_id', '=', False)],
                limit=1).id)
        with self.assertRaisesRegex(AccessError, 'cannot be changed'):
            native.sudo(self.accountant).write({'overseas_return_id': order.id})
        # a note of this return counts even when its link to the invoice is gone
        refund.write({'refund_invoice_id': False})  # the superuser's data fix
        with self.assertRaisesRegex(UserError, 'more than'):
            self._refund(order, amount=150.0)

    def test_the_wizard_creates_its_credit_note_once(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        action = order.sudo(self.accountant).action_open_refund_wizard()
        wizard = self.env['overseas.return.refund.wizard'].sudo(self.accountant).browse(
            action['res_id'])
        wizard.write({'goodwill_amount': 10.0})
        wizard.action_create_refund()
        with self.assertRaisesRegex(UserError, 'created already'):
            wizard.action_create_refund()
        self.assertEqual(len(order.refund_invoice_ids), 1)
        self.assertAlmostEqual(order.refund_invoice_ids.amount_total, 110.0)

    def test_a_return_with_a_credit_note_is_not_cancelled(self):
        order = self._create_order([(self.mug, 2.0, self.reason_transit)],
                                   return_method='returnless')
        order.action_approve()
        refund = self._refund(order, amount=10.0)
        refund.action_invoice_open()
        with self.assertRaisesRegex(UserError, 'has a credit note'):
            order.action_cancel()
        self.assertEqual(order.state, 'approved')
        self.assertEqual(order.refund_state, 'partial')

    def test_an_exchanged_return_s_credit_note_is_refused(self):
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.no_tax)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        refund = self._refund(order)
        refund.action_invoice_cancel()
        order.sudo(self.user).action_exchange([{
            'return_line_id': order.line_ids.id, 'product_id': self.earbuds.id,
            'quantity': 1.0}])
        self.assertTrue(order.is_exchanged)
        refund.action_invoice_draft()
        # Odoo's reset leaves 'open' in the cache (do_in_draft): the next request reads
        refund.invalidate_cache()
        with self.assertRaisesRegex(UserError, 'was exchanged'):
            refund.sudo(self.accountant).action_invoice_open()
        self.assertEqual(refund.state, 'draft')
        self.assertEqual(order.amount_refunded, 0.0)
