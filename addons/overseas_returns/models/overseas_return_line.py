import math

import psycopg2
from psycopg2 import errorcodes

from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round, mute_logger

from .overseas_return_grade import DISPOSITIONS
from .overseas_return_guard import owner_action
from .overseas_return_inspection import LINES_LOCKED_FOR_INSPECTION
from .overseas_return_line_economics import ECONOMICS_OWNED_FIELDS
from .overseas_return_reason import FAULT_PARTIES
from .stock_quant import MACHINE_TRANSFER_KEY

# sane bounds of one line: a pallet of units, not 1e9
MAX_LINE_QTY = 100000.0
# what a return's approval agreed to (overseas.return.order._check_approved_lines_change)
APPROVED_FIELDS = {'product_id', 'product_qty', 'sale_line_id'}
MAX_PRICE = 1e9
# transfers the desk makes by itself (receipts, disposals, scraps): the return's chatter
# tells the story, so no creation log, no field tracking and no picking-state messages
# per move write on them (most of Odoo's cost of a small transfer); no count of what is
# left of a product without lot after each quant update (stock_quant.py)
MACHINE_TRANSFER_CONTEXT = {'tracking_disable': True, 'mail_notrack': True,
                            'mail_create_nolog': True, MACHINE_TRANSFER_KEY: True}
# what the callers get back: records tracked and logged again
HUMAN_CONTEXT = {key: False for key in MACHINE_TRANSFER_CONTEXT}


