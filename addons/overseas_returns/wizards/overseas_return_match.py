from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, plaintext2html

from ..models.overseas_return_guard import ensure_one_record, owner_action


class OverseasReturnMatch(models.TransientModel):
    """Attach an unidentified parcel to its customer and, when known, the sale order
    (and delivery) it comes from."""

    _name = 'overseas.return.match'
    _description = 'Match an Unidentified Parcel'

    order_id = fields.Many2one('overseas.return.order', string='Return', required=True,
                               ondelete='cascade',
                               domain=[('is_unidentified', '=', True)])
    partner_id = fields.Many2one('res.partner', string='Customer', required=True)
    sale_order_id = fields.Many2one(
        'sale.order', string='Sale Order',
        domain="[('partner_id', 'child_of', partner_id), "
               "('state', 'in', ('sale', 'done'))]")
    delivery_id = fields.Many2one(
        'stock.picking', string='Original Delivery',
        domain="[('picking_type_code', '=', 'outgoing'), ('state', '=', 'done'), "
               "('sale_id', '=', sale_order_id)]")

    @api.model
    def default_get(self, fields_list):
        """Propose the sale whose number or customer reference the parcel showed."""
        values = super(OverseasReturnMatch, self).default_get(fields_list)
        order = self.env['overseas.return.order'].browse(values.get('order_id'))
        if order.origin_ref and 'sale_order_id' in fields_list:
            sale = self.env['sale.order'].search(
                ['|', ('name', '=', order.origin_ref),
                 ('client_order_ref', '=', order.origin_ref)], limit=1)
            if sale:
                values.update(sale_order_id=sale.id, partner_id=sale.partner_id.id)
        return values

    @api.onchange('sale_order_id')
    def _onchange_sale_order_id(self):
        sale = self.sale_order_id
        if sale and not self.partner_id:
            self.partner_id = sale.partner_id
        if self.delivery_id and self.delivery_id.sale_id != sale:
            self.delivery_id = False

    @api.onchange('partner_id')
    def _onchange_partner_id(self):
        sale = self.sale_order_id
        if sale and self.partner_id and (sale.partner_id.commercial_partner_id
                                         != self.partner_id.commercial_partner_id):
            self.sale_order_id = False
            self.delivery_id = False

    @api.multi
    @owner_action
    def action_match(self):
        """Set the customer, sale, invoice and marketplace order of the parcel, link
        its lines to the sale's lines by product and take it out of the queue."""
        ensure_one_record(self)
        order = self.order_id
        order._lock_for_update()
        self._check_match()
        order.write(self._prepare_order_vals())
        unlinked = self._link_lines()
        order.message_post(body=plaintext2html(self._match_message(unlinked)),
                           subtype='mail.mt_note')
        return {'type': 'ir.actions.act_window_close'}

    def _check_match(self):
        order, partner, sale = self.order_id, self.partner_id, self.sale_order_id
        if not order.is_unidentified:
            raise UserError(_('%(order)s is not an unidentified parcel: its customer '
                              'is already known.') % {'order': order.name})
        order._ensure_state(['draft'], _('Matching'))
        if partner == order._unidentified_partner():
            raise UserError(_('Choose the real customer of the parcel.'))
        if sale and (sale.partner_id.commercial_partner_id
                     != partner.commercial_partner_id):
            raise UserError(_('%(sale)s belongs to %(sale_customer)s, not to '
                              '%(customer)s.') % {
                'sale': sale.name, 'sale_customer': sale.partner_id.display_name,
                'customer': partner.display_name})
        delivery = self.delivery_id
        if delivery and sale and delivery.sale_id != sale:
            raise UserError(_('%(delivery)s is not a delivery of %(sale)s.') % {
                'delivery': delivery.name, 'sale': sale.name})

    def _prepare_order_vals(self):
        sale = self.sale_order_id
        vals = {'partner_id': self.partner_id.id}
        if self.delivery_id:
            vals['delivery_id'] = self.delivery_id.id
        if sale:
            invoice = sale.invoice_ids.filtered(
                lambda inv: inv.type == 'out_invoice' and inv.state in ('open', 'paid'))
            vals.update({
                'sale_order_id': sale.id,
                'invoice_id': invoice[:1].id,
                'currency_id': sale.currency_id.id,
                'origin_ref': sale.client_order_ref or sale.name,
            })
        return vals

    def _link_lines(self):
        """Link each line to a sale line of its product with quantity left to return
        (price from the sale); a parcel without lines gets the sale's delivered lines.
        Returns the lines whose product the sale does not hold."""
        order, sale = self.order_id, self.sale_order_id
        lines = order.line_ids
        if not sale:
            return lines.browse()
        if not lines:
            order.write({'line_ids': [
                (0, 0, vals) for vals in order._prepare_lines_from_sale(
                    sale, exclude_orders=order)]})
            return lines.browse()
        returnable = lines._returnable_qty_by_sale_line(sale.order_line, exclude_orders=order)
        unlinked = lines.browse()
        for line in lines.filtered(lambda l: not l.sale_line_id):
            candidates = sale.order_line.filtered(
                lambda l: l.product_id == line.product_id)
            if not candidates:
                unlinked |= line
                continue
            # the first sale line with enough left, else the first of the product
            sale_line = next((candidate for candidate in candidates if float_compare(
                returnable[candidate.id], line.product_qty,
                precision_rounding=candidate.product_uom.rounding) >= 0),
                candidates[0])
            returnable[sale_line.id] -= line.product_qty
            line.write({'sale_line_id': sale_line.id,
                        'price_unit': sale_line.price_reduce})
        return unlinked

    def _match_message(self, unlinked):
        values = {'customer': self.partner_id.display_name,
                  'sale': self.sale_order_id.name or _('no sale order')}
        message = _('Parcel identified: customer %(customer)s, sale order %(sale)s.') \
            % values
        if unlinked:
            message += ' ' + _('Not on the sale order: %(products)s.') % {
                'products': ', '.join(unlinked.mapped('product_id.display_name'))}
        return message
