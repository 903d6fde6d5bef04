import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.addons.base.ir.ir_mail_server import MailDeliveryException
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html_escape

from odoo.addons.queue_job.job import job

from .mail_message import returns_mail
from .queue_jobs import delayed

FEEDBACK_RATINGS = [
    ('1', 'Very poor'),
    ('2', 'Poor'),
    ('3', 'Average'),
    ('4', 'Good'),
    ('5', 'Excellent'),
]
# our 5-level scale on rating.rating's 0..10 scale: 1, 5 and 10 are Odoo's own
# (highly dissatisfied, not satisfied, satisfied), 3 and 7 lie between
FEEDBACK_RATING_VALUES = {'1': 1, '2': 3, '3': 5, '4': 7, '5': 10}


_logger = logging.getLogger(__name__)

# status e-mails are rendered by jobs of this channel (odoo.conf [queue_job] channels)
MAIL_CHANNEL = 'root.overseas_mail'


def feedback_level(value):
    """The level of our scale nearest to a rating.rating value (0: not rated)."""
    if not value:
        return False
    return min(FEEDBACK_RATING_VALUES,
               key=lambda level: (abs(FEEDBACK_RATING_VALUES[level] - value), level))

# mail kind -> (mail.template xml id, res.company switch)
MAIL_KINDS = {
    'approved': ('overseas_returns.overseas_return_mail_template_approved',
                 'overseas_mail_approved'),
    'received': ('overseas_returns.overseas_return_mail_template_received',
                 'overseas_mail_received'),
    'inspected': ('overseas_returns.overseas_return_mail_template_inspected',
                  'overseas_mail_inspected'),
    'refunded': ('overseas_returns.overseas_return_mail_template_refunded',
                 'overseas_mail_refunded'),
    'rejected': ('overseas_returns.overseas_return_mail_template_rejected',
                 'overseas_mail_rejected'),
    'done': ('overseas_returns.overseas_return_mail_template_done',
             'overseas_mail_done'),
}


