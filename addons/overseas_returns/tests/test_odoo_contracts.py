"""A return seen through Odoo's own screens: the sale order, the delivery's Return
button, the credit note's header and lines, and the refund wizard's total."""
from odoo.exceptions import UserError

from .test_refund import RefundCase


class TestOdooContracts(RefundCase):

    @classmethod
    def setUpClass(cls):
        super(TestOdooContracts, cls).setUpClass()
        cls.earbuds.invoice_policy = 'delivery'
        cls.salesman = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Sally Sales', 'login': 'ort_sally', 'email': 's@example.com',
            'groups_id': [(6, 0, [cls.env.ref('sales_team.group_sale_salesman').id])]})
        cls.team = cls.env['crm.team'].create({'name': 'Marketplace Team'})
        cls.shipping = cls.env['res.partner'].create({
            'name': 'Jane at work', 'type': 'delivery', 'parent_id': cls.customer.id})

    def _sold_and_invoiced(self, qty=3.0, price=100.0):
        sale, delivery = self._create_delivered_sale(
            [(self.earbuds, qty, price)], 'AMZ-CONTRACT-1')
        sale.write({'user_id': self.salesman.id, 'team_id': self.team.id,
                    'partner_shipping_id': self.shipping.id})
        invoice = self.env['account.invoice'].browse(sale.action_invoice_create())
        invoice.action_invoice_open()
        return sale, delivery, invoice

    def _return_one(self, sale, invoice, qty=1.0):
        order = self.env['overseas.return.order'].create_from_sale_order(sale)
        order.line_ids.write({'product_qty': qty, 'reason_id': self.reason_defect.id})
        self.assertEqual(order.invoice_id, invoice)
        order.action_approve()
        order.action_receive()
        self._inspect(order.line_ids, 'A')
        return order

    def test_return_is_an_odoo_return_of_the_delivery(self):
        sale, delivery, invoice = self._sold_and_invoiced()
        sale_line = sale.order_line
        self.assertEqual(sale_line.qty_delivered, 3.0)
        order = self._return_one(sale, invoice)
        receipt_move = order.line_ids.move_ids.filtered(
            lambda move: move.location_dest_id == self.return_location)
        self.assertEqual(receipt_move.origin_returned_move_id, delivery.move_lines)
        self.assertTrue(receipt_move.to_refund)
        self.assertEqual(receipt_move.sale_line_id, sale_line)
        self.assertIn(receipt_move, delivery.move_lines.returned_move_ids)
        self.assertEqual(sale_line.qty_delivered, 2.0)
        # Odoo's Return button on the delivery offers only what is still out there
        wizard = self.env['stock.return.picking'].with_context(
            active_id=delivery.id, active_ids=delivery.ids).create({})
        self.assertEqual(wizard.product_return_moves.quantity, 2.0)

    def test_refund_of_one_unit_leaves_nothing_to_invoice(self):
        sale, delivery, invoice = self._sold_and_invoiced()
        order = self._return_one(sale, invoice)
        refund = self._refund(order)
        product_line = refund.invoice_line_ids.filtered(
            lambda line: not line.return_deduction_type)
        self.assertEqual(product_line.sale_line_ids, sale.order_line)
        self.assertEqual(product_line.return_line_id, order.line_ids)
        refund.sudo(self.accountant).action_invoice_open()
        sale_line = sale.order_line
        self.assertEqual(sale_line.qty_delivered, 2.0)
        self.assertEqual(sale_line.qty_invoiced, 2.0)
        self.assertEqual(sale_line.qty_to_invoice, 0.0)

    def test_credit_note_header_is_the_invoices(self):
        sale, delivery, invoice = self._sold_and_invoiced()
        self.assertEqual(invoice.team_id, self.team)
        order = self._return_one(sale, invoice)
        refund = self._refund(order)
        for field_name in ('partner_id', 'user_id', 'team_id', 'partner_shipping_id',
                           'fiscal_position_id', 'account_id', 'journal_id',
                           'currency_id', 'company_id'):
            self.assertEqual(refund[field_name], invoice[field_name], field_name)
        self.assertEqual(refund.refund_invoice_id, invoice)
        self.assertEqual(refund.overseas_return_id, order)
        self.assertEqual(refund.type, 'out_refund')

    def test_odoo_add_credit_note_still_copies_the_invoice_lines(self):
        """A return's credit note skips Odoo's copy of the invoice's lines (it brings
        its own); Odoo's Add Credit Note on the same invoice copies them as before."""
        sale, delivery, invoice = self._sold_and_invoiced(qty=3.0, price=100.0)
        order = self._return_one(sale, invoice)
        refund = self._refund(order)
        product_line = refund.invoice_line_ids.filtered(
            lambda line: not line.return_deduction_type)
        self.assertEqual(product_line.quantity, 1.0)
        self.assertEqual(refund.invoice_line_ids.mapped('return_line_id'), order.line_ids)
        wizard = self.env['account.invoice.refund'].sudo(self.accountant).with_context(
            active_ids=invoice.ids, active_id=invoice.id).create({
                'filter_refund': 'refund', 'description': 'Odoo credit note'})
        wizard.invoice_refund()
        native = self.env['account.invoice'].search([
            ('refund_invoice_id', '=', invoice.id), ('id', '!=', refund.id)])
        self.assertEqual(len(native), 1)
        self.assertEqual(native.invoice_line_ids.mapped('quantity'), [3.0])
        self.assertFalse(native.invoice_line_ids.mapped('return_line_id'))
        self.assertEqual(native.amount_untaxed, invoice.amount_untaxed)

    def _wizard(self, order):
        action = order.sudo(self.accountant).action_open_refund_wizard()
        return self.env['overseas.return.refund.wizard'].sudo(self.accountant).browse(
            action['res_id'])

    def _create_from_wizard(self, wizard):
        shown = wizard.amount_total
        refund = self.env['account.invoice'].browse(wizard.action_create_refund()['res_id'])
        self.assertAlmostEqual(refund.amount_total, shown,
                               msg='the credit note is what the wizard showed')
        return refund

    def test_wizard_goodwill_only_after_removing_every_line(self):
        invoice = self._invoice([(self.earbuds, 1.0, 26.95, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_changed_mind)])
        wizard = self._wizard(order)
        self.assertTrue(wizard.line_ids)
        wizard.write({'line_ids': [(2, line.id) for line in wizard.line_ids],
                      'goodwill_amount': 5.0})
        self.assertAlmostEqual(wizard.amount_total, 5.0)
        refund = self._create_from_wizard(wizard)
        self.assertAlmostEqual(refund.amount_total, 5.0)
        self.assertEqual(refund.invoice_line_ids.mapped('return_deduction_type'),
                         ['goodwill'])

    def test_wizard_changed_amounts_and_links_reach_the_reports(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_changed_mind)])
        wizard = self._wizard(order)
        product_line = wizard.line_ids.filtered(lambda l: not l.return_deduction_type)
        fee_line = wizard.line_ids.filtered(
            lambda l: l.return_deduction_type == 'restocking_fee')
        self.assertTrue(fee_line)
        product_line.write({'price_unit': 90.0})
        fee_line.write({'price_unit': -10.0})
        refund = self._create_from_wizard(wizard)
        self.assertEqual(set(refund.invoice_line_ids.mapped('return_line_id').ids),
                         set(order.line_ids.ids))
        self.assertIn('restocking_fee', refund.invoice_line_ids.mapped('return_deduction_type'))
        refund.sudo(self.accountant).action_invoice_open()
        self.assertAlmostEqual(order.amount_refunded, refund.amount_total)
        # a second wizard proposes only what the first one left
        if order.refund_state == 'partial':
            second = self._wizard(order)
            credited_goods = 180.0
            proposed_goods = sum(second.line_ids.filtered(
                lambda l: not l.return_deduction_type).mapped(
                    lambda l: l.price_unit * l.quantity))
            self.assertAlmostEqual(proposed_goods, 200.0 - credited_goods)
            self.assertNotIn('restocking_fee',
                             second.line_ids.mapped('return_deduction_type'))

    def test_yen_exact_amount_has_no_fractional_yen(self):
        jpy = self.env.ref('base.JPY')
        jpy.active = True
        self.assertEqual(jpy.rounding, 1.0)
        invoice = self._invoice([(self.earbuds, 3.0, 3333.0, 0.0, self.tax_15)], jpy)
        order = self._returned(invoice, [(self.earbuds, 3.0, self.reason_defect)])
        refund = self._refund(order, amount=1000.4)
        self.assertEqual(refund.amount_total, 1000.0)
        for line in refund.invoice_line_ids:
            self.assertEqual(line.price_unit, round(line.price_unit),
                             'no fraction of a yen on %s' % line.name)
        with self.assertRaises(UserError):
            self._refund(order, amount='1000')

    def test_returnless_refund_validated_by_billing_only_accountant(self):
        bookkeeper = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Billing Only', 'login': 'ort_billing_only', 'email': 'bo@example.com',
            'groups_id': [(6, 0, [self.env.ref('account.group_account_invoice').id,
                                  self.env.ref('base.group_user').id])]})
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._create_order([(self.earbuds, 1.0, self.reason_transit)],
                                   invoice_id=invoice.id, return_method='returnless')
        order.action_approve()
        refund = self.env['account.invoice'].browse(
            order.sudo(bookkeeper).action_create_refund())
        refund.sudo(bookkeeper).action_invoice_open()
        self.assertEqual(refund.state, 'paid')
        self.assertEqual(order.refund_state, 'refunded')
        self.assertEqual(order.state, 'done')
        self.assertTrue(order.date_done)
