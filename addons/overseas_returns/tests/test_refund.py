from unittest.mock import patch

from odoo.exceptions import AccessError, UserError

from .common import ReturnsCase


class RefundCase(ReturnsCase):
    """Taxes, an accountant, invoices and inspected returns of them."""

    @classmethod
    def setUpClass(cls):
        super(RefundCase, cls).setUpClass()
        cls.tax_15 = cls.env['account.tax'].create({
            'name': 'VAT 15%', 'amount': 15.0, 'amount_type': 'percent',
            'type_tax_use': 'sale'})
        cls.tax_10_incl = cls.env['account.tax'].create({
            'name': 'VAT 10% incl.', 'amount': 10.0, 'amount_type': 'percent',
            'type_tax_use': 'sale', 'price_include': True})
        cls.accountant = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Accountant', 'login': 'ort_accountant', 'email': 'a@example.com',
            'groups_id': [(6, 0, [cls.env.ref('account.group_account_invoice').id,
                                  cls.env.ref('overseas_returns.group_returns_user').id,
                                  cls.env.ref('base.group_user').id])]})
        cls.usd = cls.env.ref('base.USD')
        cls.eur = cls.env.ref('base.EUR')

    @classmethod
    def _invoice(cls, lines, currency=None):
        """A validated customer invoice; lines are (product, qty, price, discount, taxes)."""
        invoice = cls.env['account.invoice'].create({
            'partner_id': cls.customer.id, 'type': 'out_invoice',
            'currency_id': (currency or cls.env.user.company_id.currency_id).id,
            'invoice_line_ids': [(0, 0, {
                'product_id': product.id, 'name': product.name, 'quantity': qty,
                'price_unit': price, 'discount': discount,
                'invoice_line_tax_ids': [(6, 0, taxes.ids)],
                'account_id': product.categ_id.property_account_income_categ_id.id
                or cls.env['account.invoice.line'].get_invoice_line_account(
                    'out_invoice', product, False, cls.env.user.company_id).id,
            }) for product, qty, price, discount, taxes in lines]})
        invoice.action_invoice_open()
        return invoice

    def _returned(self, invoice, lines, grade='A', **values):
        """A return of the invoiced goods, received and inspected."""
        order = self._create_order(lines, invoice_id=invoice.id,
                                   currency_id=invoice.currency_id.id, **values)
        order.action_approve()
        order.action_receive()
        self._inspect(order.line_ids, grade)
        return order

    def _refund(self, order, amount=None):
        refund_id = order.sudo(self.accountant).action_create_refund(amount=amount)
        return self.env['account.invoice'].browse(refund_id)



