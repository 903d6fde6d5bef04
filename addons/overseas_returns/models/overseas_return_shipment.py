from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .overseas_return_guard import owner_action, refuse_line_derived_writes


class OverseasReturnShipment(models.Model):
    """One consolidated shipment of return-to-origin units back to the home country.

    Units disposed as ``return_to_origin`` wait in their warehouse's return-to-origin
    location; a shipment groups them per warehouse and supplier, prices the freight
    (the warehouse's cost model), splits it over the units and, once booked, ships them
    with one validated outgoing transfer.
    """

    _name = 'overseas.return.shipment'
    _inherit = ['mail.thread', 'overseas.return.lock.mixin',
                'overseas.return.guard.mixin']
    _description = 'Return-to-Origin Shipment'
    _order = 'id desc'

    _action_owned_fields = {
        'name': (), 'state': (), 'picking_id': (), 'date_booked': (),
        'warehouse_id': ('draft',), 'partner_id': ('draft',), 'line_ids': ('draft',),
        'freight_cost': ('draft',), 'currency_id': ('draft',),
    }

    name = fields.Char(string='Reference', required=True, copy=False, readonly=True,
                       default=lambda self: _('New'))
    state = fields.Selection([
        ('draft', 'Draft'), ('booked', 'Booked'), ('cancel', 'Cancelled'),
    ], default='draft', required=True, readonly=True, copy=False,
        track_visibility='onchange')
    warehouse_id = fields.Many2one('stock.warehouse', string='Origin Warehouse',
                                   required=True, readonly=True,
                                   states={'draft': [('readonly', False)]})
    company_id = fields.Many2one(related='warehouse_id.company_id', store=True,
                                 readonly=True)
    partner_id = fields.Many2one('res.partner', string='Consignee / Supplier',
                                 readonly=True, states={'draft': [('readonly', False)]},
                                 help='Who receives the goods at home; empty: the '
                                      "company's own address.")
    currency_id = fields.Many2one(
        'res.currency', required=True, readonly=True,
        states={'draft': [('readonly', False)]},
        default=lambda self: self.env.user.company_id.currency_id)
    line_ids = fields.One2many('overseas.return.shipment.line', 'shipment_id',
                               string='Packing List', readonly=True,
                               states={'draft': [('readonly', False)]})
    picking_id = fields.Many2one('stock.picking', string='Transfer', readonly=True,
                                 copy=False)
    date_booked = fields.Datetime(readonly=True, copy=False)
    total_qty = fields.Float(compute='_compute_totals', store=True, string='Units')
    total_weight = fields.Float(compute='_compute_totals', store=True,
                                string='Weight (kg)')
    total_volume = fields.Float(compute='_compute_totals', store=True,
                                string='Volume (m³)')
    declared_value = fields.Monetary(compute='_compute_totals', store=True)
    freight_cost = fields.Monetary(
        readonly=True, states={'draft': [('readonly', False)]},
        help="Priced from the warehouse's cost model when units are added; the "
             "forwarder's quote may replace it before booking.")
    duty_cost = fields.Monetary(compute='_compute_totals', store=True)
    handling_cost = fields.Monetary(compute='_compute_totals', store=True)
    total_cost = fields.Monetary(compute='_compute_totals', store=True)
    recoverable_value = fields.Monetary(compute='_compute_totals', store=True)
    expected_net = fields.Monetary(compute='_compute_totals', store=True)
    is_worth_it = fields.Boolean(
        compute='_compute_totals', store=True, string='Worth Shipping',
        help='The recoverable value exceeds the cost of the shipment.')

    @api.depends('line_ids.qty', 'line_ids.weight', 'line_ids.volume',
                 'line_ids.declared_value', 'freight_cost', 'warehouse_id')
    def _compute_totals(self):
        """Shown on the form and in the shipments' economics report."""
        cost_models = self.env['overseas.return.cost.model'].sudo()._for_warehouses(
            self.mapped('warehouse_id'))
        for shipment in self:
            cost_model = cost_models.get(shipment.warehouse_id)
            lines = shipment.line_ids
            declared = sum(lines.mapped('declared_value'))
            qty = sum(lines.mapped('qty'))
            duty = declared * cost_model.duty_percent / 100.0 if cost_model else 0.0
            handling = qty * cost_model.handling_per_unit if cost_model else 0.0
            shipment.total_qty = qty
            shipment.total_weight = sum(lines.mapped('weight'))
            shipment.total_volume = sum(lines.mapped('volume'))
            shipment.declared_value = declared
            shipment.duty_cost = duty
            shipment.handling_cost = handling
            shipment.total_cost = shipment.freight_cost + duty + handling
            shipment.recoverable_value = declared
            shipment.expected_net = declared - shipment.total_cost
            shipment.is_worth_it = float_compare(
                declared, shipment.total_cost, precision_digits=2) > 0

    @api.constrains('freight_cost')
    def _check_freight_cost(self):
        if any(shipment.freight_cost < 0 for shipment in self):
            raise ValidationError(_('The freight of a shipment cannot be negative.'))

    @api.model
    def create(self, vals):
        self._check_owned_fields_create({name: value for name, value in vals.items()
                                         if name not in ('warehouse_id', 'line_ids')})
        if vals.get('name', _('New')) == _('New'):
            vals['name'] = self.env['ir.sequence'].next_by_code(
                'overseas.return.shipment') or _('New')
        return super(OverseasReturnShipment, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_owned_fields_write(vals)
        return super(OverseasReturnShipment, self).write(vals)

    @api.multi
    def unlink(self):
        if any(shipment.state == 'booked' for shipment in self):
            raise UserError(_('A booked shipment cannot be deleted.'))
        return super(OverseasReturnShipment, self).unlink()

    # ------------------------------------------------------------------ building
    @api.model
    def _waiting_lines(self, warehouses=None):
        """Disposed return-to-origin lines not on a shipment yet."""
        shipped = self.env['overseas.return.shipment.line'].search(
            [('shipment_id.state', '!=', 'cancel')]).mapped('return_line_id')
        domain = [('disposition', '=', 'return_to_origin'), ('state', '=', 'disposed'),
                  ('id', 'not in', shipped.ids)]
        if warehouses:
            domain.append(('warehouse_id', 'in', warehouses.ids))
        return self.env['overseas.return.line'].search(domain)

    @api.model
    def create_from_waiting(self, warehouse_ids=None):
        """One draft shipment per warehouse and supplier of the units waiting to go
        home; returns the new shipments' ids."""
        warehouses = self.env['stock.warehouse'].browse(warehouse_ids or [])
        lines = self._waiting_lines(warehouses)
        if not lines:
            raise UserError(_('No return-to-origin unit is waiting for a shipment.'))
        groups = {}
        for line in lines:
            supplier = line.product_id.seller_ids[:1].name
            key = (line.warehouse_id, supplier)
            groups[key] = groups.get(key, lines.browse()) | line
        shipments = self.browse()
        for (warehouse, supplier), group in groups.items():
            shipments |= self.create({
                'warehouse_id': warehouse.id,
                'partner_id': supplier.id,
                'line_ids': [(0, 0, self._prepare_line_vals(line)) for line in group],
            })
        shipments.action_price_freight()
        return shipments.ids

    @api.model
    def _prepare_line_vals(self, line):
        product = line.product_id
        qty = line.qty_received
        return {
            'return_line_id': line.id,
            'qty': qty,
            'weight': product.weight * qty,
            'volume': product.volume * qty,
            'hs_code': product.hs_code,
            'declared_value': product.standard_price * qty,
        }

    @api.multi
    @owner_action
    def action_price_freight(self):
        """Freight from the warehouse's cost model (weight and volume)."""
        self._ensure_draft()
        cost_models = self.env['overseas.return.cost.model'].sudo()._for_warehouses(
            self.mapped('warehouse_id'))
        for shipment in self:
            cost_model = cost_models.get(shipment.warehouse_id)
            if not cost_model:
                continue
            shipment.write({
                'currency_id': cost_model.currency_id.id,
                'freight_cost': shipment.currency_id.round(cost_model._freight(
                    shipment.total_weight, shipment.total_volume)),
            })
        return True

    def _ensure_draft(self):
        wrong = self.filtered(lambda shipment: shipment.state != 'draft')
        if wrong:
            raise UserError(_('%s is no longer a draft.')
                            % ', '.join(wrong.mapped('name')))

    # ------------------------------------------------------------------ booking
    @api.multi
    @owner_action
    def action_book(self):
        """Ship the units; refused when the shipment costs more than it recovers."""
        losing = self.filtered(lambda shipment: not shipment.is_worth_it)
        if losing:
            raise UserError(_(
                '%(shipments)s costs more than it recovers (cost %(cost)s, recoverable '
                '%(value)s). Dispose of the units locally, or use "Book Anyway".') % {
                'shipments': ', '.join(losing.mapped('name')),
                'cost': '%.2f' % sum(losing.mapped('total_cost')),
                'value': '%.2f' % sum(losing.mapped('recoverable_value'))})
        return self._book()

    @api.multi
    @owner_action
    def action_book_anyway(self):
        """Book even a shipment that does not pay for itself (a manager's decision)."""
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise UserError(_('Only a returns manager can book a shipment that costs '
                              'more than it recovers.'))
        return self._book()

    def _book(self):
        self._lock_for_update()
        self._ensure_draft()
        empty = self.filtered(lambda shipment: not shipment.line_ids)
        if empty:
            raise UserError(_('%s has no units to ship.')
                            % ', '.join(empty.mapped('name')))
        for shipment in self:
            lines = shipment.mapped('line_ids.return_line_id')
            lines._check_stock_in('return_origin_location_id')
            picking = shipment._create_picking()
            shipment.write({'state': 'booked', 'picking_id': picking.id,
                            'date_booked': fields.Datetime.now()})
            body = _('Booked: %(units)s units leave with %(picking)s.') % {
                'units': '%g' % shipment.total_qty, 'picking': picking.name}
            shipment.message_post(body=body, subtype='mail.mt_note')
        return True

    def _create_picking(self):
        self.ensure_one()
        warehouse = self.warehouse_id
        source = warehouse.return_origin_location_id
        partner = self.partner_id or warehouse.company_id.partner_id
        destination = partner.property_stock_supplier or self.env.ref(
            'stock.stock_location_suppliers')
        picking = self.env['stock.picking'].with_context(tracking_disable=True).create({
            'picking_type_id': warehouse.out_type_id.id,
            'partner_id': partner.id,
            'location_id': source.id,
            'location_dest_id': destination.id,
            'origin': self.name,
            'company_id': warehouse.company_id.id,
            'move_lines': [(0, 0, line.return_line_id._prepare_transfer_move_vals(
                source, destination)) for line in self.line_ids],
        })
        picking.action_confirm()
        picking.action_done()
        return picking

    @api.multi
    @owner_action
    def action_cancel(self):
        self._ensure_draft()
        self.write({'state': 'cancel'})
        return True


class OverseasReturnShipmentLine(models.Model):
    """One return line on a shipment's packing list."""

    _name = 'overseas.return.shipment.line'
    _description = 'Return-to-Origin Shipment Line'
    _order = 'shipment_id, id'

    shipment_id = fields.Many2one('overseas.return.shipment', required=True,
                                  ondelete='cascade', index=True)
    currency_id = fields.Many2one(related='shipment_id.currency_id', readonly=True)
    return_line_id = fields.Many2one('overseas.return.line', string='Return Line',
                                     required=True, ondelete='restrict', index=True)
    order_id = fields.Many2one(related='return_line_id.order_id', readonly=True)
    # set from the line once: a line is shipped home after its disposal, when its
    # product can no longer change; a stored related field would have Odoo search the
    # shipment lines of every return line created or changed
    product_id = fields.Many2one('product.product', string='Product',
                                 compute='_compute_product_id', store=True,
                                 compute_sudo=True, readonly=True)
    qty = fields.Float(string='Units', required=True)
    weight = fields.Float(string='Weight (kg)')
    volume = fields.Float(string='Volume (m³)')
    hs_code = fields.Char(string='HS Code')
    declared_value = fields.Monetary()
    freight_share = fields.Monetary(
        compute='_compute_freight_share', store=True,
        help='The freight split over the units by weight (by volume, else by units, '
             'when nothing has a weight).')

    @api.multi
    def write(self, vals):
        refuse_line_derived_writes(self, vals, ['product_id'])
        return super(OverseasReturnShipmentLine, self).write(vals)

    @api.depends('return_line_id')
    def _compute_product_id(self):
        for line in self:
            line.product_id = line.return_line_id.product_id

    @api.depends('shipment_id.freight_cost', 'shipment_id.line_ids.weight',
                 'shipment_id.line_ids.volume', 'shipment_id.line_ids.qty')
    def _compute_freight_share(self):
        for shipment in self.mapped('shipment_id'):
            lines = shipment.line_ids
            for key in ('weight', 'volume', 'qty'):
                total = sum(lines.mapped(key))
                if total:
                    break
            for line in lines:
                line.freight_share = shipment.freight_cost * line[key] / total \
                    if total else 0.0

    @api.constrains('return_line_id')
    def _check_return_line(self):
        for line in self:
            return_line = line.return_line_id
            if return_line.disposition != 'return_to_origin' or \
                    return_line.state != 'disposed':
                raise ValidationError(_('%s is not waiting to return to origin.')
                                      % return_line.display_name)
            if self.search_count([('return_line_id', '=', return_line.id),
                                  ('shipment_id.state', '!=', 'cancel')]) > 1:
                raise ValidationError(_('%s is already on another shipment.')
                                      % return_line.display_name)
            if return_line.warehouse_id != line.shipment_id.warehouse_id:
                raise ValidationError(_('%s is not in the warehouse of the shipment.')
                                      % return_line.display_name)
