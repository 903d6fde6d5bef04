from odoo import api, models


class ResPartner(models.Model):
    _inherit = 'res.partner'

    @api.multi
    def _notify_by_chat(self, message):
        """Nobody to notify in the web client: nothing to format.

        Odoo 11's mail.message._notify calls this for every message posted, also with
        no partner at all, and the message is formatted for the bus first (about 20
        queries: each note of a receipt, a backorder, a credit note...).
        mail.channel's _notify already returns early in that case.
        """
        if not self:
            return None
        return super(ResPartner, self)._notify_by_chat(message)
