from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero


class OverseasReturnPortalMixin(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): returns that portal
    customers request themselves, created as the customer.

    The record rules let a portal user create draft returns of their own commercial
    partner only; ``_check_portal_request`` adds what a rule cannot say: the return is
    one of the customer's own confirmed sale orders, with the sale's warehouse,
    company, currency and prices, and no more than what is left to return.
    """

    _name = 'overseas.return.portal.mixin'
    _description = 'Return Requests by Customers'

    @api.model
    def check_field_access_rights(self, operation, fields):
        """Odoo stores mail.activity.mixin's next deadline (a field of internal
        users) as whoever creates the record: let it for a customer's request. A
        customer still cannot write it: portal users have no write access to returns."""
        if operation == 'write' and fields and self.env.user.share and \
                set(fields) <= {'activity_date_deadline'}:
            return fields
        return super(OverseasReturnPortalMixin, self).check_field_access_rights(
            operation, fields)

    @api.multi
    def message_auto_subscribe(self, updated_fields, values=None):
        """A customer's request makes the salesperson of the sale the responsible:
        subscribing someone else needs write access to the return, which customers do
        not have (sudo for that subscription only)."""
        records = self.sudo() if self.env.user.share else self
        return super(OverseasReturnPortalMixin, records).message_auto_subscribe(
            updated_fields, values=values)

    @api.constrains('partner_id', 'state', 'sale_order_id', 'warehouse_id', 'company_id',
                    'currency_id', 'invoice_id', 'delivery_id', 'return_method',
                    'restocking_fee_override', 'note', 'line_ids')
    def _check_portal_request_fields(self):
        self._check_portal_request()

    def _check_portal_request(self):
        """Refuse what a portal user creates beyond a plain request of their own sale
        (ValidationError: Odoo turns any other error of a constraint into one)."""
        if not self.env.user.share:
            return
        partner = self.env.user.partner_id.commercial_partner_id
        digits = self.env['decimal.precision'].precision_get('Product Unit of Measure')
        # sudo: the request is compared with the sale's warehouse, invoices and
        # deliveries and with what is left to return (stock moves), which the
        # customer may not all read
        for order in self.sudo():
            if order.partner_id.commercial_partner_id != partner:
                raise ValidationError(_('You can only request returns for yourself.'))
            if order.state != 'draft':
                raise ValidationError(_('A return you request starts as a draft.'))
            sale = order.sale_order_id
            if not sale or sale.partner_id.commercial_partner_id != partner or \
                    sale.state not in ('sale', 'done'):
                raise ValidationError(_('A return you request must be of one of your '
                                        'confirmed orders.'))
            if (order.warehouse_id, order.company_id, order.currency_id) != (
                    sale.warehouse_id, sale.company_id, sale.currency_id):
                raise ValidationError(_('The warehouse, company and currency of a return '
                                        'you request are those of your order.'))
            if order.invoice_id and order.invoice_id not in sale.invoice_ids or \
                    order.delivery_id and order.delivery_id not in sale.picking_ids:
                raise ValidationError(_('The invoice and delivery of a return you '
                                        'request are those of your order.'))
            if order.note:
                raise ValidationError(_('The internal note of a return is ours: write '
                                        'your comment on each product.'))
            if order.return_method == 'returnless' or order.restocking_fee_override:
                raise ValidationError(_('The return method and fees of a return you '
                                        'request are decided by us.'))
            # what is left to return counts deliveries (stock moves)
            returnable = self.env['overseas.return.line'].sudo() \
                ._returnable_qty_by_sale_line(sale.order_line,
                                              exclude_orders=order)
            claimed = {}
            for line in order.line_ids:
                sale_line = line.sale_line_id
                if sale_line not in sale.order_line or \
                        line.product_id != sale_line.product_id:
                    raise ValidationError(_('%(product)s is not a product of your order '
                                            '%(order)s.') % {
                        'product': line.product_id.display_name, 'order': sale.name})
                if order.currency_id.compare_amounts(
                        line.price_unit, sale_line.price_reduce) != 0:
                    raise ValidationError(_('The price of %(product)s is the price of '
                                            'your order.') % {
                        'product': line.product_id.display_name})
                if line.state != 'draft' or float_is_zero(
                        line.product_qty, precision_digits=digits) or line.product_qty < 0:
                    raise ValidationError(_('The quantity of %(product)s must be above '
                                            '0.') % {
                        'product': line.product_id.display_name})
                # what the warehouse counts and records is not the customer's to say
                if not float_is_zero(line.qty_received, precision_digits=digits) or \
                        line.lot_ids:
                    raise ValidationError(_('The received quantity and the lots of '
                                            '%(product)s are recorded by our warehouse.')
                                          % {'product': line.product_id.display_name})
                if not line.reason_id:
                    raise ValidationError(_('Tell us why you return %(product)s.') % {
                        'product': line.product_id.display_name})
                claimed[sale_line.id] = claimed.get(sale_line.id, 0.0) + line.product_qty
            for sale_line in sale.order_line.filtered(lambda l: l.id in claimed):
                if float_compare(claimed[sale_line.id], returnable.get(sale_line.id, 0.0),
                                 precision_digits=digits) > 0:
                    raise ValidationError(_(
                        'You can return at most %(qty)s of %(product)s.') % {
                        'qty': returnable.get(sale_line.id, 0.0),
                        'product': sale_line.product_id.display_name})

