import uuid

from odoo import _, fields, models
from odoo.tools import html_escape

FEEDBACK_RATINGS = [
    ('1', 'Very poor'),
    ('2', 'Poor'),
    ('3', 'Average'),
    ('4', 'Good'),
    ('5', 'Excellent'),
]

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
    through Odoo's mail queue, posted in the chatter; each company can switch every
    kind off.
    """

    _name = 'overseas.return.notify.mixin'
    _description = 'Return Notifications'

    mail_sent_kinds = fields.Char(
        readonly=True, copy=False,
        help='Status e-mails already sent to the customer, comma separated.')
    reject_reason = fields.Text(
        string='Rejection Reason', copy=False, track_visibility='onchange',
        help='Told to the customer in the rejection e-mail.')
    feedback_token = fields.Char(
        readonly=True, copy=False, groups='base.group_user',
        help='Secret of the feedback links sent to the customer.')
    feedback_rating = fields.Selection(
        FEEDBACK_RATINGS, readonly=True, copy=False, index=True,
        track_visibility='onchange', help="The customer's rating of the return.")
    feedback_comment = fields.Text(readonly=True, copy=False)
    feedback_date = fields.Datetime(readonly=True, copy=False)

    # ------------------------------------------------------------------ sending
    def _mail_kinds_sent(self):
        self.ensure_one()
        return set(filter(None, (self.mail_sent_kinds or '').split(',')))

    def _send_status_mail(self, kind, key=None, refunds=None):
        """Queue the ``kind`` e-mail for each return that has not had it yet.

        ``key`` tells apart e-mails of the same kind (one per credit note).
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
            sudo_order = order.sudo().with_context(
                mail_notify_force_send=False,
                overseas_mail_refund_ids=refunds and refunds.ids)
            # sudo: accountants and warehouse staff trigger e-mails they may not
            # render themselves; the message still names them as its author
            sudo_order.message_post_with_template(
                template.id, composition_mode='comment',
                author_id=self.env.user.partner_id.id,
                subtype_id=self.env.ref('mail.mt_comment').id)
            sudo_order.write({'mail_sent_kinds': ','.join(sorted(sent | {key}))})

    # ------------------------------------------------------------------ mail helpers
    # public: the mail templates' sandbox refuses methods starting with an underscore
    def _mail_selection_label(self, record, field_name):
        value = record[field_name]
        if not value:
            return ''
        labels = dict(record._fields[field_name]._description_selection(self.env))
        return labels.get(value, value)

    def mail_line_outcomes(self):
        """Lines of the inspected e-mail: product, quantity, grade, disposition."""
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
        return sum(self._mail_refunds().mapped('amount_total'))

    def mail_refund_currency(self):
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
        return html_escape(self._mail_return_instructions()).replace('\n', '<br/>')

    def feedback_url(self, rating):
        self.ensure_one()
        self._feedback_ensure_token()
        base_url = self.env['ir.config_parameter'].sudo().get_param('web.base.url')
        return '%s/returns/feedback/%s/%s/%s' % (
            base_url, self.id, self.sudo().feedback_token, rating)

    def _feedback_ensure_token(self):
        for order in self.sudo().filtered(lambda order: not order.feedback_token):
            order.feedback_token = str(uuid.uuid4())
