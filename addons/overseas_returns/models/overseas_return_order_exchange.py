from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, html_escape

from .overseas_return_guard import ensure_one_record, owner_action


class OverseasReturnExchangeMixin(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): exchanges, the customer
    gets replacement goods instead of a refund.

    When the replacements are worth no more than what came back, a delivery leaves the
    return's warehouse; otherwise a quotation charges the customer the difference.
    Either way the return is exchanged once and can no longer be refunded.
    """

    _name = 'overseas.return.exchange.mixin'
    _description = 'Return Exchange'

    is_exchanged = fields.Boolean(
        string='Exchanged', readonly=True, copy=False, index=True,
        track_visibility='onchange',
        help='The customer gets replacement goods instead of a refund.')
    exchange_picking_ids = fields.One2many(
        'stock.picking', 'exchange_return_id', string='Replacement Deliveries',
        readonly=True, copy=False)
    exchange_sale_id = fields.Many2one(
        'sale.order', string='Exchange Quotation', readonly=True, copy=False, index=True,
        help='The quotation charging the customer the price difference of the exchange.')
    exchange_picking_count = fields.Integer(compute='_compute_exchange_picking_count',
                                            string='Replacement Count')
    can_be_exchanged = fields.Boolean(compute='_compute_can_be_exchanged')

    def _compute_exchange_picking_count(self):
        """Smart button; counted as superuser: accountants see returns, not transfers."""
        counts = {}
        if self.ids:
            groups = self.env['stock.picking'].sudo().read_group(
                [('exchange_return_id', 'in', self.ids)], ['exchange_return_id'],
                ['exchange_return_id'])
            counts = {group['exchange_return_id'][0]: group['exchange_return_id_count']
                      for group in groups}
        for order in self:
            order.exchange_picking_count = counts.get(order.id, 0)

    @api.depends('state', 'return_method', 'is_exchanged', 'refund_invoice_ids.state')
    def _compute_can_be_exchanged(self):
        """Shows the Exchange button; re-checked by _ensure_can_be_exchanged."""
        for order in self:
            order.can_be_exchanged = not order._exchange_refusal()

    # ------------------------------------------------------------------ actions
    @api.multi
    def action_open_exchange_wizard(self):
        ensure_one_record(self)
        self._ensure_can_be_exchanged()
        action = self.env.ref('overseas_returns.overseas_return_exchange_action').read()[0]
        action['context'] = {'default_order_id': self.id}
        return action

    @api.multi
    def action_view_exchange_pickings(self):
        action = self.env.ref('stock.action_picking_tree_all').read()[0]
        action['domain'] = [('exchange_return_id', 'in', self.ids)]
        action['context'] = {}
        return action

    @api.multi
    def action_view_exchange_sale(self):
        ensure_one_record(self)
        action = self.env.ref('sale.action_quotations').read()[0]
        action.update(views=[(self.env.ref('sale.view_order_form').id, 'form')],
                      view_mode='form', res_id=self.exchange_sale_id.id, domain=[])
        return action

    @api.multi
    @owner_action
    @api.returns('self', lambda value: {'model': value._name, 'id': value.id})
    def action_exchange(self, replacements):
        """Send replacements instead of refunding; returns the delivery or quotation
        (over RPC: ``{'model': ..., 'id': ...}``).

        ``replacements`` is a list of dicts with ``return_line_id``, ``product_id``
        and ``quantity``. Replacements worth no more than the returned goods leave
        in a delivery; dearer ones go on a draft quotation for the difference.
        """
        ensure_one_record(self)
        if not self.env.user.has_group('overseas_returns.group_returns_user'):
            raise AccessError(_('Only returns users can exchange a return.'))
        self._lock_for_update()
        self._ensure_can_be_exchanged()
        replacements = self._check_replacements(replacements)
        returned, replacing = self._exchange_values(replacements)
        if float_compare(replacing, returned,
                         precision_rounding=self.currency_id.rounding) <= 0:
            result = self._create_exchange_picking(replacements)
            self.write({'is_exchanged': True})
        else:
            result = self._create_exchange_sale(replacements, returned)
            self.write({'is_exchanged': True, 'exchange_sale_id': result.id})
        self.message_post(body=self._exchange_message(result, replacements),
                          subtype_id=self.env.ref('mail.mt_note').id)
        self._post_created_from(result)
        return result

    # ------------------------------------------------------------------ checks
    def _exchange_refusal(self):
        """Why this return cannot be exchanged, or an empty string."""
        self.ensure_one()
        if self.is_exchanged:
            return _('%s was already exchanged.') % self.name
        allowed = ('approved',) if self.return_method == 'returnless' else (
            'received', 'inspected', 'done')
        if self.state not in allowed:
            return _('%s cannot be exchanged in this state: the goods must be received '
                     'first (returnless returns: approved).') % self.name
        if self.sudo().refund_invoice_ids.filtered(lambda inv: inv.state != 'cancel'):
            return _('%s already has a credit note: a refunded return cannot be '
                     'exchanged too.') % self.name
        return ''

    def _ensure_can_be_exchanged(self):
        for order in self:
            refusal = order._exchange_refusal()
            if refusal:
                raise UserError(refusal)

    def _ensure_not_exchanged(self):
        exchanged = self.filtered('is_exchanged')
        if exchanged:
            raise UserError(_('%s was exchanged: the customer gets replacement goods '
                              'instead of a refund.') % ', '.join(exchanged.mapped('name')))

    def _exchange_available_qty(self, line):
        return line.product_qty if self.return_method == 'returnless' else line.qty_received

    def _check_replacements(self, replacements):
        """Browse and validate the replacements: [(return line, product, quantity)]."""
        if not replacements:
            raise UserError(_('Choose at least one replacement for %s.') % self.name)
        Line = self.env['overseas.return.line']
        Product = self.env['product.product']
        result, asked = [], {}
        for vals in replacements:
            line = Line.browse(vals.get('return_line_id'))
            product = Product.browse(vals.get('product_id'))
            quantity = vals.get('quantity') or 0.0
            if not line or line.order_id != self:
                raise UserError(_('Each replacement must be for a line of %s.') % self.name)
            if not product or product.type not in ('product', 'consu'):
                raise UserError(_('Choose a stockable or consumable replacement product '
                                  'for %s.') % line.display_name)
            rounding = line.product_uom_id.rounding
            if float_compare(quantity, 0.0, precision_rounding=rounding) <= 0:
                raise UserError(_('The replacement quantity for %s must be positive.')
                                % line.display_name)
            asked[line] = asked.get(line, 0.0) + quantity
            available = self._exchange_available_qty(line)
            if float_compare(asked[line], available, precision_rounding=rounding) > 0:
                raise UserError(_(
                    'At most %(available)s of %(line)s can be exchanged (%(asked)s asked).')
                    % {'available': available, 'line': line.display_name,
                       'asked': asked[line]})
            result.append((line, product, quantity))
        return result

    def _exchange_values(self, replacements):
        """(returned value, replacement value at list price), in the return's currency."""
        company_currency = self.company_id.currency_id
        today = fields.Date.context_today(self)
        returned = replacing = 0.0
        for line, product, quantity in replacements:
            returned += line.price_unit * quantity
            replacing += company_currency.with_context(date=today).compute(
                product.lst_price * quantity, self.currency_id, round=False)
        return self.currency_id.round(returned), self.currency_id.round(replacing)

    # ------------------------------------------------------------------ delivery
    def _create_exchange_picking(self, replacements):
        picking = self.env['stock.picking'].create(
            self._prepare_exchange_picking_vals(replacements))
        picking.action_confirm()
        picking.action_assign()
        return picking

    def _prepare_exchange_picking_vals(self, replacements):
        warehouse = self.warehouse_id
        source = warehouse.lot_stock_id
        destination = self.partner_id.property_stock_customer or self.env.ref(
            'stock.stock_location_customers')
        return {
            'picking_type_id': warehouse.out_type_id.id,
            'partner_id': self.partner_id.id,
            'origin': self.name,
            'location_id': source.id,
            'location_dest_id': destination.id,
            'company_id': self.company_id.id,
            'exchange_return_id': self.id,
            'move_lines': [(0, 0, self._prepare_exchange_move_vals(
                product, quantity, source, destination))
                for _line, product, quantity in replacements],
        }

    def _prepare_exchange_move_vals(self, product, quantity, source, destination):
        return {
            'name': product.display_name,
            'product_id': product.id,
            'product_uom_qty': quantity,
            'product_uom': product.uom_id.id,
            'location_id': source.id,
            'location_dest_id': destination.id,
            'picking_type_id': self.warehouse_id.out_type_id.id,
            'warehouse_id': self.warehouse_id.id,
            'partner_id': self.partner_id.id,
            'origin': self.name,
            'company_id': self.company_id.id,
        }

    # ------------------------------------------------------------------ quotation
    def _create_exchange_sale(self, replacements, returned):
        if not self.env['sale.order'].check_access_rights('create', raise_exception=False):
            raise AccessError(_('The replacements cost more than the returned goods: only '
                                'sales users can prepare the quotation for the difference.'))
        sale = self.env['sale.order'].create(self._prepare_exchange_sale_vals())
        SaleLine = self.env['sale.order.line']
        for vals in self._prepare_exchange_sale_line_vals(sale, replacements):
            SaleLine.create(vals)
        return sale

    def _prepare_exchange_sale_vals(self):
        return {
            'partner_id': self.partner_id.id,
            'company_id': self.company_id.id,
            'warehouse_id': self.warehouse_id.id,
            'origin': self.name,
            'client_order_ref': self.origin_ref,
            'exchange_return_id': self.id,
        }

    def _prepare_exchange_sale_line_vals(self, sale, replacements):
        """One line per replacement at list price; credit lines for the returned value.

        The credit carries the taxes of the returned products (one line per set of
        taxes, usually one line), so the customer pays only the difference.
        """
        company_currency = self.company_id.currency_id
        today = fields.Date.context_today(self)
        fiscal_position = sale.fiscal_position_id or \
            self.partner_id.property_account_position_id
        values, credits = [], {}
        for line, product, quantity in replacements:
            values.append({
                'order_id': sale.id,
                'product_id': product.id,
                'product_uom_qty': quantity,
                'product_uom': product.uom_id.id,
                'price_unit': company_currency.with_context(date=today).compute(
                    product.lst_price, sale.currency_id, round=False),
            })
            taxes = self._product_taxes(line.product_id, fiscal_position)
            key = tuple(sorted(taxes.ids))
            credits[key] = credits.get(key, 0.0) + line.price_unit * quantity
        credit_product = self.env.ref('overseas_returns.product_exchange_credit')
        for tax_ids, amount in credits.items():
            amount = self.currency_id.with_context(date=today).compute(
                amount, sale.currency_id)
            values.append({
                'order_id': sale.id,
                'product_id': credit_product.id,
                'name': _('Credit for return %(return)s') % {'return': self.name},
                'product_uom_qty': 1.0,
                'product_uom': credit_product.uom_id.id,
                'price_unit': -amount,
                'tax_id': [(6, 0, list(tax_ids))],
            })
        return values

    def _exchange_message(self, result, replacements):
        items = html_escape(', '.join('%s x %s' % (quantity, product.display_name)
                                      for _line, product, quantity in replacements))
        if result._name == 'sale.order':
            return _('Exchanged instead of refunded: quotation %(document)s charges the '
                     'price difference for %(items)s.') % {
                'document': result.name, 'items': items}
        return _('Exchanged instead of refunded: delivery %(document)s sends %(items)s.') \
            % {'document': result.name, 'items': items}
