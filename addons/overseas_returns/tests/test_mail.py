import re

from odoo.tests.common import HttpCase, post_install, at_install

from .common import ReturnsCase, pending_jobs, run_mail_jobs


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
        """Queued e-mails to the customer about ``order`` whose subject has ``word``
        (once the jobs rendering them have run)."""
        run_mail_jobs(self.env, order)
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

    def test_mail_rendered_by_a_job_not_in_the_step(self):
        """Approve answers without rendering the slip: one job per return and kind."""
        order = self._create_order()
        order.sudo(self.manager).action_approve()
        Mail = self.env['mail.mail']
        domain = [('model', '=', order._name), ('res_id', '=', order.id)]
        self.assertFalse(Mail.search(domain), 'nothing rendered inside the approval')
        jobs = pending_jobs(self.env, 'root.overseas_mail', order)
        self.assertEqual(len(jobs), 1)
        self.assertIn('approved', order.mail_sent_kinds)
        # asked again (a retried request, a second click): still one job
        order._send_status_mail('approved')
        self.assertEqual(pending_jobs(self.env, 'root.overseas_mail', order), jobs)
        self.assertEqual(len(run_mail_jobs(self.env, order)), 1)
        self.assertEqual(len(Mail.search(domain)), 1)
        self.assertEqual(jobs.state, 'done')

    def test_queued_job_has_no_chatter_until_it_fails(self):
        """A job is stored without a "created" message or a follower (the step that
        queues it pays for neither); a failure still reaches the job managers."""
        order = self._create_order()
        order.sudo(self.manager).action_approve()
        job_record = pending_jobs(self.env, 'root.overseas_mail', order)
        self.assertEqual(len(job_record), 1)
        self.assertFalse(job_record.message_ids)
        self.assertFalse(job_record.message_follower_ids)
        job_record.write({'state': 'failed'})
        self.assertIn(self.env.ref('base.user_root').partner_id,
                      job_record.message_follower_ids.mapped('partner_id'))
        self.assertTrue(job_record.message_ids)

    def test_failed_job_forgets_the_mail_for_a_later_send(self):
        template = self.env.ref('overseas_returns.overseas_return_mail_template_received')
        body = template.body_html
        template.body_html = '<p>${object.no_such_field.oops}</p>'
        order = self._create_received()
        run_mail_jobs(self.env, order)
        self.assertFalse(self._mails(order, 'received'))
        self.assertNotIn('received', order.mail_sent_kinds or '')
        self.assertTrue(order.message_ids.filtered(
            lambda message: 'could not be sent' in (message.body or '')))
        template.body_html = body
        order._send_status_mail('received')
        self.assertEqual(len(self._mails(order, 'received')), 1)

    def test_web_client_notification_still_reaches_an_inbox_user(self):
        """res_partner.py skips formatting a message for nobody; someone who reads
        notifications in Odoo (inbox) still gets them on the bus."""
        self.manager.notification_type = 'inbox'
        order = self._create_order()
        Bus = self.env['bus.bus']
        last = Bus.search([], order='id desc', limit=1).id or 0
        order.message_post(body='Parcel opened at the bench',
                           partner_ids=[self.manager.partner_id.id],
                           subtype='mail.mt_comment')
        sent = Bus.search([('id', '>', last)]).filtered(
            lambda bus: 'ir.needaction' in bus.channel
            and str(self.manager.partner_id.id) in bus.channel)
        self.assertEqual(len(sent), 1)
        self.assertIn('Parcel opened at the bench', sent.message)
        # a note for nobody notifies nobody
        last = Bus.search([], order='id desc', limit=1).id or 0
        order.message_post(body='Shelf B-12', subtype='mail.mt_note')
        self.assertFalse(Bus.search([('id', '>', last)]).filtered(
            lambda bus: 'ir.needaction' in bus.channel))

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
        # the rating links carry the token of the customer's pending rating.rating
        rating = self.env['rating.rating'].search([
            ('res_model', '=', order._name), ('res_id', '=', order.id)])
        self.assertEqual(len(rating), 1, 'one rating request, one token for all links')
        self.assertEqual(rating.partner_id, self.customer)
        self.assertFalse(rating.consumed)
        for level in ('1', '2', '3', '4', '5'):
            self.assertIn('/returns/feedback/%s/%s' % (rating.access_token, level),
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
        self.partner = self.env['res.partner'].create({'name': 'Feedback Buyer',
                                                       'email': 'fb@example.com'})
        product = self.env['product.product'].create({'name': 'Feedback Lamp',
                                                      'type': 'product'})
        self.order = self.env['overseas.return.order'].with_context(
            tracking_disable=True).create({
                'partner_id': self.partner.id, 'warehouse_id': warehouse.id,
                'line_ids': [(0, 0, {'product_id': product.id, 'product_qty': 1.0})]})
        self.order.write({'state': 'done'})
        # the token of the links of the 'return done' e-mail (rating.mixin)
        self.token = self.order.rating_get_access_token(self.partner)
        self.rating = self.env['rating.rating'].search([('access_token', '=', self.token)])
        # a test cursor's commit only moves its savepoint (each request rolls back
        # to it); everything is rolled back when the test leaves the registry's test mode
        self.env.cr.commit()  # pylint: disable=invalid-commit

    def url_open(self, url, data=None, timeout=60):
        # the first page of a test compiles the frontend assets (lessc), in the test
        # transaction that is rolled back after it: Odoo's 10 s are too short for that
        return super(TestFeedbackController, self).url_open(url, data=data, timeout=timeout)

    def _refresh(self):
        self.env.clear()
        return self.order, self.rating

    def test_rating_and_comment_stored(self):
        response = self.url_open('/returns/feedback/%s/4' % self.token)
        self.assertEqual(response.status_code, 200, response.text[:3000])
        order, rating = self._refresh()
        # a rating.rating of the return, as Odoo's rating module keeps it
        self.assertEqual(rating.res_model, 'overseas.return.order')
        self.assertEqual(rating.res_id, order.id)
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.rating, 7.0, 'level 4 of 5 on the 0..10 scale')
        self.assertEqual(order.rating_ids, rating)
        self.assertEqual(order.rating_count, 1)
        self.assertEqual(order.feedback_rating, '4')
        self.assertTrue(order.feedback_date)
        # rating_apply posted it in the chatter, as the customer
        posted = order.message_ids.filtered(lambda m: 'rating_7' in (m.body or ''))
        self.assertEqual(posted.author_id, self.partner)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        response = self.url_open(
            '/returns/feedback/%s/comment' % self.token,
            data={'comment': 'Quick and friendly.', 'csrf_token': csrf})
        self.assertEqual(response.status_code, 200)
        order, rating = self._refresh()
        self.assertEqual(rating.feedback, 'Quick and friendly.')
        self.assertEqual(rating.rating, 7.0)
        self.assertTrue(rating.consumed)
        self.assertEqual(order.feedback_comment, 'Quick and friendly.')
        self.assertEqual(order.feedback_rating, '4')
        self.assertTrue(order.message_ids.filtered(
            lambda m: 'Quick and friendly.' in (m.body or '')))
        # a second comment is not lost without a word: the page says the first is kept
        response = self.url_open(
            '/returns/feedback/%s/comment' % self.token,
            data={'comment': 'Second thoughts.', 'csrf_token': csrf})
        self.assertEqual(response.status_code, 200)
        self.assertIn('We have your comment already', response.text)
        order, rating = self._refresh()
        self.assertEqual(rating.feedback, 'Quick and friendly.')

    def test_wrong_token_refused(self):
        url = '/returns/feedback/%s/%s'
        response = self.url_open(url % ('not-the-token', 4))
        self.assertEqual(response.status_code, 404)
        # a page that says so, not the server's bare one
        self.assertIn('This feedback link is not valid', response.text)
        response = self.url_open(url % (self.token, 9))
        self.assertEqual(response.status_code, 404)
        self.assertIn('This feedback link is not valid', response.text)
        order, rating = self._refresh()
        self.assertFalse(rating.consumed)
        self.assertFalse(order.feedback_rating)
        # a used token: the first click counts; the next ones show that rating
        self.assertEqual(self.url_open(url % (self.token, 2)).status_code, 200)
        response = self.url_open(url % (self.token, 5))
        self.assertEqual(response.status_code, 200)
        self.assertIn('<span>2</span> / 5', response.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)
        response = self.url_open('/returns/feedback/not-the-token/comment',
                                 data={'comment': 'Hello', 'csrf_token': csrf})
        self.assertEqual(response.status_code, 404)
        self.assertIn('This feedback link is not valid', response.text)
        order, rating = self._refresh()
        self.assertEqual(rating.rating, 3.0)
        self.assertEqual(order.feedback_rating, '2')
        self.assertEqual(len(order.rating_ids), 1)

    def test_open_return_refused(self):
        """The links only work once the return is done."""
        self.order.write({'state': 'inspected'})
        self.env.cr.commit()  # pylint: disable=invalid-commit
        response = self.url_open('/returns/feedback/%s/5' % self.token)
        self.assertEqual(response.status_code, 404)
        order, rating = self._refresh()
        self.assertFalse(rating.consumed)
        self.assertFalse(order.feedback_rating)