class TestRefund(RefundCase):

    def test_full_refund_with_discount_and_tax_reconciles_the_invoice(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 10.0, self.tax_15)])
        self.assertAlmostEqual(invoice.amount_total, 207.0)
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect)])
        self.assertEqual(order.refund_state, 'to_refund')
        self.assertAlmostEqual(order.amount_refundable, 207.0)
        refund = self._refund(order)
        self.assertEqual(refund.type, 'out_refund')
        self.assertEqual(refund.state, 'draft')
        self.assertEqual(refund.partner_id, self.customer)
        self.assertEqual(refund.origin, order.name)
        self.assertEqual(refund.refund_invoice_id, invoice)
        # its chatter links the return it comes from
        notes = refund.message_ids.filtered(
            lambda message: 'data-oe-model="overseas.return.order"' in (message.body or ''))
        self.assertEqual(len(notes), 1)
        self.assertIn('data-oe-id="%d"' % order.id, notes.body)
        self.assertIn(order.name, notes.body)
        self.assertEqual(len(refund.invoice_line_ids), 1)
        line = refund.invoice_line_ids
        self.assertEqual((line.quantity, line.price_unit, line.discount), (2.0, 100.0, 10.0))
        self.assertEqual(line.invoice_line_tax_ids, self.tax_15)
        self.assertAlmostEqual(refund.amount_untaxed, 180.0)
        self.assertAlmostEqual(refund.amount_total, 207.0)
        # a draft is not refunded yet
        self.assertEqual(order.amount_refunded, 0.0)
        self.assertEqual(order.refund_state, 'to_refund')
        refund.sudo(self.accountant).action_invoice_open()
        self.assertAlmostEqual(order.amount_refunded, 207.0)
        self.assertEqual(order.amount_refundable, 0.0)
        self.assertEqual(order.refund_state, 'refunded')
        self.assertEqual(invoice.state, 'paid', 'reconciled with the credit note')
        self.assertEqual(invoice.residual, 0.0)
        self.assertEqual(refund.state, 'paid')
        self.assertFalse(order.refund_to_reconcile)

    def test_validation_chatter_speaks_the_accountants_language(self):
        """Odoo validates in the customer's language (the journal entry's labels);
        the credit note's state changes are still told in the accountant's."""
        Lang = self.env['res.lang']
        if not Lang.search([('code', '=', 'zh_CN'), ('active', '=', True)]):
            Lang.load_lang('zh_CN')
            self.env['ir.module.module'].search(
                [('name', 'in', ('base', 'account'))])._update_translations('zh_CN')
        self.customer.lang = 'zh_CN'
        self.accountant.lang = 'en_US'
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        refund = self._refund(order)
        # as in the web client: with field tracking (the test classes switch it off)
        refund.sudo(self.accountant).with_context(
            lang='en_US', tracking_disable=False, mail_notrack=False).action_invoice_open()
        self.assertEqual(refund.state, 'paid')
        states = refund.message_ids.mapped('tracking_value_ids').filtered(
            lambda value: value.field == 'state')
        self.assertEqual(sorted(states.mapped('new_value_char')), ['Open', 'Paid'])

    def test_changed_mind_restocking_fee_and_return_label(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 10.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_changed_mind)])
        refund = self._refund(order)
        fee = refund.invoice_line_ids.filtered(
            lambda l: l.return_deduction_type == 'restocking_fee')
        label = refund.invoice_line_ids.filtered(
            lambda l: l.return_deduction_type == 'return_label')
        self.assertAlmostEqual(fee.price_subtotal, -27.0, msg='15 % of 180')
        self.assertEqual(fee.invoice_line_tax_ids, self.tax_15)
        self.assertEqual(fee.product_id,
                         self.env.ref('overseas_returns.product_deduction_restocking_fee'))
        self.assertAlmostEqual(label.price_subtotal, -6.0)
        self.assertAlmostEqual(refund.amount_total, 207.0 - 31.05 - 6.0)
        self.assertAlmostEqual(order.amount_refundable, 169.95)
        # each line books to an income account, a fee to its own product's; a fee line
        # is named after the product it is charged on
        Line = self.env['account.invoice.line']
        for deduction in fee | label:
            self.assertEqual(deduction.account_id, Line.get_invoice_line_account(
                'out_refund', deduction.product_id, False, self.company))
        self.assertIn(self.earbuds.display_name, fee.name)

    def test_no_income_account_refuses_the_credit_note(self):
        """A fee product without an income account (nor its category): the credit
        note is refused, naming the line, and nothing is created."""
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_changed_mind)])
        fee_product = self.env.ref('overseas_returns.product_deduction_restocking_fee')
        category = self.env['product.category'].create({'name': 'No accounts'})
        fee_product.write({'categ_id': category.id, 'property_account_income_id': False})
        category.property_account_income_categ_id = False
        with self.assertRaisesRegex(UserError, 'income account'):
            self._refund(order)
        self.assertFalse(order.refund_invoice_ids)

    def test_customer_damage_deduction_by_grade(self):
        invoice = self._invoice([(self.mug, 1.0, 40.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.mug, 1.0, self.reason_changed_mind)],
                               grade='D')
        order.line_ids.fault_party = 'customer'
        refund = self._refund(order)
        kinds = {l.return_deduction_type: l.price_subtotal for l in refund.invoice_line_ids}
        self.assertAlmostEqual(kinds['restocking_fee'], -6.0)
        self.assertAlmostEqual(kinds['damage'], -20.0)
        self.assertAlmostEqual(kinds['return_label'], -6.0)
        self.assertAlmostEqual(refund.amount_total, (40 - 6 - 20) * 1.15 - 6.0)

    def test_disposal_leaves_the_refund_figures_as_a_full_recompute_has_them(self):
        """Disposal does not recompute the refund figures (a disposed line counts as an
        inspected one, a done return as an inspected one); what is stored must still be
        what a full recompute gives."""
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.tax_15),
                                 (self.mug, 1.0, 40.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect),
                                         (self.mug, 1.0, self.reason_changed_mind)],
                               grade='C')
        earbuds, mug = order.line_ids
        earbuds.disposition = 'restock'
        mug.fault_party = 'customer'
        self.assertEqual(mug.disposition, 'rework')
        earbuds, mug = earbuds.sudo(self.user), mug.sudo(self.user)
        inspected = (order.amount_refundable, order.refund_state)
        self.assertEqual(order.refund_state, 'to_refund')
        computed = []
        compute = type(order)._compute_refund_amounts

        def counted_compute(records):
            computed.append(records.ids)
            return compute(records)

        def stored_and_recomputed():
            order.invalidate_cache()
            stored = (order.amount_refundable, order.refund_state)
            order._recompute_refund_figures()
            order.invalidate_cache()
            return stored, (order.amount_refundable, order.refund_state)

        # a warehouse user's clicks: the figures are protected in the env that writes
        with patch.object(type(order), '_compute_refund_amounts', counted_compute):
            mug.action_dispose()  # into rework: the return stays open
            self.assertEqual(order.state, 'inspected')
            earbuds.action_dispose()
            self.assertEqual(order.state, 'inspected')
            mug.action_rework_done()
            self.assertEqual(order.state, 'done')
        self.assertEqual(computed, [])
        self.assertEqual(stored_and_recomputed(), (inspected, inspected))
        refund = self._refund(order)
        self.assertAlmostEqual(refund.amount_total, inspected[0])

    def test_tax_included_price(self):
        invoice = self._invoice([(self.mug, 1.0, 110.0, 0.0, self.tax_10_incl)])
        order = self._returned(invoice, [(self.mug, 1.0, self.reason_defect)])
        refund = self._refund(order)
        self.assertAlmostEqual(refund.amount_untaxed, 100.0)
        self.assertAlmostEqual(refund.amount_tax, 10.0)
        self.assertAlmostEqual(refund.amount_total, 110.0)

    def test_foreign_currency_invoice(self):
        foreign = self.usd if self.env.user.company_id.currency_id != self.usd else self.eur
        self.env['res.currency.rate'].create({
            'currency_id': foreign.id, 'rate': 1.25, 'name': '2026-01-01',
            'company_id': self.env.user.company_id.id})
        invoice = self._invoice([(self.earbuds, 1.0, 80.0, 0.0, self.tax_15)], foreign)
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        refund = self._refund(order)
        self.assertEqual(refund.currency_id, foreign)
        self.assertAlmostEqual(refund.amount_total, 92.0)
        refund.action_invoice_open()
        self.assertAlmostEqual(order.amount_refunded, 92.0)
        self.assertEqual(invoice.state, 'paid')
        self.assertAlmostEqual(invoice.residual, 0.0)

    def test_two_partial_refunds_add_up_to_the_invoice(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 10.0, self.tax_15),
                                 (self.mug, 3.0, 12.5, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect),
                                         (self.mug, 3.0, self.reason_defect)])
        first = self._refund(order, amount=100.0)
        self.assertAlmostEqual(first.amount_total, 100.0)
        first.action_invoice_open()
        self.assertEqual(order.refund_state, 'partial')
        self.assertEqual(invoice.state, 'open')
        self.assertAlmostEqual(invoice.residual, invoice.amount_total - 100.0)
        rest = invoice.amount_total - 100.0
        second = self._refund(order, amount=rest)
        self.assertAlmostEqual(second.amount_total, rest)
        second.action_invoice_open()
        self.assertEqual(invoice.state, 'paid')
        self.assertEqual(order.refund_state, 'refunded')
        with self.assertRaises(UserError):
            self._refund(order, amount=1.0)
        self.assertEqual(len(order.refund_invoice_ids), 2)

    def test_amount_first_then_the_rest_the_policy_allows(self):
        invoice = self._invoice([(self.mug, 1.0, 100.0, 0.0, self.env['account.tax'])])
        order = self._returned(invoice, [(self.mug, 1.0, self.reason_changed_mind)])
        # policy for a changed mind: 15 % restocking fee and a 6.00 return label
        self.assertAlmostEqual(order.amount_refundable, 79.0)
        self._refund(order, amount=60.0).action_invoice_open()
        self.assertEqual(order.refund_state, 'partial')
        self.assertAlmostEqual(order.amount_refundable, 19.0)
        rest = self._refund(order)
        self.assertAlmostEqual(rest.amount_total, 19.0)
        rest.action_invoice_open()
        self.assertEqual(order.refund_state, 'refunded')
        self.assertAlmostEqual(order.amount_refunded, 79.0)

    def test_refused_amounts_create_nothing(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 10.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_defect)])
        for amount in (300.0, 0.0, -5.0):
            with self.assertRaises(UserError):
                self._refund(order, amount=amount)
        self.assertFalse(order.refund_invoice_ids)
        self.assertFalse(self.env['account.invoice'].search(
            [('refund_invoice_id', '=', invoice.id)]))
        # a draft already counts against what was invoiced
        self._refund(order)
        with self.assertRaises(UserError):
            self._refund(order, amount=10.0)
        self.assertEqual(len(order.refund_invoice_ids), 1)

    def test_cancelled_credit_note_does_not_count(self):
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        refund = self._refund(order)
        refund.action_invoice_cancel()
        self.assertEqual(order.refund_state, 'to_refund')
        again = self._refund(order)
        self.assertAlmostEqual(again.amount_total, 115.0)

    def test_returnless_refund(self):
        order = self._create_order([(self.mug, 2.0, self.reason_transit)],
                                   return_method='returnless')
        self.assertEqual(order.refund_state, 'none')
        order.action_approve()
        self.assertEqual(order.refund_state, 'to_refund')
        with self.assertRaises(UserError):
            order.action_receive()
        refund = self._refund(order)
        self.assertAlmostEqual(refund.amount_untaxed, 25.0, msg='2 x 12.50, no invoice')
        self.assertEqual(refund.currency_id, order.currency_id)
        refund.action_invoice_open()
        self.assertEqual(order.refund_state, 'refunded')
        self.assertEqual(order.state, 'done')
        self.assertFalse(order.picking_ids)
        self.assertTrue(order.refund_to_reconcile, 'an outstanding credit to pay out')

    def test_credit_note_pays_out_to_the_customers_bank_on_their_terms(self):
        """The header Odoo's invoice form would fill from the customer: the first bank
        account (where a credit note is paid out) and, without an invoice, the payment
        terms; with an invoice, Odoo's refund API leaves the terms empty."""
        bank = self.env['res.partner.bank'].create({
            'acc_number': 'DE89 3704 0044 0532 0130 00', 'partner_id': self.customer.id})
        terms = self.env.ref('account.account_payment_term_15days')
        self.customer.property_payment_term_id = terms
        order = self._create_order([(self.mug, 1.0, self.reason_transit)],
                                   return_method='returnless')
        order.action_approve()
        refund = self._refund(order)
        self.assertEqual(refund.partner_bank_id, bank)
        self.assertEqual(refund.payment_term_id, terms)
        self.assertEqual(refund.account_id, self.customer.property_account_receivable_id)
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        refund = self._refund(self._returned(
            invoice, [(self.earbuds, 1.0, self.reason_defect)]))
        self.assertEqual(refund.partner_bank_id, bank)
        self.assertFalse(refund.payment_term_id)
        self.assertEqual(refund.refund_invoice_id, invoice)

    def test_refund_waits_for_inspection(self):
        order = self._create_order()
        order.action_approve()
        order.action_receive()
        self.assertEqual(order.refund_state, 'none')
        with self.assertRaises(UserError):
            self._refund(order)

    def test_warehouse_user_cannot_refund(self):
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        self.assertEqual(order.sudo(self.user).refund_state, 'to_refund')
        with self.assertRaises(AccessError):
            order.sudo(self.user).action_create_refund()
        with self.assertRaises(AccessError):
            order.sudo(self.user).action_open_refund_wizard()
        self.assertFalse(order.refund_invoice_ids)

    def test_accountant_without_warehouse_rights_refunds(self):
        bookkeeper = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Bookkeeper', 'login': 'ort_bookkeeper', 'email': 'b@example.com',
            'groups_id': [(6, 0, [self.env.ref('account.group_account_invoice').id,
                                  self.env.ref('base.group_user').id])]})
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_changed_mind)])
        as_bookkeeper = order.sudo(bookkeeper)
        as_bookkeeper.read(['name', 'warehouse_id', 'refund_state', 'amount_refundable'])
        action = as_bookkeeper.action_open_refund_wizard()
        wizard = self.env['overseas.return.refund.wizard'].sudo(bookkeeper).browse(
            action['res_id'])
        refund = self.env['account.invoice'].browse(wizard.action_create_refund()['res_id'])
        refund.sudo(bookkeeper).action_invoice_open()
        self.assertEqual(order.refund_state, 'refunded')
        self.assertAlmostEqual(order.amount_refunded, 115.0 - 17.25 - 6.0)

    def test_wizard_lets_the_accountant_adjust(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 10.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_changed_mind)])
        action = order.sudo(self.accountant).action_open_refund_wizard()
        wizard = self.env['overseas.return.refund.wizard'].sudo(self.accountant).browse(
            action['res_id'])
        wizard.write({'goodwill_amount': 5.0, 'missing_parts_amount': 10.0})
        self.assertAlmostEqual(wizard.amount_total, 169.95 + 5.0 - 10.0)
        fee_line = wizard.line_ids.filtered(lambda l: l.return_deduction_type == 'restocking_fee')
        fee_line.price_unit = -10.0
        action = wizard.action_create_refund()
        refund = self.env['account.invoice'].browse(action['res_id'])
        self.assertAlmostEqual(refund.amount_total, 207.0 - 11.5 - 6.0 + 5.0 - 10.0)
        goodwill = refund.invoice_line_ids.filtered(lambda l: l.return_deduction_type == 'goodwill')
        self.assertAlmostEqual(goodwill.price_subtotal, 5.0)

    def test_yen_invoice_partial_amount_to_the_yen(self):
        jpy = self.env.ref('base.JPY')
        jpy.active = True
        self.env['res.currency.rate'].create({
            'currency_id': jpy.id, 'rate': 160.0, 'name': '2026-01-01',
            'company_id': self.env.user.company_id.id})
        invoice = self._invoice([(self.earbuds, 3.0, 3333.0, 0.0, self.tax_15)], jpy)
        self.assertEqual(invoice.amount_total, 11499.0)
        order = self._returned(invoice, [(self.earbuds, 3.0, self.reason_defect)])
        refund = self._refund(order, amount=5000.0)
        self.assertEqual(refund.currency_id, jpy)
        self.assertEqual(refund.amount_total, 5000.0)
        refund.action_invoice_open()
        self.assertEqual(invoice.residual, 6499.0)
        self.assertEqual(order.refund_state, 'partial')
