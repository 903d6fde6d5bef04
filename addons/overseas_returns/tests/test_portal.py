import re

import odoo.tests.common as common
from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, ValidationError
from odoo.tests.common import HttpCase, at_install, post_install

from .common import run_mail_jobs, set_done


# a PNG's signature and some bytes: what the photo check looks at
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 32


@at_install(False)
@post_install(True)
class TestReturnsPortal(HttpCase):
    """Customers follow and request their own returns on /my."""

    def setUp(self):
        super(TestReturnsPortal, self).setUp()
        # Odoo 11's HttpCase opens its own cursor before the registry enters test mode:
        # build the fixtures on the test cursor that the HTTP requests use, so that they
        # see them (leave_test_mode rolls it back at the end of each test)
        http_cr, own_cr, own_env = self.registry.test_cr, self.cr, self.env

        @self.addCleanup
        def restore_cursor():
            self.cr, self.env = own_cr, own_env

        self.cr = http_cr
        self.env = api.Environment(self.cr, SUPERUSER_ID, dict(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
        if not self.env.user.email:
            self.env.user.email = 'admin@example.com'
        self.Return = self.env['overseas.return.order']
        self.warehouse = self.env.ref('stock.warehouse0')
        self.product = self.env['product.product'].create({
            'name': 'Portal Test Lamp', 'default_code': 'PTL-01', 'type': 'product',
            'list_price': 25.0})
        self.env['stock.quant']._update_available_quantity(
            self.product, self.warehouse.lot_stock_id, 20.0)
        self.reason = self.env.ref('overseas_returns.reason_manufacturing_defect')
        portal = self.env.ref('base.group_portal')
        Users = self.env['res.users'].with_context(no_reset_password=True)
        self.user_a, self.user_b = [Users.create({
            'name': name, 'login': login, 'password': login, 'email': '%s@example.com' % login,
            'groups_id': [(6, 0, [portal.id])]}) for name, login in (
                ('Alice Portal', 'ort_portal_a'), ('Bob Portal', 'ort_portal_b'))]
        self.sale_a = self._delivered_sale(self.user_a.partner_id, 3.0, 2.0)
        self.sale_b = self._delivered_sale(self.user_b.partner_id, 1.0, 1.0)

    def _delivered_sale(self, partner, ordered, delivered):
        sale = self.env['sale.order'].create({
            'partner_id': partner.id,
            'client_order_ref': 'CUST-REF-%s' % partner.name[0],
            'warehouse_id': self.warehouse.id,
            'order_line': [(0, 0, {'product_id': self.product.id,
                                   'product_uom_qty': ordered, 'price_unit': 24.0})]})
        sale.action_confirm()
        picking = sale.picking_ids
        set_done(picking.move_lines, delivered)
        picking.action_done()
        return sale

    def url_open(self, url, data=None, timeout=60):
        response = super(TestReturnsPortal, self).url_open(url, data=data, timeout=timeout)
        self.env.clear()
        return response

    def _url(self, path):
        return 'http://%s:%s%s' % (common.HOST, common.PORT, path)

    def _form(self, sale):
        response = self.url_open('/my/returns/new?order=%d' % sale.id)
        self.assertEqual(response.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(token, 'the request form has a CSRF token')
        return response, token.group(1)

    def _post(self, data, files=None):
        response = self.opener.post(self._url('/my/returns/new'), data=data, files=files,
                                    timeout=30)
        self.env.clear()
        return response

    def _request_data(self, token, sale, qty='1', reason=None, **extra):
        sale_line = sale.order_line[:1]
        data = {'csrf_token': token, 'order': str(sale.id),
                'select_%d' % sale_line.id: '1', 'qty_%d' % sale_line.id: qty,
                'reason_id': str((reason or self.reason).id), 'comment': 'It flickers.'}
        data.update(extra)
        return data

    # ------------------------------------------------------------------ reading
    def test_owner_sees_list_and_detail(self):
        order = self.Return.create_from_sale_order(self.sale_a)
        self.authenticate('ort_portal_a', 'ort_portal_a')
        home = self.url_open('/my/home')
        self.assertEqual(home.status_code, 200)
        self.assertIn('/my/returns', home.text)
        listing = self.url_open('/my/returns')
        self.assertEqual(listing.status_code, 200)
        self.assertIn(order.name, listing.text)
        detail = self.url_open('/my/returns/%d' % order.id)
        self.assertEqual(detail.status_code, 200)
        self.assertIn(order.name, detail.text)
        self.assertIn('o_return_timeline', detail.text)
        self.assertIn('Portal Test Lamp', detail.text)
        # the customer knows the order by the sale order's name, not by their own
        # reference the return keeps in origin_ref
        self.assertIn(self.sale_a.name, listing.text)
        self.assertIn(self.sale_a.name, detail.text)
        self.assertNotIn('CUST-REF-A', listing.text)
        self.assertNotIn('CUST-REF-A', detail.text)

    def test_home_offers_returns_before_the_first_one(self):
        """/my lists Returns (and a way to request one) before any return exists."""
        self.assertFalse(self.Return.search([
            ('partner_id', 'child_of', self.user_a.partner_id.id)]))
        self.authenticate('ort_portal_a', 'ort_portal_a')
        home = self.url_open('/my/home')
        self.assertEqual(home.status_code, 200)
        self.assertIn('o_portal_my_returns', home.text)
        self.assertIn('href="/my/returns"', home.text)
        self.assertIn('href="/my/returns/new"', home.text)
        listing = self.url_open('/my/returns')
        self.assertEqual(listing.status_code, 200)
        self.assertIn('You have no returns yet.', listing.text)
        self.assertIn('/my/returns/new', listing.text)

    def test_slip_only_after_approval(self):
        """The slip tells where to send the parcel: not offered (nor served) for a
        request we have not approved yet."""
        slip_report = self.env.ref('overseas_returns.action_report_return_slip',
                                   raise_if_not_found=False)
        if not slip_report:
            self.skipTest('the slip report is not installed')
        order = self.Return.create_from_sale_order(self.sale_a)
        self.authenticate('ort_portal_a', 'ort_portal_a')
        slip_url = '/my/returns/%d/slip' % order.id
        detail = self.url_open('/my/returns/%d' % order.id)
        self.assertNotIn(slip_url, detail.text)
        # not served: the return's page says when the slip is there
        refused = self.url_open(slip_url)
        self.assertEqual(refused.status_code, 200)
        self.assertIn('/my/returns/%d' % order.id, refused.url)
        self.assertIn('o_return_no_slip', refused.text)
        self.assertNotIn('%PDF', refused.text)
        self.assertEqual(order.state, 'draft', 'nothing changed')
        order.line_ids.write({'reason_id': self.reason.id})
        order.action_approve()
        # the customer's next visit (in Odoo's test mode a session's requests may
        # read what the earlier ones cached)
        self.authenticate('ort_portal_a', 'ort_portal_a')
        detail = self.url_open('/my/returns/%d' % order.id)
        self.assertIn(slip_url, detail.text)
        slip = self.url_open(slip_url)
        # (Odoo's test mode renders reports as HTML: the PDF itself is checked by
        # tests/test_portal_browser.py against a real server)
        self.assertEqual(slip.status_code, 200)
        self.assertIn(order.name, slip.content.decode('utf-8', 'replace'))

    def test_slip_without_the_slip_report_opens_the_return(self):
        """A server whose slip report was removed: the customer's own approved return
        opens its page, saying when the slip is there (not "not in your account")."""
        slip_report = self.env.ref('overseas_returns.action_report_return_slip',
                                   raise_if_not_found=False)
        if not slip_report:
            self.skipTest('the slip report is not installed')
        order = self.Return.create_from_sale_order(self.sale_a)
        order.line_ids.write({'reason_id': self.reason.id})
        order.action_approve()
        slip_report.unlink()
        self.authenticate('ort_portal_a', 'ort_portal_a')
        refused = self.url_open('/my/returns/%d/slip' % order.id)
        self.assertEqual(refused.status_code, 200)
        self.assertIn('/my/returns/%d' % order.id, refused.url)
        self.assertIn('o_return_no_slip', refused.text)
        self.assertNotIn('This return is not in your account.', refused.text)

    def test_timeline_dates(self):
        order = self.Return.create_from_sale_order(self.sale_a)
        # the state write stamps the date, whichever action makes it
        order.write({'state': 'approved'})
        self.assertTrue(order.date_approved)
        steps = order._portal_timeline()
        self.assertEqual([step['state'] for step in steps],
                         ['draft', 'approved', 'received', 'inspected', 'done'])
        self.assertEqual([step['reached'] for step in steps],
                         [True, True, False, False, False])
        self.assertTrue(steps[1]['current'])
        self.assertEqual(order.portal_url, '/my/returns/%d' % order.id)

    def test_other_customer_is_refused(self):
        order = self.Return.create_from_sale_order(self.sale_a)
        # the record rules alone keep customers apart
        self.assertFalse(self.Return.sudo(self.user_b).search([('id', '=', order.id)]))
        self.assertEqual(self.Return.sudo(self.user_a).search([]), order)
        with self.assertRaises(AccessError):
            order.sudo(self.user_b).read(['name'])
        with self.assertRaises(AccessError):
            order.line_ids.sudo(self.user_b).read(['product_qty'])
        self.authenticate('ort_portal_b', 'ort_portal_b')
        detail = self.url_open('/my/returns/%d' % order.id)
        self.assertEqual(detail.status_code, 404)
        self.assertNotIn(order.name, detail.text)
        # in the portal's own page, saying so, with the way back to the customer's list
        self.assertIn('This return is not in your account.', detail.text)
        self.assertIn('href="/my/returns"', detail.text)
        slip = self.url_open('/my/returns/%d/slip' % order.id)
        self.assertEqual(slip.status_code, 404)
        self.assertIn('This return is not in your account.', slip.text)
        gone = self.url_open('/my/returns/%d' % (order.id + 100000))
        self.assertEqual(gone.status_code, 404)
        self.assertIn('This return is not in your account.', gone.text)
        listing = self.url_open('/my/returns')
        self.assertEqual(listing.status_code, 200)
        self.assertNotIn(order.name, listing.text)

    def test_sale_order_page_offers_a_return(self):
        self.authenticate('ort_portal_a', 'ort_portal_a')
        page = self.url_open('/my/orders/%d?access_token=%s'
                             % (self.sale_a.id, self.sale_a.access_token))
        self.assertEqual(page.status_code, 200)
        self.assertIn('/my/returns/new?order=%d' % self.sale_a.id, page.text)
        choose = self.url_open('/my/returns/new')
        self.assertEqual(choose.status_code, 200)
        self.assertIn(self.sale_a.name, choose.text)
        self.assertNotIn(self.sale_b.name, choose.text)

    def test_request_has_a_reason_per_line(self):
        """Each product of the request has its own reason; a product without one
        is refused with its name, and nothing is created."""
        second = self.env['product.product'].create({
            'name': 'Portal Test Shade', 'type': 'product', 'list_price': 10.0})
        self.env['stock.quant']._update_available_quantity(
            second, self.warehouse.lot_stock_id, 5.0)
        sale = self.env['sale.order'].create({
            'partner_id': self.user_a.partner_id.id, 'warehouse_id': self.warehouse.id,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 1.0,
                                   'price_unit': 20.0}) for product in (self.product, second)]})
        sale.action_confirm()
        set_done(sale.picking_ids.move_lines, 1.0)
        sale.picking_ids.action_done()
        lamp_line, shade_line = sale.order_line
        damaged = self.env.ref('overseas_returns.reason_changed_mind')
        self.authenticate('ort_portal_a', 'ort_portal_a')
        form, token = self._form(sale)
        self.assertIn('name="reason_%d"' % lamp_line.id, form.text)
        self.assertIn('name="reason_%d"' % shade_line.id, form.text)
        data = {'csrf_token': token, 'order': str(sale.id)}
        for line in (lamp_line, shade_line):
            data.update({'select_%d' % line.id: '1', 'qty_%d' % line.id: '1'})
        missing = dict(data, **{'reason_%d' % lamp_line.id: str(self.reason.id)})
        response = self._post(missing)
        self.assertIn('o_return_request_error', response.text)
        self.assertIn('Portal Test Shade', response.text)
        self.assertFalse(self.Return.search([('sale_order_id', '=', sale.id)]))
        data.update({'reason_%d' % lamp_line.id: str(self.reason.id),
                     'reason_%d' % shade_line.id: str(damaged.id)})
        response = self._post(data)
        self.assertEqual(response.status_code, 200)
        order = self.Return.search([('sale_order_id', '=', sale.id)])
        self.assertEqual(len(order.line_ids), 2)
        reasons = {line.product_id: line.reason_id for line in order.line_ids}
        self.assertEqual(reasons, {self.product: self.reason, second: damaged})

    # ------------------------------------------------------------------ requesting
    def test_request_lands_as_draft(self):
        self.authenticate('ort_portal_a', 'ort_portal_a')
        form, token = self._form(self.sale_a)
        self.assertIn('Portal Test Lamp', form.text)
        response = self._post(self._request_data(token, self.sale_a, qty='2'),
                              files=[('photos', ('lamp.png', PNG, 'image/png'))])
        self.assertEqual(response.status_code, 200)
        order = self.Return.search([('sale_order_id', '=', self.sale_a.id)])
        self.assertEqual(len(order), 1)
        self.assertIn('/my/returns/%d' % order.id, response.url)
        self.assertIn('o_return_requested', response.text)
        self.assertEqual(order.state, 'draft')
        self.assertEqual(order.partner_id, self.user_a.partner_id)
        self.assertEqual(order.channel_id, self.env.ref('overseas_returns.channel_own_shop'))
        self.assertEqual(order.line_ids.product_id, self.product)
        self.assertEqual(order.line_ids.product_qty, 2.0)
        self.assertEqual(order.line_ids.sale_line_id, self.sale_a.order_line)
        self.assertEqual(order.line_ids.reason_id, self.reason)
        self.assertEqual(order.line_ids.customer_note, 'It flickers.')
        attachments = self.env['ir.attachment'].search([
            ('res_model', '=', 'overseas.return.order'), ('res_id', '=', order.id)])
        self.assertEqual(attachments.mapped('datas_fname'), ['lamp.png'])
        # everything delivered is now claimed: nothing more to request
        form = self.url_open('/my/returns/new?order=%d' % self.sale_a.id)
        self.assertIn('o_return_request_error', form.text)

    def test_bad_requests_create_nothing(self):
        self.authenticate('ort_portal_a', 'ort_portal_a')
        _form, token = self._form(self.sale_a)
        line_id = self.sale_a.order_line.id
        bad = [
            # another customer's order
            self._request_data(token, self.sale_b),
            # nothing chosen
            {'csrf_token': token, 'order': str(self.sale_a.id),
             'qty_%d' % line_id: '1', 'reason_id': str(self.reason.id)},
            self._request_data(token, self.sale_a, qty='0'),
            self._request_data(token, self.sale_a, qty='-1'),
            # delivered 2 of 3
            self._request_data(token, self.sale_a, qty='3'),
            self._request_data(token, self.sale_a, qty='two'),
            self._request_data(token, self.sale_a, qty='nan'),
            self._request_data(token, self.sale_a, qty='inf'),
            self._request_data(token, self.sale_a, qty='1e300'),
            self._request_data(token, self.sale_a, reason_id=''),
        ]
        for data in bad:
            response = self._post(data)
            self.assertEqual(response.status_code, 200)
            self.assertIn('o_return_request_error', response.text, data)
            self.assertFalse(self.Return.search([
                ('sale_order_id', 'in', (self.sale_a | self.sale_b).ids)]), data)
        self.assertFalse(self.env['ir.attachment'].search([
            ('res_model', '=', 'overseas.return.order'), ('name', '=', 'lamp.png')]))

    def test_request_is_the_customers_own_action(self):
        """The return is created as the portal user: the notes of the request and of
        the approval rules name the customer as their author."""
        self.env['overseas.return.rule'].create({
            'name': 'Approve portal requests', 'action': 'approve', 'sequence': 1})
        self.env.user.company_id.overseas_mail_approved = True
        self.authenticate('ort_portal_a', 'ort_portal_a')
        _form, token = self._form(self.sale_a)
        response = self._post(self._request_data(token, self.sale_a, qty='1'))
        self.assertEqual(response.status_code, 200)
        order = self.Return.search([('sale_order_id', '=', self.sale_a.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.create_uid, self.user_a)
        self.assertEqual(order.state, 'approved', 'the approval rule decided')
        partner = self.user_a.partner_id
        messages = order.message_ids
        note = messages.filtered(lambda m: 'Approved automatically' in (m.body or ''))
        self.assertEqual(note.author_id, partner)
        request_note = messages.filtered(lambda m: 'requested by the customer' in m.body)
        self.assertEqual(request_note.author_id, partner)
        self.assertFalse(self.env['mail.mail'].search([
            ('model', '=', order._name), ('res_id', '=', order.id)]),
            'the e-mail is rendered by a job, not in the customer\'s request')
        run_mail_jobs(self.env, order)
        mail = self.env['mail.mail'].search([('model', '=', order._name),
                                             ('res_id', '=', order.id)])
        self.assertEqual(len(mail), 1, 'the approved e-mail is queued')
        self.assertEqual(mail.recipient_ids, partner)
        # Odoo never e-mails the author's own address: the responsible signs it
        self.assertEqual(mail.author_id, order.user_id.partner_id)
        self.assertEqual(order.user_id, self.sale_a.user_id)

    def _api_request_vals(self, sale, **extra):
        """A request as the portal page makes it, over the model API."""
        line_vals = self.Return._prepare_lines_from_sale(sale)
        for vals in line_vals:
            vals.update(product_qty=1.0, reason_id=self.reason.id)
        values = self.Return._prepare_vals_from_sale(sale, line_vals)
        values.update(extra)
        return values

    def test_model_api_as_portal_user(self):
        """Over RPC a customer creates only a draft return of their own order, with the
        order's prices and warehouse; anything else is refused and nothing is created."""
        Return = self.Return.sudo(self.user_a)
        other_line = dict(self._api_request_vals(self.sale_b)['line_ids'][0][2])
        price_line = dict(self._api_request_vals(self.sale_a)['line_ids'][0][2],
                          price_unit=99.0)
        too_many = dict(self._api_request_vals(self.sale_a)['line_ids'][0][2],
                        product_qty=3.0)
        bad = [
            # another customer's order, another customer, a state beyond draft: the
            # record rules or the request check, whichever sees it first
            ((AccessError, ValidationError), self._api_request_vals(self.sale_b)),
            ((AccessError, ValidationError), self._api_request_vals(
                self.sale_a, partner_id=self.user_b.partner_id.id)),
            ((AccessError, ValidationError), self._api_request_vals(
                self.sale_a, state='approved')),
            (ValidationError, self._api_request_vals(self.sale_a, sale_order_id=False)),
            (ValidationError, self._api_request_vals(
                self.sale_a, line_ids=[(0, 0, other_line)])),
            (ValidationError, self._api_request_vals(
                self.sale_a, line_ids=[(0, 0, price_line)])),
            (ValidationError, self._api_request_vals(
                self.sale_a, line_ids=[(0, 0, too_many)])),
            (ValidationError, self._api_request_vals(
                self.sale_a, return_method='returnless')),
            # what the warehouse counts, a lot, no reason, our internal note
            (ValidationError, self._api_request_vals(self.sale_a, line_ids=[(0, 0, dict(
                self._api_request_vals(self.sale_a)['line_ids'][0][2],
                qty_received=40.0))])),
            (ValidationError, self._api_request_vals(self.sale_a, line_ids=[(0, 0, dict(
                self._api_request_vals(self.sale_a)['line_ids'][0][2], reason_id=False))])),
            (ValidationError, self._api_request_vals(self.sale_a, note='urgent!')),
        ]
        for error, values in bad:
            with self.assertRaises(error), self.cr.savepoint():
                Return.create(values)
        self.assertFalse(self.Return.search([
            ('partner_id', 'in', (self.user_a.partner_id | self.user_b.partner_id).ids)]))
        order = Return.create(self._api_request_vals(self.sale_a))
        self.assertEqual(order.state, 'draft')
        self.assertEqual(order.sudo().create_uid, self.user_a)
        self.assertEqual(order.line_ids.price_unit, 24.0)
        # no write access: the customer cannot change the request afterwards
        with self.assertRaises(AccessError), self.cr.savepoint():
            order.write({'note': 'changed'})
        with self.assertRaises(AccessError), self.cr.savepoint():
            order.line_ids.write({'price_unit': 1.0})
        # nor add a line of another customer's order to it
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env['overseas.return.line'].sudo(self.user_a).create(
                dict(other_line, order_id=order.id))

    def test_customers_read_and_rate_only_their_own_returns(self):
        order_a = self.Return.create(self._api_request_vals(self.sale_a))
        order_b = self.Return.create(self._api_request_vals(self.sale_b))
        Rating = self.env['rating.rating']
        for order in (order_a, order_b):
            order.rating_get_access_token(order.partner_id)
        ratings = Rating.search([('res_model', '=', 'overseas.return.order'),
                                 ('res_id', 'in', (order_a | order_b).ids)])
        self.assertEqual(len(ratings), 2)
        as_a = Rating.sudo(self.user_a)
        seen = as_a.search([('res_model', '=', 'overseas.return.order')])
        self.assertEqual(seen.mapped('res_id'), order_a.ids)
        theirs = ratings.filtered(lambda rating: rating.res_id == order_b.id)
        with self.assertRaises(AccessError):
            theirs.sudo(self.user_a).read(['access_token'])
        mine = ratings - theirs
        with self.assertRaises(AccessError):
            mine.sudo(self.user_a).write({'rating': 10.0})
        with self.assertRaises(AccessError):
            as_a.create({'res_model_id': self.env['ir.model']._get_id(
                'overseas.return.order'), 'res_id': order_b.id, 'rating': 1.0})
        self.assertEqual(theirs.rating, 0.0)

    def test_photos_are_images_by_content(self):
        """An HTML page or an SVG named .png is no photo: it would run in the staff's
        browser. Refused, and the request with it; too many photos too."""
        self.authenticate('ort_portal_a', 'ort_portal_a')
        _form, token = self._form(self.sale_a)
        hostile = [
            [('photos', ('lamp.png', b'<html><script>alert(1)</script></html>',
                         'image/png'))],
            [('photos', ('lamp.svg', b'<svg xmlns="http://www.w3.org/2000/svg" '
                                     b'onload="alert(1)"/>', 'image/svg+xml'))],
            [('photos', ('p%d.png' % index, PNG, 'image/png')) for index in range(6)],
        ]
        for files in hostile:
            response = self._post(self._request_data(token, self.sale_a, qty='1'),
                                  files=files)
            self.assertEqual(response.status_code, 200)
            self.assertIn('o_return_request_error', response.text)
            self.assertFalse(self.Return.search([('sale_order_id', '=', self.sale_a.id)]))
        self.assertFalse(self.env['ir.attachment'].search([
            ('res_model', '=', 'overseas.return.order')]).filtered(
                lambda att: att.mimetype not in ('image/png', 'image/jpeg', 'application/pdf')
                and att.create_uid == self.user_a))
        # a real photo keeps its type from its content, whatever it was called
        response = self._post(self._request_data(token, self.sale_a, qty='1'),
                              files=[('photos', ('lamp.html', PNG, 'text/html'))])
        order = self.Return.search([('sale_order_id', '=', self.sale_a.id)])
        attachment = self.env['ir.attachment'].search([
            ('res_model', '=', 'overseas.return.order'), ('res_id', '=', order.id)])
        self.assertEqual(attachment.mimetype, 'image/png')
        self.assertEqual(attachment.datas_fname, 'lamp.png')

    def test_customers_do_not_read_the_desk_s_fields(self):
        order = self.Return.sudo(self.user_a).browse(
            self.Return.create_from_sale_order(self.sale_a).id)
        for fname in ('note', 'restocking_fee_override', 'user_id', 'mail_sent_kinds'):
            with self.assertRaises(AccessError, msg=fname):
                order.read([fname])
        for fname in ('fault_party', 'disposition', 'inspection_id'):
            with self.assertRaises(AccessError, msg=fname):
                order.line_ids.read([fname])
        # the desk's fields are not even described to a customer
        described = order.fields_get()
        self.assertNotIn('note', described)
        self.assertIn('state', described)
        self.assertEqual(order.read(['state'])[0]['state'], 'draft')
