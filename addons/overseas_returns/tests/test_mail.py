import re

from odoo.tests.common import HttpCase, post_install, at_install

from .common import ReturnsCase


class TestStatusMail(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestStatusMail, cls).setUpClass()
        cls.customer.email = 'jane.buyer@example.com'
        cls.company.write({'overseas_mail_%s' % kind: True for kind in (
            'approved', 'received', 'inspected', 'refunded', 'rejected', 'done')})
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        cls.accountant = Users.create({
            'name': 'Mail Accountant', 'login': 'ort_mail_accountant',
            'email': 'ma@example.com',
            'groups_id': [(6, 0, [cls.env.ref('account.group_account_invoice').id,
                                  cls.env.ref('overseas_returns.group_returns_user').id,
                                  cls.env.ref('base.group_user').id])]})

    def _mails(self, order, word):
        """Queued e-mails to the customer about ``order`` whose subject has ``word``."""
        mails = self.env['mail.mail'].search([
            ('recipient_ids', 'in', self.customer.ids),
            ('model', '=', order._name), ('res_id', '=', order.id)])
        return mails.filtered(lambda mail: order.name in mail.subject
                              and word in mail.subject)

    def _invoice(self, product, qty, price):
        invoice = self.env['account.invoice'].create({
            'partner_id': self.customer.id, 'type': 'out_invoice',
            'invoice_line_ids': [(0, 0, {
                'product_id': product.id, 'name': product.name, 'quantity': qty,
                'price_unit': price,
                'account_id': self.env['account.invoice.line'].get_invoice_line_account(
                    'out_invoice', product, False, self.company).id,
            })]})
        invoice.action_invoice_open()
        return invoice

    def test_approved_mail_once_with_slip(self):
        order = self._create_order()
        order.sudo(self.manager).action_approve()
        mails = self._mails(order, 'approved')
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, 'outgoing', 'queued, not sent at once')
        self.assertIn(order.name, mails.body_html)
        self.assertIn('Pack the goods', mails.body_html)
        self.assertTrue(mails.attachment_ids, 'the return slip is attached')
        self.assertIn('Return Slip', mails.attachment_ids[0].name)
        self.assertIn(mails.mail_message_id, order.message_ids, 'logged in the chatter')
        self.assertEqual(mails.author_id, self.manager.partner_id)
        # cancelled, reopened and approved again: no second e-mail
        order.action_cancel()
        order.action_draft()
        order.action_approve()
        self.assertEqual(len(self._mails(order, 'approved')), 1)

    def test_switch_off_sends_nothing(self):
        self.company.write({'overseas_mail_approved': False,
                            'overseas_mail_received': False})
        order = self._create_received()
        self.assertFalse(self._mails(order, order.name))
        self.assertFalse(order.mail_sent_kinds)

    def test_received_inspected_done(self):
        order = self._create_received()
        self.assertEqual(len(self._mails(order, 'received')), 1)
        self.assertFalse(self._mails(order, 'inspected'))
        self._inspect(order.line_ids, 'A')
        self.assertEqual(order.state, 'inspected')
        mails = self._mails(order, 'inspected')
        self.assertEqual(len(mails), 1)
        self.assertIn('Wireless Earbuds', mails.body_html)
        self.assertIn('A - ', mails.body_html)
        self.assertIn('Restock', mails.body_html)
        order.line_ids.action_dispose()
        self.assertEqual(order.state, 'done')
        self.assertEqual(len(self._mails(order, 'inspected')), 1)
        done = self._mails(order, 'complete')
        self.assertEqual(len(done), 1)
        self.assertTrue(order.feedback_token)
        self.assertIn('/returns/feedback/%s/%s/5' % (order.id, order.feedback_token),
                      done.body_html)

    def test_rejected_mail_tells_why(self):
        order = self._create_order(reject_reason='Bought more than 60 days ago.')
        order.action_reject()
        mails = self._mails(order, 'not accepted')
        self.assertEqual(len(mails), 1)
        self.assertIn('Bought more than 60 days ago.', mails.body_html)
        order.action_draft()
        order.action_reject()
        self.assertEqual(len(self._mails(order, 'not accepted')), 1)

    def test_refunded_mail_amount_and_deductions(self):
        invoice = self._invoice(self.earbuds, 2.0, 100.0)
        order = self._create_order([(self.earbuds, 2.0, self.reason_changed_mind)],
                                   invoice_id=invoice.id, restocking_fee_override=10.0)
        order.action_approve()
        order.action_receive()
        self._inspect(order.line_ids, 'A')
        refund = self.env['account.invoice'].browse(
            order.sudo(self.accountant).action_create_refund())
        self.assertFalse(self._mails(order, 'Refund'), 'a draft credit note is silent')
        refund.sudo(self.accountant).action_invoice_open()
        mails = self._mails(order, 'Refund')
        self.assertEqual(len(mails), 1)
        self.assertIn('%.2f' % refund.amount_total, mails.body_html)
        self.assertIn('200.00', mails.body_html)
        self.assertIn('20.00', mails.body_html)
        self.assertIn('Deduction', mails.body_html)

    def test_slip_renders(self):
        order = self._create_order()
        report = self.env.ref('overseas_returns.action_report_return_slip')
        html = report.render_qweb_html(order.ids)[0]
        html = html.decode() if isinstance(html, bytes) else html
        self.assertIn(order.name, html)
        self.assertIn('Wireless Earbuds', html)
        self.assertIn('Code128', html)


@at_install(False)
@post_install(True)
class TestFeedbackController(HttpCase):

    def setUp(self):
        super(TestFeedbackController, self).setUp()
        # Odoo 11: the HTTP server works on the registry's test cursor, not on self.cr
        self.env = self.env(cr=self.registry.test_cr)
        warehouse = self.env['stock.warehouse'].search([], limit=1)
        partner = self.env['res.partner'].create({'name': 'Feedback Buyer',
                                                  'email': 'fb@example.com'})
        product = self.env['product.product'].create({'name': 'Feedback Lamp',
                                                      'type': 'product'})
        self.order = self.env['overseas.return.order'].with_context(
            tracking_disable=True).create({
                'partner_id': partner.id, 'warehouse_id': warehouse.id,
                'line_ids': [(0, 0, {'product_id': product.id, 'product_qty': 1.0})]})
        self.order.write({'state': 'done'})
        self.order._feedback_ensure_token()
        # a test cursor's commit only moves its savepoint (each request rolls back
        # to it); everything is rolled back when the test leaves the registry's test mode
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def test_rating_and_comment_stored(self):
        order = self.order
        url = '/returns/feedback/%s/%s/%s'
        response = self.url_open(url % (order.id, order.feedback_token, 4))
        self.assertEqual(response.status_code, 200, response.text[:3000])
        order.invalidate_cache()
        self.assertEqual(order.feedback_rating, '4')
        self.assertTrue(order.feedback_date)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        response = self.url_open(
            '/returns/feedback/%s/%s/comment' % (order.id, order.feedback_token),
            data={'comment': 'Quick and friendly.', 'csrf_token': csrf})
        self.assertEqual(response.status_code, 200)
        order.invalidate_cache()
        self.assertEqual(order.feedback_comment, 'Quick and friendly.')

    def test_wrong_token_refused(self):
        order = self.order
        url = '/returns/feedback/%s/%s/%s'
        response = self.url_open(url % (order.id, 'not-the-token', 4))
        self.assertEqual(response.status_code, 404)
        response = self.url_open(url % (order.id, order.feedback_token, 9))
        self.assertEqual(response.status_code, 404)
        order.invalidate_cache()
        self.assertFalse(order.feedback_rating)