class OverseasReturnNotifyMixin(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): status e-mails to the
    customer and the customer's feedback once a return is done.

    Each kind of e-mail goes out once per return (``mail_sent_kinds`` remembers it),
    rendered by a job, then through Odoo's mail queue, posted in the chatter; each company can switch every
    kind off.
    """

    _name = 'overseas.return.notify.mixin'
    _description = 'Return Notifications'

    mail_sent_kinds = fields.Char(
        readonly=True, copy=False,
        help='Status e-mails already sent to the customer, comma separated.',
        groups='base.group_user')
    reject_reason = fields.Text(
        string='Rejection Reason', copy=False, track_visibility='onchange',
        help='Told to the customer in the rejection e-mail.')
    # the customer's last rating (rating.mixin's rating_ids), stored for reports,
    # filters and group-bys
    feedback_rating = fields.Selection(
        FEEDBACK_RATINGS, compute='_compute_feedback', store=True, compute_sudo=True,
        index=True, help="The customer's last rating of the return.")
    feedback_comment = fields.Text(compute='_compute_feedback', store=True,
                                   compute_sudo=True)
    feedback_date = fields.Datetime(compute='_compute_feedback', store=True,
                                    compute_sudo=True)

    @api.depends('rating_ids.rating', 'rating_ids.consumed', 'rating_ids.feedback')
    def _compute_feedback(self):
        ratings = self.env['rating.rating'].search([
            ('res_model', '=', self._name),
            ('res_id', 'in', [order.id for order in self if isinstance(order.id, int)]),
            ('consumed', '=', True)], order='write_date desc, id desc')
        last = {}
        for rating in ratings:
            last.setdefault(rating.res_id, rating)
        for order in self:
            rating = last.get(order.id)
            order.feedback_rating = rating and feedback_level(rating.rating) or False
            order.feedback_comment = rating and rating.feedback or False
            order.feedback_date = rating and rating.write_date or False

    # ------------------------------------------------------------------ notes
    def _post_created_from(self, record):
        """Note in ``record``'s chatter (a credit note, an exchange sale) that it comes
        from this return, with a link to it. Posted directly: mail's origin-link view
        renders QWeb and runs a composer, a sixth of creating a credit note."""
        self.ensure_one()
        link = '<a href="#" data-oe-model="%s" data-oe-id="%d">%s</a>' % (
            self._name, self.id, html_escape(self.display_name))
        with returns_mail():  # a clerk without an e-mail address creates them too
            return record.message_post(
                body='<p>%s</p>' % (_('Created from the return %s.') % link),
                subtype_id=self.env.ref('mail.mt_note').id, message_type='notification')

    # ------------------------------------------------------------------ sending
    def _mail_kinds_sent(self):
        self.ensure_one()
        return set(filter(None, (self.mail_sent_kinds or '').split(',')))

    def _send_status_mail(self, kind, key=None, refunds=None):
        """Queue the ``kind`` e-mail for each return that has not had it yet.

        ``key`` tells apart e-mails of the same kind (one per credit note). The e-mail
        is rendered and posted by a job (``_post_status_mail``): the approved one
        carries the return slip PDF, and neither rendering nor a failing template may
        slow down or block the receipt, approval or credit note that sent it. The key
        is remembered at once, so a second call (or a retried request) queues nothing.
        """
        template_xmlid, switch = MAIL_KINDS[kind]
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        key = key or kind
        for order in self:
            sent = order._mail_kinds_sent()
            if key in sent:
                continue
            company = order.company_id.sudo()
            if not template or not company[switch] or not order.partner_id.email:
                continue
            author = self.env.user.partner_id
            if self.env.context.get('overseas_author_id'):
                # a customer's own request (approval rules): Odoo never e-mails the
                # author's own address, so the return's responsible signs the e-mail
                author = order.user_id.partner_id or order.company_id.partner_id
            # sudo: accountants, warehouse staff and customers trigger e-mails they may
            # not render themselves; the message still names them as its author
            sudo_order = order.sudo()
            sudo_order.write({'mail_sent_kinds': ','.join(sorted(sent | {key}))})
            delayed(
                sudo_order,
                channel=MAIL_CHANNEL,
                identity_key='overseas_return_mail:%s:%s' % (order.id, key),
                description=_('Return %(name)s: "%(kind)s" e-mail to the customer') % {
                    'name': order.name, 'kind': kind},
            )._post_status_mail(kind, key, refunds and refunds.ids or [], author.id)

    @job(default_channel=MAIL_CHANNEL)
    def _post_status_mail(self, kind, key, refund_ids, author_id):
        """Render and post one status e-mail (run as a job, see _send_status_mail).

        A failing template (rendering, sender, attachment) is told in the chatter and
        the key forgotten, so that the e-mail may be sent again once it is fixed.
        """
        order = self.sudo().exists()
        if not order:
            return _('The return no longer exists.')
        order.ensure_one()
        template = self.env.ref(MAIL_KINDS[kind][0], raise_if_not_found=False)
        order = order.with_context(mail_notify_force_send=False,
                                   overseas_mail_refund_ids=refund_ids)
        try:
            if not template:
                raise UserError(_('The e-mail template is missing.'))
            with returns_mail():
                order.message_post_with_template(
                    template.id, composition_mode='comment', author_id=author_id,
                    subtype_id=self.env.ref('mail.mt_comment').id)
        except (UserError, ValidationError, AccessError, MailDeliveryException,
                AttributeError, KeyError, TypeError, ValueError) as error:
            _logger.warning('Return %s: the %s e-mail failed: %s', order.name, kind, error)
            with returns_mail():
                order.message_post(
                    body=_('The "%(kind)s" e-mail to the customer could not be sent: '
                           '%(error)s') % {'kind': kind, 'error': html_escape(error)},
                    subtype='mail.mt_note', author_id=author_id)
            order.write({'mail_sent_kinds': ','.join(
                sorted(order._mail_kinds_sent() - {key})) or False})
            return _('Not sent: %s') % error
        return _('Sent')

    # ------------------------------------------------------------------ mail helpers
    # Public because the mail templates' sandbox refuses names starting with an
    # underscore; but they read credit notes and make rating tokens as superuser, so
    # outside the rendering of our e-mails (done as superuser, _send_status_mail) only
    # a returns manager previewing the templates may call them, never an RPC caller.
    def _check_mail_render_access(self):
        if self.env.uid != SUPERUSER_ID and \
                not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_('This method renders the customer e-mails of returns; '
                                'it cannot be called directly.'))
        self.check_access_rule('read')

    def _mail_selection_label(self, record, field_name):
        value = record[field_name]
        if not value:
            return ''
        labels = dict(record._fields[field_name]._description_selection(self.env))
        return labels.get(value, value)

    def mail_line_outcomes(self):
        """Lines of the inspected e-mail: product, quantity, grade, disposition."""
        self._check_mail_render_access()
        self.ensure_one()
        return [{
            'product': line.product_id.display_name,
            'quantity': line.qty_received or line.product_qty,
            'grade': line.grade_id and '%s - %s' % (
                line.grade_id.code, line.grade_id.name) or '',
            'disposition': self._mail_selection_label(line, 'disposition'),
        } for line in self.line_ids]

    def _mail_refunds(self):
        """Credit notes the refunded e-mail is about (the validated ones by default)."""
        self.ensure_one()
        refund_ids = self.env.context.get('overseas_mail_refund_ids')
        refunds = self.env['account.invoice'].sudo().browse(refund_ids or [])
        if not refunds:
            refunds = self.sudo().refund_invoice_ids.filtered(
                lambda inv: inv.state in ('open', 'paid'))
        return refunds

    def mail_refund_lines(self):
        """Credit note lines: refunded products first, then deductions, with amounts."""
        self._check_mail_render_access()
        self.ensure_one()
        result = []
        for refund in self._mail_refunds():
            for inv_line in refund.invoice_line_ids.sorted(
                    lambda l: (bool(l.return_deduction_type), l.sequence, l.id)):
                result.append({
                    'name': inv_line.name,
                    'deduction': bool(inv_line.return_deduction_type),
                    'amount': inv_line.price_total,
                    'currency': refund.currency_id,
                })
        return result

    def mail_refund_total(self):
        self._check_mail_render_access()
        return sum(self._mail_refunds().mapped('amount_total'))

    def mail_refund_currency(self):
        self._check_mail_render_access()
        return self._mail_refunds()[:1].currency_id or self.currency_id

    def _mail_return_instructions(self):
        """How to send the parcel back, in the customer's language."""
        self.ensure_one()
        warehouse = self.warehouse_id.sudo()
        address = warehouse.partner_id
        address_text = address and address._display_address(without_company=False) or ''
        if self.return_method == 'returnless':
            return _('You do not need to send anything back: keep the goods, the '
                     'refund follows.')
        if self.return_method == 'pickup':
            intro = _('A carrier will pick up the parcel at your address.')
        elif self.return_method == 'drop_off':
            intro = _('Take the parcel to a drop-off point of your carrier.')
        else:
            intro = _('Send the parcel to our returns warehouse.')
        return _('%(intro)s Pack the goods with the printed return slip, write '
                 '%(rma)s on the parcel and send it to: %(address)s') % {
            'intro': intro, 'rma': self.name, 'address': address_text}

    def mail_return_instructions_html(self):
        self._check_mail_render_access()
        return html_escape(self._mail_return_instructions()).replace('\n', '<br/>')

    @api.multi
    def action_view_ratings(self):
        """The customer's ratings of these returns, in rating's own views."""
        action = self.env.ref('rating.action_view_rating').read()[0]
        action['domain'] = [('res_model', '=', self._name), ('res_id', 'in', self.ids),
                            ('consumed', '=', True)]
        action['context'] = {}
        return action

    def feedback_url(self, rating):
        """One-click link of the 'return done' e-mail giving ``rating`` (1..5) through
        the pending rating.rating of the customer (rating.mixin's access token)."""
        self._check_mail_render_access()
        self.ensure_one()
        base_url = self.env['ir.config_parameter'].sudo().get_param('web.base.url')
        return '%s/returns/feedback/%s/%s' % (base_url, self._feedback_token(), rating)

    def _feedback_token(self):
        # sudo: the e-mail is rendered for whoever closes the return; the rating
        # request belongs to the customer
        order = self.sudo()
        token = order.rating_get_access_token(order.partner_id)
        # rating_ids (res_id is no many2one) does not know the new rating yet: reread
        # it, so that every link of one e-mail carries the same token
        order.invalidate_cache(['rating_ids'], order.ids)
        return token
