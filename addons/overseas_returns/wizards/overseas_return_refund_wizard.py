from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.overseas_return_deduction_type import DEDUCTION_TYPES
from ..models.overseas_return_guard import ensure_one_record, form_action


class OverseasReturnRefundWizard(models.TransientModel):
    """Shows the accountant the proposed credit note, line by line, to adjust."""

    _name = 'overseas.return.refund.wizard'
    _description = 'Refund a Return'

    order_id = fields.Many2one('overseas.return.order', required=True, readonly=True)
    currency_id = fields.Many2one('res.currency', readonly=True)
    line_ids = fields.One2many('overseas.return.refund.wizard.line', 'wizard_id',
                               string='Credit Note Lines')
    missing_parts_amount = fields.Monetary(string='Missing Parts')
    goodwill_amount = fields.Monetary(string='Goodwill Credit')
    amount_total = fields.Monetary(compute='_compute_amount_total', string='Refund Total')
    refund_id = fields.Many2one('account.invoice', string='Credit Note', readonly=True)

    @api.model
    def _create_for_order(self, order):
        """A saved wizard holding the proposal of ``order``: what the accountant removes
        or changes is then written on saved lines, never proposed again behind them."""
        order._ensure_can_refund()
        Line = self.env['overseas.return.refund.wizard.line']
        return self.create({
            'order_id': order.id,
            'currency_id': order._refund_currency().id,
            'line_ids': [(0, 0, Line._from_proposal(vals))
                         for vals in order._refund_proposal(include_drafts=True)],
        })

    @api.depends('line_ids.price_unit', 'line_ids.quantity', 'line_ids.discount',
                 'missing_parts_amount', 'goodwill_amount')
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = wizard.order_id._refund_totals(
                wizard._proposal(for_totals=True))[1] \
                if wizard.order_id else 0.0

    def _proposal(self, for_totals=False):
        """The credit note lines; ``for_totals``: amounts only, no income accounts."""
        proposal = [line._to_proposal() for line in self.line_ids]
        order = self.order_id
        types = order._deduction_types()
        taxes = self.env['account.tax']
        accounts = None if for_totals else {}
        for code, amount in (('missing_parts', self.missing_parts_amount),
                             ('goodwill', self.goodwill_amount)):
            if amount:
                proposal.append(order._deduction_vals(types[code], amount, taxes, None,
                                                      accounts))
        return proposal

    @api.multi
    def action_create_refund(self):
        ensure_one_record(self)
        if self.refund_id:
            raise UserError(_('This credit note was created already (%s): open it from '
                              'the return.') % (self.refund_id.number or
                                                 self.refund_id.display_name))
        refund = self.order_id._create_refund_invoice(self._proposal())
        # a second click creates nothing twice: no line, no extra amount is left
        self.line_ids.unlink()
        self.write({'refund_id': refund.id, 'missing_parts_amount': 0.0,
                    'goodwill_amount': 0.0})
        action = form_action(self.env, 'account.action_invoice_out_refund')
        action.update(views=[(self.env.ref('account.invoice_form').id, 'form')],
                      view_mode='form', res_id=refund.id)
        return action


class OverseasReturnRefundWizardLine(models.TransientModel):
    _name = 'overseas.return.refund.wizard.line'
    _description = 'Refund a Return: Line'

    wizard_id = fields.Many2one('overseas.return.refund.wizard', required=True,
                                ondelete='cascade')
    # not readonly in the model: the web client does not send readonly fields, and the
    # credit note lines must keep their return line and deduction (views show them
    # read-only with force_save)
    return_line_id = fields.Many2one('overseas.return.line')
    return_deduction_type = fields.Selection(DEDUCTION_TYPES, string='Deduction')
    sale_line_ids = fields.Many2many('sale.order.line', string='Sale Lines')
    product_id = fields.Many2one('product.product', required=True)
    name = fields.Char(string='Description', required=True)
    quantity = fields.Float(required=True)
    price_unit = fields.Float(string='Unit Price', required=True)
    discount = fields.Float(string='Discount (%)')
    tax_ids = fields.Many2many('account.tax', string='Taxes')
    account_id = fields.Many2one('account.account', required=True)
    uom_id = fields.Many2one('product.uom')

    @api.model
    def _from_proposal(self, vals):
        values = dict(vals)
        values['tax_ids'] = [(6, 0, vals['tax_ids'])]
        values['sale_line_ids'] = [(6, 0, vals.get('sale_line_ids') or [])]
        return values

    def _to_proposal(self):
        return {
            'return_line_id': self.return_line_id.id,
            'return_deduction_type': self.return_deduction_type,
            'product_id': self.product_id.id, 'name': self.name,
            'quantity': self.quantity, 'price_unit': self.price_unit,
            'discount': self.discount, 'tax_ids': self.tax_ids.ids,
            'account_id': self.account_id.id, 'uom_id': self.uom_id.id,
            'sale_line_ids': self.sale_line_ids.ids,
        }
