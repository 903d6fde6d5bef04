from contextlib import nullcontext

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError

from .mail_message import returns_mail
from .overseas_return_guard import in_action


class AccountInvoice(models.Model):
    _inherit = 'account.invoice'

    overseas_return_id = fields.Many2one('overseas.return.order', string='Customer Return',
                                         index=True, readonly=True, copy=False)

    @api.multi
    def write(self, vals):
        """A credit note's return is set when the return's credit note is created, and
        the invoice a return's credit note refunds stays: changed over RPC they would
        move money between returns, or out of the limits of the invoice."""
        if not in_action() and self.env.uid != SUPERUSER_ID:
            if 'overseas_return_id' in vals and any(
                    invoice.overseas_return_id.id != (vals['overseas_return_id'] or False)
                    for invoice in self):
                raise AccessError(_('The return of a credit note is set when the return\'s '
                                    'credit note is created: it cannot be changed.'))
            if 'refund_invoice_id' in vals and any(
                    invoice.overseas_return_id and
                    invoice.refund_invoice_id.id != (vals['refund_invoice_id'] or False)
                    for invoice in self):
                raise AccessError(_('The invoice a return\'s credit note refunds cannot be '
                                    'changed.'))
        return super(AccountInvoice, self).write(vals)

    @api.multi
    def action_invoice_open(self):
        """Return credit notes: the refund limits hold again at validation, whoever
        edited the draft since its creation."""
        refunds = self.filtered(
            lambda inv: inv.type == 'out_refund' and inv.overseas_return_id)
        for refund in refunds:
            if refund.state != 'draft':
                continue  # super refuses these with its own message
            # a server rule: accountants without returns rights validate too
            refund.overseas_return_id.sudo()._check_refund_invoice_limits(refund.sudo())
        orders = refunds.mapped('overseas_return_id')
        # a clerk without an e-mail address validates a return's credit note too
        with returns_mail() if refunds else nullcontext():
            # the returns' refund figures follow each state, date and amount Odoo
            # writes on the credit note: computed once, at the end, instead
            with self.env.protecting(orders._refund_figure_fields(), orders):
                result = super(AccountInvoice, self).action_invoice_open()
                # applying the credit note writes the same lines and invoices several
                # times: their stored figures are computed once, after. Not around
                # super(): Odoo posts in the customer's language, and the deferred
                # state change would be tracked in it
                with self.env.norecompute():
                    refunds._reconcile_with_refunded_invoice()
                self.recompute()
            orders._recompute_refund_figures()
            orders._update_state_from_refunds()
            for refund in refunds:
                refund.overseas_return_id._send_status_mail(
                    'refunded', key='refunded-%s' % refund.id, refunds=refund)
        return result

    @api.model
    def _refund_cleanup_lines(self, lines):
        """``refund_without_lines`` in the context: the caller of _prepare_refund brings
        its own lines (a return's credit note), so no copy of the invoice's lines and
        taxes is built (a read of every field of every line) to be thrown away."""
        if self.env.context.get('refund_without_lines'):
            return []
        return super(AccountInvoice, self)._refund_cleanup_lines(lines)

    def _reconcile_with_refunded_invoice(self):
        """Apply a validated return credit note to its invoice while that is still open;
        otherwise it stays an outstanding credit, to pay out to the customer."""
        for refund in self:
            invoice = refund.refund_invoice_id
            if invoice.state != 'open':
                continue
            credits = refund.move_id.line_ids.filtered(
                lambda aml: aml.account_id == invoice.account_id and not aml.reconciled
                and aml.credit > 0)
            for credit in credits:
                invoice.assign_outstanding_credit(credit.id)
