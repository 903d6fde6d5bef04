"""What the accountant refunds through the refund wizard — per line, deductions
included — is what the line report and the KPIs show as refunded."""
from odoo.addons.overseas_returns.tests.test_refund import RefundCase


class TestRefundsReachReports(RefundCase):

    def test_wizard_refund_per_line_and_deduction(self):
        invoice = self._invoice([(self.earbuds, 2.0, 100.0, 0.0, self.tax_15),
                                 (self.mug, 1.0, 20.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 2.0, self.reason_changed_mind),
                                         (self.mug, 1.0, self.reason_changed_mind)])
        earbuds_line = order.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        mug_line = order.line_ids - earbuds_line
        action = order.sudo(self.accountant).action_open_refund_wizard()
        wizard = self.env['overseas.return.refund.wizard'].sudo(self.accountant).browse(
            action['res_id'])
        # the accountant refunds the earbuds only, at 90 a unit, with their fee
        wizard.write({'line_ids': [(2, line.id) for line in wizard.line_ids
                                   if line.return_line_id == mug_line]})
        product = wizard.line_ids.filtered(lambda l: not l.return_deduction_type)
        product.write({'price_unit': 90.0})
        fee = wizard.line_ids.filtered(lambda l: l.return_deduction_type == 'restocking_fee')
        self.assertTrue(fee)
        fee_amount = fee.price_unit
        refund = self.env['account.invoice'].browse(wizard.action_create_refund()['res_id'])
        refund.sudo(self.accountant).action_invoice_open()
        expected = sum(refund.invoice_line_ids.filtered(
            lambda l: l.return_line_id == earbuds_line).mapped('price_subtotal'))
        self.assertAlmostEqual(expected, 180.0 + fee_amount)
        # one report row per return line, with the line's id; the lines of the credit
        # note for the whole return (the return label) are shared by line value
        rows = self.env['overseas.return.report'].search([('order_id', '=', order.id)])
        by_line = {row.id: row.amount_refunded for row in rows}
        whole = sum(refund.invoice_line_ids.filtered(
            lambda l: not l.return_line_id).mapped('price_subtotal'))
        value = sum(order.line_ids.mapped('price_subtotal'))
        self.assertAlmostEqual(by_line[earbuds_line.id],
                               expected + whole * earbuds_line.price_subtotal / value)
        self.assertAlmostEqual(by_line[mug_line.id],
                               whole * mug_line.price_subtotal / value)
        # the report's refunds are the credit notes' untaxed amounts, all of them
        self.assertAlmostEqual(sum(by_line.values()), refund.amount_untaxed)
        self.assertAlmostEqual(order.amount_refunded, refund.amount_total)
