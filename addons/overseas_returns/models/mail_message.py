import logging
from email.utils import formataddr

from odoo import api, models

from .overseas_return_guard import ThreadFlag, in_action

_logger = logging.getLogger(__name__)
_RETURNS_MAIL = ThreadFlag()
# Messages written inside this block fall back to the company's address for a user
# without one.
returns_mail = _RETURNS_MAIL.raised


class MailMessage(models.Model):
    """Mail never blocks a stock or accounting operation.

    Every chatter note, tracking message or status e-mail of a receipt, a transfer or
    a credit note is a mail.message whose sender defaults to the user's own address;
    Odoo refuses it ("Unable to send email, please configure the sender's email
    address") for a user without one, and with it the whole operation. For the
    returns' own messages and within their operations (their actions, the validation
    of a return's credit note and the status e-mail jobs: ``returns_mail()`` below)
    such a user writes with the company's address instead (else the catch-all
    domain's); the rest of Odoo keeps its own rule.
    """

    _inherit = 'mail.message'

    @api.model
    def create(self, values):
        if (values.get('model') or '').startswith('overseas.return'):
            with returns_mail():
                return super(MailMessage, self).create(values)
        return super(MailMessage, self).create(values)

    @api.model
    def _get_default_from(self):
        user = self.env.user
        if user.email or not (in_action() or _RETURNS_MAIL):
            return super(MailMessage, self)._get_default_from()
        company = user.company_id.sudo()
        address = company.email or company.partner_id.email
        if not address:
            params = self.env['ir.config_parameter'].sudo()
            domain = params.get_param('mail.catchall.domain') or 'localhost'
            address = 'noreply@%s' % domain
        _logger.info('User %s has no e-mail address: messages go out as %s',
                     user.login, address)
        return formataddr((user.name, address))