class OverseasReturnLine(models.Model):
    """One product of a return, from arrival to its disposal."""

    _name = 'overseas.return.line'
    _inherit = ['overseas.return.lock.mixin', 'overseas.return.guard.mixin',
                'overseas.return.numbers.mixin', 'overseas.return.line.economics']
    _description = 'Overseas Return Line'
    # refused before create and write do anything with them
    _checked_numbers = ('product_qty', 'qty_received', 'price_unit')
    _order = 'order_id desc, sequence, id'

    # written by the actions only (overseas_return_guard.py); the states are the line's
    # own in which a user may still edit the field; the price also needs a draft return
    _action_owned_fields = {
        'order_id': (), 'state': (), 'grade_id': (), 'inspection_id': (),
        'date_disposed': (), 'rework_state': (),
        'product_id': ('draft',), 'product_qty': ('draft',), 'qty_received': ('draft',),
        'price_unit': ('draft',), 'sale_line_id': ('draft',), 'reason_id': ('draft',),
        'fault_party': ('draft',), 'lpn': ('draft',), 'customer_note': ('draft',),
        'disposition': ('inspected',),
        **ECONOMICS_OWNED_FIELDS,
        # units (overseas_return_line_units.py)
        'lot_ids': ('draft',), 'serial_mismatch': (), 'mismatch_evidence': (),
        'mismatch_decision': (), 'writedown_amount': (),
    }

    order_id = fields.Many2one('overseas.return.order', string='Return', required=True,
                               ondelete='cascade', index=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection([
        ('draft', 'Waiting'),
        ('received', 'Received'),
        ('inspected', 'Inspected'),
        ('disposed', 'Disposed'),
    ], default='draft', required=True, readonly=True, copy=False, index=True)
    order_state = fields.Selection(related='order_id.state', readonly=True)
    company_id = fields.Many2one(related='order_id.company_id', store=True, readonly=True)
    warehouse_id = fields.Many2one(related='order_id.warehouse_id', store=True,
                                   readonly=True)
    partner_id = fields.Many2one(related='order_id.partner_id', store=True, readonly=True)
    currency_id = fields.Many2one(related='order_id.currency_id', readonly=True)
    product_id = fields.Many2one('product.product', string='Product', required=True,
                                 domain=[('type', 'in', ('product', 'consu'))],
                                 index=True)
    product_uom_id = fields.Many2one(related='product_id.uom_id', readonly=True,
                                     string='Unit of Measure')
    product_qty = fields.Float(string='Quantity', required=True, default=1.0,
                               digits=dp.get_precision('Product Unit of Measure'))
    qty_received = fields.Float(string='Received', copy=False,
                                digits=dp.get_precision('Product Unit of Measure'),
                                help='What actually arrived; left at 0 it is taken as '
                                     'the announced quantity on receipt.')
    price_unit = fields.Monetary(string='Unit Price')
    price_subtotal = fields.Monetary(compute='_compute_price_subtotal', store=True,
                                     string='Value')
    reason_id = fields.Many2one('overseas.return.reason', string='Reason',
                                ondelete='restrict',
                                help='Required before the return is approved.')
    reason_category_id = fields.Many2one(related='reason_id.category_id', store=True,
                                         readonly=True, string='Reason Category')
    customer_note = fields.Text(help="The customer's own words about the return.")
    lpn = fields.Char(string='LPN', index=True,
                      help="The marketplace's license plate number of the returned unit.")
    sale_line_id = fields.Many2one('sale.order.line', string='Sale Line', index=True,
                                   ondelete='set null', copy=False)
    grade_id = fields.Many2one('overseas.return.grade', string='Grade', readonly=True,
                               copy=False)
    fault_party = fields.Selection(FAULT_PARTIES,
                                   help="Whose fault it was: proposed from the reason, "
                                        "settled by inspection.",
                                        groups='base.group_user')
    inspection_id = fields.Many2one('overseas.return.inspection', readonly=True,
                                    copy=False, string='Inspection',
                                    groups='base.group_user')
    inspection_ids = fields.One2many('overseas.return.inspection', 'line_id',
                                     string='Inspections')
    disposition = fields.Selection(DISPOSITIONS, copy=False,
                                   help='Proposed by inspection; may be changed until '
                                        'the line is disposed of.',
                                        groups='base.group_user')
    date_disposed = fields.Datetime(
        readonly=True, copy=False,
        help='When the goods reached their final place (after rework, for reworked goods).',
        groups='base.group_user')
    rework_state = fields.Selection([('in_progress', 'In rework'), ('done', 'Reworked')],
                                    readonly=True, copy=False,
                                    groups='base.group_user')
    move_ids = fields.One2many('stock.move', 'return_line_id', string='Stock Moves',
                               readonly=True)
    scrap_ids = fields.One2many('stock.scrap', 'return_line_id', string='Scraps',
                                readonly=True)

    @api.depends('product_qty', 'price_unit')
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.product_qty * line.price_unit

    @api.constrains('product_qty', 'qty_received', 'price_unit')
    def _check_quantities(self):
        """Finite, positive, within MAX_LINE_QTY, and in whole steps of the product's
        unit (no half a Unit); prices finite and not negative.

        Runs on every line created: the product's name and the translated labels are
        only built for the message of a line that fails."""
        # cached id, not env.ref(): that one checks the record exists, a query a line
        units = self.env['ir.model.data'].xmlid_to_res_id(
            'product.product_uom_categ_unit')
        # sudo: a check, also of lines a portal customer creates (who may not read
        # products); its own prefetch: only these lines are read, not every line the
        # transaction has browsed
        for line in self.sudo().with_prefetch():
            uom = line.product_id.uom_id
            rounding = uom.rounding or 0.01
            if units and uom.category_id.id == units and uom.uom_type == 'reference':
                rounding = max(rounding, 1.0)  # goods counted in units come whole
            for returned, qty, may_be_zero in ((True, line.product_qty, False),
                                               (False, line.qty_received, True)):
                problem = self._quantity_problem(qty, rounding, may_be_zero)
                if problem:
                    raise ValidationError(line._quantity_message(
                        problem, _('returned') if returned else _('received'), qty,
                        rounding, uom))
            if not math.isfinite(line.price_unit) or line.price_unit < 0 \
                    or line.price_unit > MAX_PRICE:
                raise ValidationError(_('The unit price of %s must be a number between 0 '
                                        'and %s.') % (line.product_id.display_name,
                                                      MAX_PRICE))

    @staticmethod
    def _quantity_problem(qty, rounding, may_be_zero):
        """What is wrong with a quantity (a key of _quantity_message), or None."""
        if not math.isfinite(qty):
            return 'nan'
        compare = float_compare(qty, 0.0, precision_rounding=rounding)
        if compare < 0 or (compare == 0 and not may_be_zero):
            return 'positive'
        if qty > MAX_LINE_QTY:
            return 'max'
        if float_compare(qty, float_round(qty, precision_rounding=rounding),
                         precision_digits=6) != 0:
            return 'step'
        return None

    def _quantity_message(self, problem, label, qty, rounding, uom):
        name = self.product_id.display_name
        if problem == 'nan':
            return _('The %(what)s quantity of %(product)s must be a '
                     'number.') % {'what': label, 'product': name}
        if problem == 'positive':
            return _('The %(what)s quantity of %(product)s must be '
                     'positive.') % {'what': label, 'product': name}
        if problem == 'max':
            return _(
                'The %(what)s quantity of %(product)s (%(qty)s) is beyond what one '
                'return line can hold (%(max)s).') % {
                'what': label, 'product': name, 'qty': qty, 'max': MAX_LINE_QTY}
        return _(
            '%(product)s is counted in steps of %(step)s %(uom)s: %(qty)s cannot '
            'be %(what)s.') % {
            'product': name, 'step': rounding, 'uom': uom.name,
            'qty': qty, 'what': label}

    @api.constrains('order_id', 'product_id', 'product_qty', 'price_unit', 'sale_line_id',
                    'qty_received', 'lot_ids', 'reason_id')
    def _check_portal_request_line(self):
        """Lines a portal user adds are checked with their return's request."""
        if self.env.user.share:
            self.mapped('order_id')._check_portal_request()

    @api.constrains('product_qty', 'sale_line_id')
    def _check_sale_quantity(self):
        """From a sale, no more than delivered minus what other returns already claim."""
        lines = self.filtered('sale_line_id')
        if not lines:
            return
        # sudo: every return's claims and the deliveries (stock moves) count, also when
        # a customer requesting a return on the portal creates the line
        sale_lines = lines.sudo().mapped('sale_line_id')
        claimed = self.sudo()._claimed_qty_by_sale_line(sale_lines)
        shipped = self.sudo()._shipped_qty_by_sale_line(sale_lines)
        for sale_line in sale_lines:
            if float_compare(claimed.get(sale_line.id, 0.0), shipped[sale_line.id],
                             precision_rounding=sale_line.product_uom.rounding) > 0:
                raise ValidationError(_(
                    'Only %(delivered)s %(uom)s of %(product)s were delivered on '
                    '%(sale)s and returns already claim %(claimed)s.') % {
                    'delivered': shipped[sale_line.id],
                    'uom': sale_line.product_uom.name,
                    'product': sale_line.product_id.display_name,
                    'sale': sale_line.order_id.name,
                    'claimed': claimed.get(sale_line.id, 0.0)})

    @api.model
    def _serialize_claims(self, sale_lines):
        """Two returns claiming the same delivered units at the same moment (two clicks,
        two portal requests, two workers): the second waits for no one. While the first
        is uncommitted it is told so at once; once committed, PostgreSQL's serialization
        failure (the sale lines were updated after its snapshot) makes Odoo retry the
        request, which then sees the first claim."""
        if not sale_lines:
            return
        try:
            with self.env.cr.savepoint(), mute_logger('odoo.sql_db'):
                self.env.cr.execute(
                    'SELECT id FROM sale_order_line WHERE id IN %s '
                    'FOR NO KEY UPDATE NOWAIT',
                    (tuple(sale_lines.ids),))
        except psycopg2.OperationalError as error:
            if error.pgcode != errorcodes.LOCK_NOT_AVAILABLE:
                raise
            # from None: the caller gets this message, not the lock error behind it
            raise ValidationError(_('Another return of %s is being registered right now. '
                                    'Reload and try again.') % ', '.join(
                                        sale_lines.mapped('order_id.name'))) from None
        # a real row update: a concurrent claim committed after our snapshot conflicts
        self.env.cr.execute('UPDATE sale_order_line SET write_date = write_date '
                            'WHERE id IN %s', (tuple(sale_lines.ids),))

    @api.model
    def _claimed_qty_by_sale_line(self, sale_lines, exclude_orders=None):
        domain = [('sale_line_id', 'in', sale_lines.ids),
                  ('order_id.state', 'not in', ('cancel', 'rejected'))]
        if exclude_orders and exclude_orders.ids:
            domain.append(('order_id', 'not in', exclude_orders.ids))
        groups = self.read_group(domain, ['product_qty', 'sale_line_id'], ['sale_line_id'])
        return {group['sale_line_id'][0]: group['product_qty'] for group in groups}

    @api.model
    def _shipped_qty_by_sale_line(self, sale_lines):
        """What our returns may claim on each sale line: its delivered quantity plus what
        our own returns already took back (Odoo counts those receipts, to_refund, against
        qty_delivered; they stay claimed by their return lines)."""
        shipped = {sale_line.id: sale_line.qty_delivered for sale_line in sale_lines}
        if not sale_lines:
            return shipped
        moves = self.env['stock.move'].search([
            ('sale_line_id', 'in', sale_lines.ids), ('return_line_id', '!=', False),
            ('to_refund', '=', True), ('state', '=', 'done'),
            ('location_id.usage', '=', 'customer')])
        for move in moves:
            sale_line = move.sale_line_id
            shipped[sale_line.id] += move.product_uom._compute_quantity(
                move.product_uom_qty, sale_line.product_uom)
        return shipped

    @api.model
    def _returnable_qty_by_sale_line(self, sale_lines, exclude_orders=None):
        """{sale line id: quantity still free to return}."""
        claimed = self._claimed_qty_by_sale_line(sale_lines, exclude_orders=exclude_orders)
        shipped = self._shipped_qty_by_sale_line(sale_lines)
        return {line_id: qty - claimed.get(line_id, 0.0) for line_id, qty in shipped.items()}

    @api.onchange('product_id')
    def _onchange_product_id(self):
        if self.product_id and not self.price_unit:
            self.price_unit = self.product_id.lst_price

    @api.onchange('reason_id')
    def _onchange_reason_id(self):
        if self.reason_id:
            self.fault_party = self.reason_id.fault_party

    @api.model
    def create(self, vals):
        if vals.get('reason_id') and not vals.get('fault_party'):
            vals['fault_party'] = self.env['overseas.return.reason'].browse(
                vals['reason_id']).fault_party
        if vals.get('product_id') and 'price_unit' not in vals:
            vals['price_unit'] = self.env['product.product'].browse(
                vals['product_id']).lst_price
        self._check_number_vals(vals)
        self._check_owned_fields_create(
            {name: value for name, value in vals.items() if name != 'order_id'})
        # before the insert, not in the constraint: Odoo must see a serialization
        # failure as such to retry the request
        self._serialize_claims(self.env['sale.order.line'].browse(vals.get('sale_line_id')))
        if vals.get('order_id') and not self._guard_bypassed():
            order = self.env['overseas.return.order'].browse(vals['order_id'])
            if order.state not in ('draft', 'approved'):
                raise AccessError(_('Products can only be added to a return before it '
                                    'is received (%s).') % order.name)
            order._check_approved_lines_change()
        subtotal = self._subtotal_at_creation(vals)
        if subtotal is not None:
            vals['price_subtotal'] = subtotal
        line = super(OverseasReturnLine, self).create(vals)
        if subtotal is not None:
            # inserted with the line: nothing left to recompute (no UPDATE a line)
            line._recompute_done(self._fields['price_subtotal'])
        return line

    def _subtotal_at_creation(self, vals):
        """The subtotal a new line's compute would store, from its own values, or None.

        Odoo 11 inserts a new line, then marks its subtotal for a recomputation that
        writes each line with an UPDATE of its own (the values differ from line to
        line): an import of many lines paid one query a line for it. The same figure
        as the compute: the quantity as its column keeps it, times the price, rounded
        in the return's currency as a stored amount is."""
        qty, price = vals.get('product_qty'), vals.get('price_unit')
        if not (isinstance(qty, (int, float)) and isinstance(price, (int, float))
                and vals.get('order_id')):
            return None
        qty = float(self._fields['product_qty'].convert_to_column(qty, self.browse()))
        currency = self.env['overseas.return.order'].browse(vals['order_id']).currency_id
        return currency.round(qty * price) if currency else qty * price

    @api.multi
    def write(self, vals):
        self._check_number_vals(vals)
        if vals.get('reason_id') and 'fault_party' not in vals:
            # like the scanner and the create: a new reason proposes its fault party
            # (a web form's list does not show the field, so its onchange is lost)
            vals = dict(vals, fault_party=self.env['overseas.return.reason'].browse(
                vals['reason_id']).fault_party)
        self._check_owned_fields_write(vals)
        if 'product_qty' in vals or vals.get('sale_line_id'):
            self._serialize_claims(self.mapped('sale_line_id') | self.env[
                'sale.order.line'].browse(vals.get('sale_line_id')))
        if 'price_unit' in vals and not self._guard_bypassed():
            approved = self.mapped('order_id').filtered(lambda order: order.state != 'draft')
            if approved:
                raise AccessError(_('The price of %s was agreed on approval: it cannot be '
                                    'changed any more.') % ', '.join(approved.mapped('name')))
        if APPROVED_FIELDS & set(vals):
            self.mapped('order_id')._check_approved_lines_change()
        self._check_disposition_vals(vals)
        result = super(OverseasReturnLine, self).write(vals)
        self._record_disposition_override(vals)
        return result

    @api.multi
    def unlink(self):
        if any(line.order_id.state not in ('draft', 'approved', 'cancel') for line in self):
            raise UserError(_('Lines of a received return cannot be deleted.'))
        return super(OverseasReturnLine, self).unlink()

    @api.multi
    def name_get(self):
        return [(line.id, '%s - %s' % (line.order_id.name, line.product_id.display_name))
                for line in self]

    # ------------------------------------------------------------------ receipt
    def _prepare_receipt_quantities(self):
        """Default qty_received to the announced quantity; over-receipt needs a manager."""
        if self.env.context.get('overseas_return_counted'):
            not_counted = self.browse()  # counted at the scanner: 0 means none arrived
        else:
            not_counted = self.filtered(lambda line: float_is_zero(
                line.qty_received, precision_rounding=line.product_uom_id.rounding))
        by_qty = {}
        for line in not_counted:
            by_qty[line.product_qty] = by_qty.get(line.product_qty, self.browse()) | line
        for qty, lines in by_qty.items():  # one write per distinct quantity
            lines.write({'qty_received': qty})
        over = self.filtered(lambda line: float_compare(
            line.qty_received, line.product_qty,
            precision_rounding=line.product_uom_id.rounding) > 0)
        if over and not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_(
                'More arrived than announced for %s. Only a returns manager can '
                'receive more than the announced quantity.')
                % ', '.join(over.mapped('display_name')))
        self._units_before_receipt()

    def _prepare_receipt_move_vals(self, source, destination):
        """The incoming move of this line: a return of the delivery it came from, as
        Odoo's own return wizard makes it (see _prepare_return_link_vals)."""
        vals = self._prepare_stock_move_vals(source, destination)
        vals.update(self._prepare_return_link_vals())
        return vals

    def _origin_delivery_move(self):
        """The done customer delivery move these units are a return of, or nothing.

        Deliveries of the sale line first, else those of the return's delivery; the oldest
        one not yet fully returned (returns link to it through move_dest_ids, which is also
        what Odoo's Return button subtracts), else the last one.
        """
        self.ensure_one()
        moves = self.sale_line_id.move_ids
        if not moves and self.order_id.delivery_id:
            moves = self.order_id.delivery_id.move_lines
        moves = moves.filtered(
            lambda move: move.state == 'done' and move.product_id == self.product_id
            and move.location_dest_id.usage == 'customer'
            and not move.origin_returned_move_id and not move.scrapped).sorted(
                lambda move: (move.date, move.id))
        for move in moves:
            returned = sum(move.move_dest_ids.filtered(
                lambda dest: dest.state not in ('draft', 'cancel')).mapped('product_qty'))
            if float_compare(returned, move.product_qty,
                             precision_rounding=move.product_uom.rounding) < 0:
                return move
        return moves[-1:]

    def _prepare_return_link_vals(self):
        """Odoo's return contract: origin_returned_move_id, to_refund (the sale line's
        delivered quantity goes down), the sale line, the chain back to the delivery,
        and the unit cost the goods left with (the stock valuation takes it back)."""
        origin = self._origin_delivery_move()
        if not origin:
            return {}
        vals = {
            'origin_returned_move_id': origin.id,
            'move_orig_ids': [(4, origin.id)],
            'to_refund': True,
            'sale_line_id': (self.sale_line_id or origin.sale_line_id).id,
        }
        if origin.product_qty and origin.value:
            vals['price_unit'] = abs(origin.value) / origin.product_qty
        return vals

    def _prepare_stock_move_vals(self, source, destination):
        self.ensure_one()
        uom = self.product_uom_id
        return {
            'name': self.order_id.name,
            'product_id': self.product_id.id,
            'product_uom': uom.id,
            # more than announced arrived (a manager allowed it): expect what came
            'product_uom_qty': max(self.product_qty, self.qty_received),
            'location_id': source.id,
            'location_dest_id': destination.id,
            'return_line_id': self.id,
            'origin': self.order_id.name,
            'move_line_ids': [(0, 0, vals) for vals in self._prepare_receipt_move_line_vals(
                source, destination, self.qty_received)],
        }

    # ------------------------------------------------------------------ inspection
    @api.multi
    @owner_action
    def action_inspect(self):
        """Open the inspection form of these lines, starting one where none is open."""
        open_inspections = self._open_inspections()
        action = self.env.ref('overseas_returns.overseas_return_inspection_action').read()[0]
        if len(open_inspections) == 1:
            action.update(views=[(False, 'form')], view_mode='form',
                          res_id=open_inspections.id)
        else:
            action['domain'] = [('id', 'in', open_inspections.ids)]
        return action

    def _open_inspections(self):
        """The inspections in progress of these lines, starting one where none is."""
        # locked first: the checks read what another transaction committed before
        self._lock_for_update()
        if any(line.state != 'received' for line in self):
            raise UserError(_('Only received lines can be inspected.'))
        waiting = self.filtered(lambda line: float_is_zero(
            line.qty_received, precision_rounding=line.product_uom_id.rounding)
            and line.move_ids.filtered(lambda move: move.state not in ('done', 'cancel')))
        if waiting:
            raise UserError(_('No unit of %s has arrived yet: it waits in the backorder of '
                              'the receipt. Inspect it once it is received.')
                            % ', '.join(waiting.mapped('display_name')))
        Inspection = self.env['overseas.return.inspection']
        open_inspections = Inspection.search([('line_id', 'in', self.ids),
                                              ('state', '=', 'draft')])
        todo = self - open_inspections.mapped('line_id')
        templates = self.env['overseas.return.inspection.template']._for_products(
            todo.mapped('product_id'))
        # stored related fields of the new inspections: computed once for all at the
        # end; the lines are locked above, once for the whole batch
        Inspection = Inspection.with_context(recompute=False)
        with LINES_LOCKED_FOR_INSPECTION.set(frozenset(self.ids)):
            for line in todo:
                template = templates.get(line.product_id)
                check_vals = []
                for item in (template.item_ids if template else []):
                    applies = item._applies_to_product(line.product_id)
                    check_vals.append((0, 0, {'name': item.name, 'sequence': item.sequence,
                                              'applies': applies,
                                              'result': False if applies else 'na'}))
                open_inspections |= Inspection.create({
                    'line_id': line.id,
                    'template_id': template.id if template else False,
                    'fault_party': line.fault_party or line.reason_id.fault_party,
                    'check_ids': check_vals,
                })
        open_inspections.recompute()
        return open_inspections.with_context(recompute=True)

    # ------------------------------------------------------------------ unit split
    @api.multi
    @owner_action
    def action_split(self, qty):
        """Give ``qty`` received units of this line a line of their own (same product,
        reason, price, sale line, grade and disposition), so that they are inspected,
        graded and disposed of apart: two units of one line restocked and scrapped.

        Quantities are conserved (announced and received); the units stay where they
        are (the returns location) until each line is disposed of. Returns the new
        line's id (an RPC answer).
        """
        return self._split_off(qty).id

    def _split_off(self, qty):
        """action_split: the new line."""
        self._lock_for_update()
        if len(self) != 1:
            raise UserError(_('Split one return line at a time.'))
        if self.state not in ('received', 'inspected'):
            raise UserError(_('Only a received or inspected line can be split; %s is '
                              'not.') % self.display_name)
        rounding = self.product_uom_id.rounding or 0.01
        if isinstance(qty, bool) or not isinstance(qty, (int, float)) \
                or not math.isfinite(qty):
            raise ValidationError(_('The quantity to split off must be a number, not '
                                    '%r.') % (qty,))
        if float_compare(qty, 0.0, precision_rounding=rounding) <= 0 \
                or float_compare(qty, self.qty_received, precision_rounding=rounding) >= 0 \
                or float_compare(qty, self.product_qty, precision_rounding=rounding) >= 0:
            raise UserError(_('Split off between 0 and %(qty)s units of %(line)s (the '
                              'rest stays on the line).') % {
                'qty': self.qty_received, 'line': self.display_name})
        # this line gives the units up first: what the return claims on the sale line
        # never exceeds what was delivered, not even in between
        self.write({'product_qty': self.product_qty - qty,
                    'qty_received': self.qty_received - qty})
        sibling = self.copy({
            'order_id': self.order_id.id,
            'sequence': self.sequence,
            'product_qty': qty,
            'qty_received': qty,
            'lpn': False,
            'sale_line_id': self.sale_line_id.id,
            'state': self.state,
            'grade_id': self.grade_id.id,
            'inspection_id': self.inspection_id.id,
            'disposition': self.disposition,
            'fault_party': self.fault_party,
        })
        self.order_id.message_post(body=_('%(qty)s units of %(line)s split off to a line '
                                          'of their own.') % {
            'qty': qty, 'line': self.display_name})
        return sibling

    def _take_late_units(self, qty):
        """Units of this line that arrive (from the receipt's backorder) after the
        line was inspected or disposed of: a line of their own, received, to inspect
        and dispose of in turn; this line keeps the units it had. Returns the new
        line, and takes the return back to 'received'."""
        self.ensure_one()
        self.write({'product_qty': max(self.product_qty - qty, self.qty_received)})
        late = self.copy({
            'order_id': self.order_id.id, 'sequence': self.sequence,
            'product_qty': qty, 'qty_received': qty, 'lpn': False,
            'sale_line_id': self.sale_line_id.id, 'state': 'received',
            'grade_id': False, 'inspection_id': False, 'disposition': False,
            'date_disposed': False, 'rework_state': False, 'lot_ids': [(5,)],
        })
        order = self.order_id
        if order.state in ('inspected', 'done'):
            order.sudo().write({'state': 'received', 'date_done': False,
                                'date_received': order.date_received})
        order.message_post(body=_('%(qty)s units of %(product)s arrived after the first '
                                  'ones were inspected: they wait for inspection on a '
                                  'line of their own.') % {
            'qty': qty, 'product': self.product_id.display_name})
        return late

    # ------------------------------------------------------------------ disposal
    @api.multi
    @owner_action
    def action_dispose(self):
        """Move each line's received quantity to the location of its disposition.

        Batched: one transfer per warehouse and destination, scraps through Odoo's
        scrap mechanism.  Lines are locked first, so concurrent calls never move twice.
        """
        self._lock_for_update()
        wrong = self.filtered(lambda line: line.state != 'inspected')
        if wrong:
            raise UserError(_('Only inspected lines can be disposed of; %s is not.')
                            % ', '.join(wrong.mapped('display_name')))
        undecided = self.filtered(lambda line: not line.disposition)
        if undecided:
            raise UserError(_('Choose a disposition for %s first.')
                            % ', '.join(undecided.mapped('display_name')))
        self._check_stock_in('return_location_id')
        groups = {}
        for line in self.filtered(lambda l: l.disposition != 'scrap'):
            warehouse = line.warehouse_id
            key = (warehouse, line._disposition_destination())
            groups[key] = groups.get(key, self.browse()) | line
        for (warehouse, destination), lines in groups.items():
            lines._transfer(warehouse.return_location_id, destination)
        self.filtered(lambda l: l.disposition == 'scrap')._scrap()
        self._units_after_dispose()
        rework = self.filtered(lambda l: l.disposition == 'rework')
        with self.mapped('order_id')._keeping_refund_figures():
            (self - rework).write({'state': 'disposed',
                                   'date_disposed': fields.Datetime.now()})
            rework.write({'state': 'disposed', 'rework_state': 'in_progress'})
        self.mapped('order_id')._update_state_from_lines()
        return True

    @api.multi
    @owner_action
    def action_rework_done(self):
        """Reworked goods go from the rework location to sellable stock."""
        self._lock_for_update()
        wrong = self.filtered(lambda line: line.rework_state != 'in_progress')
        if wrong:
            raise UserError(_('%s is not in rework.')
                            % ', '.join(wrong.mapped('display_name')))
        self._check_stock_in('return_rework_location_id')
        for warehouse in self.mapped('warehouse_id'):
            self.filtered(lambda l: l.warehouse_id == warehouse)._transfer(
                warehouse.return_rework_location_id, warehouse.lot_stock_id)
        self.write({'rework_state': 'done', 'date_disposed': fields.Datetime.now()})
        self.mapped('order_id')._update_state_from_lines()
        return True

    def _disposition_destination(self):
        warehouse = self.warehouse_id
        if self.disposition == 'restock':
            return self._restock_destination()
        return {
            'rework': warehouse.return_rework_location_id,
            'return_to_origin': warehouse.return_origin_location_id,
            'donate': warehouse.return_donation_location_id,
        }[self.disposition]

    def _check_stock_in(self, location_field):
        """Refuse when the source location holds less than the lines would move."""
        needed = {}
        # consumables are not counted in stock (Odoo keeps no reliable quants of them)
        for line in self.filtered(lambda line: line.product_id.type == 'product'):
            key = (line.warehouse_id[location_field].id, line.product_id.id)
            needed[key] = needed.get(key, 0.0) + line.qty_received
        if not needed:
            return
        locations = list({location for location, _product in needed})
        groups = self.env['stock.quant'].sudo().read_group(
            [('location_id', 'in', locations),
             ('product_id', 'in', self.mapped('product_id').ids)],
            ['quantity', 'reserved_quantity', 'location_id', 'product_id'],
            ['location_id', 'product_id'], lazy=False)
        available = {(g['location_id'][0], g['product_id'][0]):
                     g['quantity'] - g['reserved_quantity'] for g in groups}
        short = [key for key, qty in needed.items()
                 if float_compare(available.get(key, 0.0), qty, precision_digits=4) < 0]
        if short:
            Product = self.env['product.product']
            Location = self.env['stock.location']
            raise UserError(_('Not enough stock to move: %s.') % ', '.join(
                '%s (%s: %s available)' % (Product.browse(product).display_name,
                                          Location.browse(location).display_name,
                                          available.get((location, product), 0.0))
                for location, product in short))

    def _transfer(self, source, destination):
        """One validated internal transfer moving these lines' received quantities."""
        warehouse = self[:1].warehouse_id
        picking_type = warehouse.return_disposition_type_id or warehouse.int_type_id
        picking = self.env['stock.picking'].with_context(**MACHINE_TRANSFER_CONTEXT).create({
            'picking_type_id': picking_type.id,
            'location_id': source.id,
            'location_dest_id': destination.id,
            'origin': ', '.join(sorted(set(self.mapped('order_id.name')))),
            'company_id': warehouse.company_id.id,
            'move_lines': [(0, 0, line._prepare_transfer_move_vals(source, destination))
                           for line in self],
        })
        picking.action_confirm()
        picking.action_done()
        # no "created from" message: a machine transfer names its returns in its
        # origin and each move links its return line (the returns' chatter tells it)
        return picking.with_context(**HUMAN_CONTEXT)

    def _prepare_transfer_move_vals(self, source, destination):
        vals = self._prepare_stock_move_vals(source, destination)
        vals['product_uom_qty'] = self.qty_received
        return vals

    def _scrap(self):
        if not self:
            return self.env['stock.scrap']
        Scrap = self.env['stock.scrap'].with_context(recompute=False,
                                                     **MACHINE_TRANSFER_CONTEXT)
        scraps = Scrap
        for line in self:
            for vals in line._split_scrap_vals_by_lot(line._prepare_scrap_vals()):
                scraps |= Scrap.create(vals)
        scraps.recompute()
        scraps.with_context(recompute=True, overseas_return_batch_scrap=True).do_scrap()
        return scraps.with_context(**HUMAN_CONTEXT)

    def _prepare_scrap_vals(self):
        self.ensure_one()
        return {
            'product_id': self.product_id.id,
            'product_uom_id': self.product_uom_id.id,
            'scrap_qty': self.qty_received,
            'location_id': self.warehouse_id.return_location_id.id,
            'origin': self.order_id.name,
            'return_line_id': self.id,
        }
