from odoo import api, models


class AccountInvoice(models.Model):
    """Tell the customer when a credit note of a return is validated."""

    _inherit = 'account.invoice'

    @api.multi
    def action_invoice_open(self):
        result = super(AccountInvoice, self).action_invoice_open()
        for refund in self.filtered(
                lambda inv: inv.type == 'out_refund' and inv.overseas_return_id):
            refund.overseas_return_id._send_status_mail(
                'refunded', key='refunded-%s' % refund.id, refunds=refund)
        return result
