import base64
import math

from odoo import _, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import float_compare, float_is_zero, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

SLIP_REPORT = 'overseas_returns.action_report_return_slip'
# photos larger than this are refused (bytes), and more than this many
MAX_PHOTO_SIZE = 10 * 1024 * 1024
MAX_PHOTOS = 5
# what a customer may attach, recognised by its first bytes (no SVG, HTML...)
PHOTO_SIGNATURES = (
    (b'\xff\xd8\xff', 'image/jpeg', 'jpg'),
    (b'\x89PNG\r\n\x1a\n', 'image/png', 'png'),
    (b'GIF87a', 'image/gif', 'gif'),
    (b'GIF89a', 'image/gif', 'gif'),
    (b'%PDF-', 'application/pdf', 'pdf'),
)


def photo_kind(content):
    """(mimetype, extension) of an image or PDF by its content, else None."""
    for signature, mimetype, extension in PHOTO_SIGNATURES:
        if content.startswith(signature):
            return mimetype, extension
    if content[:4] == b'RIFF' and content[8:12] == b'WEBP':
        return 'image/webp', 'webp'
    return None


class ReturnsPortal(CustomerPortal):
    """The customer's own returns on /my: list, detail, return slip and requests."""

    def _returns_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [('partner_id', 'child_of', [partner.id])]

    def _returns_model(self):
        """Read as the user when the user has the rights (portal users, through their
        record rules); other users see their own returns through the explicit domain."""
        Return = request.env['overseas.return.order']
        if not Return.check_access_rights('read', raise_exception=False):
            Return = Return.sudo()
        return Return

    def _prepare_portal_layout_values(self):
        values = super(ReturnsPortal, self)._prepare_portal_layout_values()
        values['overseas_return_count'] = self._returns_model().search_count(
            self._returns_domain())
        return values

    def _return_check_access(self, order_id):
        """The return, as superuser, if it belongs to the user's commercial partner."""
        order = request.env['overseas.return.order'].sudo().browse(order_id).exists()
        partner = request.env.user.partner_id.commercial_partner_id
        if not order or order.partner_id.commercial_partner_id != partner:
            return None
        return order

    def _slip_report(self):
        return request.env.ref(SLIP_REPORT, raise_if_not_found=False)

    @staticmethod
    def _slip_allowed(order):
        """The slip tells the customer where to send the parcel: only once we have
        approved the return, and until the parcel is received."""
        return order.state == 'approved'

    # ------------------------------------------------------------------ list and detail
    @http.route(['/my/returns', '/my/returns/page/<int:page>'], type='http', auth='user',
                website=True)
    def portal_my_returns(self, page=1, sortby=None, **kw):
        values = self._prepare_portal_layout_values()
        Return = self._returns_model()
        domain = self._returns_domain()
        searchbar_sortings = {
            'date': {'label': _('Newest'), 'order': 'create_date desc, id desc'},
            'name': {'label': _('Reference'), 'order': 'name desc'},
            'stage': {'label': _('Status'), 'order': 'state, id desc'},
        }
        if sortby not in searchbar_sortings:
            sortby = 'date'
        pager = portal_pager(
            url='/my/returns', url_args={'sortby': sortby},
            total=Return.search_count(domain), page=page, step=self._items_per_page)
        orders = Return.search(domain, order=searchbar_sortings[sortby]['order'],
                               limit=self._items_per_page, offset=pager['offset'])
        values.update({
            'overseas_returns': orders.sudo(),
            'page_name': 'overseas_return',
            'pager': pager,
            'default_url': '/my/returns',
            'searchbar_sortings': searchbar_sortings,
            'sortby': sortby,
            'state_labels': self._state_labels(),
        })
        return request.render('overseas_returns.portal_my_returns', values)

    def _return_not_found(self):
        """Another customer's return, or none: a 404 that says so in the portal."""
        values = self._prepare_portal_layout_values()
        values['page_name'] = 'overseas_return'
        return request.render('overseas_returns.portal_return_not_found', values,
                              status=404)

    def _state_labels(self):
        field = request.env['overseas.return.order']._fields['state']
        return dict(field._description_selection(request.env))

    @http.route(['/my/returns/<int:order_id>'], type='http', auth='user', website=True)
    def portal_return_page(self, order_id, message=None, **kw):
        order = self._return_check_access(order_id)
        if order is None:
            return self._return_not_found()
        values = self._prepare_portal_layout_values()
        refund_field = order._fields['refund_state']
        values.update({
            'overseas_return': order,
            'page_name': 'overseas_return',
            'timeline': order._portal_timeline(),
            'state_labels': self._state_labels(),
            'refund_state_label': dict(
                refund_field._description_selection(request.env)).get(order.refund_state),
            'slip_available': bool(self._slip_report()) and self._slip_allowed(order),
            'requested': message == 'requested',
            'no_slip': message == 'no_slip',
        })
        return request.render('overseas_returns.portal_return_page', values)

    @http.route(['/my/returns/<int:order_id>/slip'], type='http', auth='user',
                website=True)
    def portal_return_slip(self, order_id, **kw):
        order = self._return_check_access(order_id)
        report = self._slip_report()
        if order is None:
            return self._return_not_found()
        if not report or not self._slip_allowed(order):
            # the customer's own return, not (or no longer) waiting for its parcel
            # (or no slip report on this server): its page says when the slip is there
            return request.redirect('/my/returns/%s?message=no_slip' % order.id)
        pdf = report.sudo().render_qweb_pdf([order.id])[0]
        filename = '%s.pdf' % order.name.replace('/', '_')
        return request.make_response(pdf, headers=[
            ('Content-Type', 'application/pdf'),
            ('Content-Length', len(pdf)),
            ('Content-Disposition', 'attachment; filename="%s"' % filename),
        ])

    # ------------------------------------------------------------------ requests
    def _customer_sale(self, sale_id):
        """The confirmed sale order, as superuser, if it is the user's own."""
        try:
            sale_id = int(sale_id)
        except (TypeError, ValueError):
            return None
        sale = request.env['sale.order'].sudo().browse(sale_id).exists()
        partner = request.env.user.partner_id.commercial_partner_id
        if not sale or sale.partner_id.commercial_partner_id != partner or \
                sale.state not in ('sale', 'done'):
            return None
        return sale

    def _returnable_sales(self):
        partner = request.env.user.partner_id.commercial_partner_id
        sales = request.env['sale.order'].sudo().search([
            ('partner_id', 'child_of', [partner.id]), ('state', 'in', ('sale', 'done'))],
            limit=100)
        Return = request.env['overseas.return.order'].sudo()
        return sales.filtered(lambda sale: Return._prepare_lines_from_sale(sale))

    def _request_form_values(self, sale, error=None, post=None):
        Return = request.env['overseas.return.order'].sudo()
        lines = []
        if sale:
            sale_lines = request.env['sale.order.line'].sudo()
            for vals in Return._prepare_lines_from_sale(sale):
                lines.append({
                    'sale_line': sale_lines.browse(vals['sale_line_id']),
                    'available': vals['product_qty'],
                })
        return {
            'page_name': 'overseas_return_new',
            'sale': sale,
            'sales': not sale and self._returnable_sales() or [],
            'lines': lines,
            'reasons': request.env['overseas.return.reason'].sudo().search([]),
            'error': error,
            'post': post or {},
        }

    @http.route(['/my/returns/new'], type='http', auth='user', methods=['GET'],
                website=True)
    def portal_return_new(self, order=None, **kw):
        values = self._prepare_portal_layout_values()
        sale = None
        error = None
        if order:
            sale = self._customer_sale(order)
            if sale is None:
                error = _('This order cannot be found among your orders.')
            elif not request.env['overseas.return.order'].sudo() \
                    ._prepare_lines_from_sale(sale):
                error = _('Nothing delivered on %(order)s is left to return.') % {
                    'order': sale.name}
        values.update(self._request_form_values(sale, error=error))
        return request.render('overseas_returns.portal_return_request', values)

    @http.route(['/my/returns/new'], type='http', auth='user', methods=['POST'],
                website=True)
    def portal_return_create(self, order=None, **post):
        sale = self._customer_sale(order)
        if sale is None:
            return self._render_request_error(
                None, _('This order cannot be found among your orders.'), post)
        try:
            line_vals = self._parse_request_lines(sale, post)
            self._set_request_reasons(line_vals, post)
        except UserError as exc:
            return self._render_request_error(sale, exc.name, post)
        comment = (post.get('comment') or '').strip()
        for vals in line_vals:
            vals.update(customer_note=comment or False)
        try:
            with request.env.cr.savepoint():
                return_order = self._create_request(sale, line_vals, comment)
        except (UserError, ValidationError) as exc:
            return self._render_request_error(sale, exc.name, post)
        return request.redirect('%s?message=requested' % return_order.portal_url)

    def _render_request_error(self, sale, error, post):
        values = self._prepare_portal_layout_values()
        values.update(self._request_form_values(sale, error=error, post=post))
        return request.render('overseas_returns.portal_return_request', values)

    def _parse_request_lines(self, sale, post):
        """Line values of the chosen lines; UserError on any quantity out of bounds."""
        Return = request.env['overseas.return.order'].sudo()
        available = {vals['sale_line_id']: vals for vals in Return._prepare_lines_from_sale(sale)}
        digits = request.env['decimal.precision'].precision_get('Product Unit of Measure')
        chosen = []
        for sale_line_id, vals in available.items():
            if not post.get('select_%d' % sale_line_id):
                continue
            sale_line = request.env['sale.order.line'].sudo().browse(sale_line_id)
            raw = (post.get('qty_%d' % sale_line_id) or '').strip().replace(',', '.')
            try:
                qty = float(raw)
            except ValueError:
                qty = float('nan')
            if not math.isfinite(qty):  # "nan", "inf", "1e999" parse as floats
                raise UserError(_('The quantity of %(product)s is not a number.') % {
                    'product': sale_line.product_id.display_name})
            if float_is_zero(qty, precision_digits=digits) or qty < 0:
                raise UserError(_('The quantity of %(product)s must be above 0.') % {
                    'product': sale_line.product_id.display_name})
            if float_compare(qty, vals['product_qty'], precision_digits=digits) > 0:
                raise UserError(_(
                    'You can return at most %(qty)s of %(product)s.') % {
                    'qty': vals['product_qty'],
                    'product': sale_line.product_id.display_name})
            chosen.append(dict(vals, product_qty=qty))
        unknown = [key for key in post if key.startswith('select_') and
                   key[len('select_'):].isdigit() and
                   int(key[len('select_'):]) not in available]
        if unknown:
            raise UserError(_('Some of the chosen products cannot be returned any more.'))
        if not chosen:
            raise UserError(_('Choose at least one product to return.'))
        return chosen

    def _parse_request_reason(self, post, key='reason_id'):
        """The active reason posted under ``key``, else an empty recordset."""
        Reason = request.env['overseas.return.reason'].sudo()
        try:
            reason = Reason.browse(int(post.get(key) or 0)).exists()
        except ValueError:
            reason = Reason
        return reason if reason and reason.active else Reason

    def _set_request_reasons(self, line_vals, post):
        """A reason per chosen line (``reason_<sale line id>``); ``reason_id``, when
        posted, is the reason of the lines without their own (older forms, API).
        UserError naming the product when a line has none."""
        default = self._parse_request_reason(post)
        sale_lines = request.env['sale.order.line'].sudo()
        for vals in line_vals:
            reason = self._parse_request_reason(
                post, 'reason_%d' % vals['sale_line_id']) or default
            if not reason:
                raise UserError(_('Tell us why you return %(product)s.') % {
                    'product': sale_lines.browse(vals['sale_line_id'])
                    .product_id.display_name})
            vals['reason_id'] = reason.id

    def _prepare_request_vals(self, sale, line_vals):
        # ``sale`` is read as superuser (see _customer_sale): its warehouse, company
        # and invoices are not all readable by the customer
        values = request.env['overseas.return.order']._prepare_vals_from_sale(
            sale, line_vals)
        channel = request.env.ref('overseas_returns.channel_own_shop',
                                  raise_if_not_found=False)
        values.update(channel_id=channel.id if channel else False,
                      user_id=sale.user_id.id)
        return values

    def _create_request(self, sale, line_vals, comment):
        """The return, created as the customer themselves: the record rules and
        ``_check_portal_request`` let them create nothing but a draft return of their
        own order; approval rules and e-mails then name them as the author."""
        values = self._prepare_request_vals(sale, line_vals)
        # the reference is drawn by create(), not chosen by the caller
        Return = request.env['overseas.return.order'].with_context(mail_create_nolog=True)
        return_order = Return.create(values)
        attachments = self._save_photos(return_order)
        body = _('Return requested by the customer on the portal.')
        return_order.message_post(
            body=comment and '<p>%s</p>%s' % (body, plaintext2html(comment)) or body,
            attachment_ids=attachments.ids,
            subtype='mail.mt_note')
        return return_order

    def _save_photos(self, return_order):
        # sudo: attaching files to a record needs write access to it, which
        # customers do not have; the photos go to their own new return only
        Attachment = request.env['ir.attachment'].sudo()
        attachments = Attachment
        uploads = [upload for upload in request.httprequest.files.getlist('photos')
                   if upload and upload.filename]
        if len(uploads) > MAX_PHOTOS:
            raise UserError(_('Attach at most %(max)s photos.') % {'max': MAX_PHOTOS})
        for upload in uploads:
            content = upload.read(MAX_PHOTO_SIZE + 1)
            if not content:
                continue
            if len(content) > MAX_PHOTO_SIZE:
                raise UserError(_('The photo %(name)s is larger than 10 MB.') % {
                    'name': upload.filename})
            kind = photo_kind(content)
            if not kind:
                raise UserError(_('%(name)s is not a photo: attach JPEG, PNG, GIF or WebP '
                                  'images or a PDF.') % {'name': upload.filename})
            mimetype, extension = kind
            # the stored name and type come from the content, never from the upload:
            # staff open these files in the browser
            stem = upload.filename.rsplit('.', 1)[0][:100] or 'photo'
            attachments |= Attachment.create({
                'name': '%s.%s' % (stem, extension),
                'datas_fname': '%s.%s' % (stem, extension),
                'mimetype': mimetype,
                'datas': base64.b64encode(content),
                'res_model': 'overseas.return.order',
                'res_id': return_order.id,
            })
        return attachments
