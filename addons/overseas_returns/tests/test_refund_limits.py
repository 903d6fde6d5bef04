from odoo.exceptions import UserError

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
