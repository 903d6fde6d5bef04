from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

# Command barcodes start with this prefix.  Odoo's own "O-CMD." and "O-BTN." codes are
# taken by the web client itself, so ours must not use them.
COMMAND_PREFIX = 'ORT-'
MESSAGE_TYPES = [
    ('info', 'Information'),
    ('success', 'Done'),
    ('warning', 'Check'),
    ('danger', 'Refused'),
]
SCAN_LOG_SIZE = 8


class ScanRefused(UserError):
    """A scan that changes nothing: shown in red on the screen, never raised to the user."""


class OverseasReturnScanner(models.TransientModel):
    """The returns desk driven by a keyboard-wedge scanner.

    Returns, lines and inspections are changed with write()/create() only: inside an
    onchange, assigning a field of a saved record changes the cache, not the database.

    Every scan arrives through ``on_barcode_scanned`` (Odoo's barcodes framework runs it
    as an onchange, so the screen's state lives on this unsaved record and every change
    to returns is written at once).  A scan is a parcel code (return number, tracking
    number, marketplace order, LPN), a product (barcode or internal reference) or a
    command barcode (``ORT-...``).  Each scan leaves a message, a message type the
    screen shows in colour and with a sound, and a line in the scan log.
    """

    _name = 'overseas.return.scanner'
    _inherit = 'barcodes.barcode_events_mixin'
    _description = 'Returns Scanner'

    warehouse_id = fields.Many2one(
        'stock.warehouse', string='Warehouse', required=True,
        default=lambda self: self._default_warehouse(),
        help='Where the parcels arrive: unidentified parcels are registered here.')
    order_id = fields.Many2one('overseas.return.order', string='Return')
    order_state = fields.Selection(related='order_id.state', readonly=True,
                                   string='Return Status')
    partner_id = fields.Many2one(related='order_id.partner_id', readonly=True)
    is_unidentified = fields.Boolean(related='order_id.is_unidentified', readonly=True)
    line_ids = fields.Many2many('overseas.return.line', compute='_compute_line_ids',
                                string='Lines')
    candidate_order_ids = fields.Many2many(
        'overseas.return.order', 'overseas_return_scanner_candidate_rel', 'scanner_id',
        'order_id', string='Matching Returns')
    line_id = fields.Many2one('overseas.return.line', string='Current Line')
    inspection_id = fields.Many2one('overseas.return.inspection', string='Inspection')
    inspection_grade_id = fields.Many2one('overseas.return.grade', string='Grade',
                                          readonly=True)
    inspection_fault_party = fields.Selection(
        lambda self: self.env['overseas.return.line']._fields[
            'fault_party']._description_selection(self.env),
        string='Fault Party', readonly=True)
    check_ids = fields.Many2many('overseas.return.inspection.check',
                                 compute='_compute_check_ids', string='Checklist')
    allow_extra = fields.Boolean(
        string='Unexpected Unit Allowed',
        help='Set by a returns manager\'s command: the next product scan may add a '
             'product that was not announced, or a unit more than announced.')
    pending_disposition = fields.Selection(
        lambda self: self.env['overseas.return.line']._fields[
            'disposition']._description_selection(self.env),
        string='Disposition to Apply',
        help='Scanned before the inspection was confirmed: applied on confirmation.')
    message = fields.Char(readonly=True)
    message_type = fields.Selection(MESSAGE_TYPES, default='info', readonly=True)
    scan_count = fields.Integer(readonly=True)
    scan_log = fields.Text(readonly=True)

    @api.model
    def _default_warehouse(self):
        return self.env['stock.warehouse'].search(
            [('company_id', '=', self.env.user.company_id.id)], limit=1)

    @api.model
    def default_get(self, fields_list):
        values = super(OverseasReturnScanner, self).default_get(fields_list)
        if 'message' in fields_list and not values.get('message'):
            if values.get('order_id'):
                message, message_type = self.new(
                    {'order_id': values['order_id']})._order_greeting()
                values.update(message=message, message_type=message_type)
            else:
                values['message'] = _('Scan a parcel: return number, tracking number, '
                                      'marketplace order or LPN.')
        return values

    @api.model
    def _scanner_action(self, warehouse=None, order=None):
        """The scanner screen, on a warehouse or already on a return."""
        action = self.env.ref('overseas_returns.overseas_return_scanner_action').read()[0]
        context = {}
        if warehouse:
            context['default_warehouse_id'] = warehouse.id
        if order:
            context.update(default_warehouse_id=order.warehouse_id.id,
                           default_order_id=order.id)
        action['context'] = context
        if self.env.context.get('overseas_return_scanner_replace'):
            action['target'] = 'main'  # a return picked on the screen replaces it
        return action

    def name_get(self):
        result = []
        for scanner in self:
            result.append((scanner.id, scanner.order_id.name or _('Returns Scanner')))
        return result

    @api.depends('order_id')
    def _compute_line_ids(self):
        for scanner in self:
            scanner.line_ids = scanner.order_id.line_ids

    @api.depends('inspection_id')
    def _compute_check_ids(self):
        for scanner in self:
            scanner.check_ids = scanner.inspection_id.check_ids

    # ------------------------------------------------------------------ dispatch
    def on_barcode_scanned(self, barcode):
        """Handle one scan; nothing a refused scan started is kept."""
        code = (barcode or '').strip()
        if not code:
            return
        # the web client sends back the lines and checks it shows, with the values it
        # last saw; the database is the truth for them
        self._forget_cached_returns()
        screen = self._screen_values()
        try:
            with self.env.cr.savepoint():
                message, message_type = self._process_code(code)
        except (UserError, ValidationError, AccessError) as error:
            self._forget_cached_returns()
            message, message_type = error.name, 'danger'
        self._restore_screen_values(screen)
        self._show(code, message, message_type)
        self._refresh_screen()

    def _refresh_screen(self):
        """Show the inspection's grade and fault party, and redraw the lists: an
        onchange sends back a list only when its rows changed in the cache, and the
        scan changed them in the database."""
        inspection = self.inspection_id
        self.inspection_grade_id = inspection.grade_id
        self.inspection_fault_party = inspection.fault_party
        if self.id:
            return
        self.line_ids._set_dirty('state')
        self.check_ids._set_dirty('result')
        self.candidate_order_ids._set_dirty('state')

    def scan(self, barcode):
        """The same as a scan on the screen, for integrations and tests: returns the
        message type and the message."""
        self.on_barcode_scanned(barcode)
        return {'message_type': self.message_type, 'message': self.message}

    def _show(self, code, message, message_type):
        self.message = message
        self.message_type = message_type
        self.scan_count += 1
        entries = ['%s  %s' % (code, message)] + (self.scan_log or '').splitlines()
        self.scan_log = '\n'.join(entries[:SCAN_LOG_SIZE])

    def _screen_values(self):
        return {name: self[name] for name, field in self._fields.items()
                if field.store and not field.compute and not field.related
                and name in self._cache}

    def _restore_screen_values(self, screen):
        """Put back what the whole-cache invalidations of Odoo (unlink, followers)
        wiped from an unsaved screen: in an onchange its values live in the cache only.
        Values a scan set afterwards stay."""
        if self.id:  # a saved scanner keeps its values in the database
            return
        self.update({name: value for name, value in screen.items()
                     if name not in self._cache})

    def _forget_cached_returns(self):
        """Drop what the cache holds of the returns (but not of this unsaved screen,
        whose values live in the same cache)."""
        for model in ('overseas.return.order', 'overseas.return.line',
                      'overseas.return.inspection', 'overseas.return.inspection.check'):
            Model = self.env[model]
            Model.invalidate_cache(fnames=list(Model._fields))

    def _process_code(self, code):
        if code.upper().startswith(COMMAND_PREFIX):
            return self._run_command(code.upper()[len(COMMAND_PREFIX):])
        if self.order_id:
            product = self._find_product(code)
            if product:
                return self._scan_product(product)
        orders = self._find_orders(code)
        if orders:
            return self._open_orders(orders, code)
        if self.order_id:
            raise ScanRefused(_('Unknown code %(code)s: neither a product of %(order)s nor '
                                'a return. Nothing changed.')
                              % {'code': code, 'order': self.order_id.name})
        product = self._find_product(code)
        if product:
            raise ScanRefused(_('%s is a product: scan the parcel first (return number, '
                                'tracking number, marketplace order or LPN).')
                              % product.display_name)
        return self._register_unidentified(code)

    # ------------------------------------------------------------------ parcels
    @api.model
    def _find_orders(self, code):
        """Returns that a parcel code names; open ones first when there are several."""
        orders = self.env['overseas.return.order'].search([
            ('state', '!=', 'cancel'),
            '|', '|', '|', ('name', '=', code), ('tracking_ref', '=', code),
            ('origin_ref', '=', code), ('line_ids.lpn', '=', code),
        ], limit=20)
        open_orders = orders.filtered(
            lambda order: order.state not in ('done', 'rejected'))
        return open_orders or orders

    def _open_orders(self, orders, code):
        if len(orders) > 1:
            self._set_order(self.env['overseas.return.order'])
            self.candidate_order_ids = orders
            return (_('%(count)s returns match %(code)s: scan the return number of the '
                      'right one, or open it from the list.')
                    % {'count': len(orders), 'code': code}, 'warning')
        self._set_order(orders)
        return self._order_greeting()

    def _set_order(self, order):
        self.order_id = order
        self.candidate_order_ids = self.env['overseas.return.order']
        self._set_line(self.env['overseas.return.line'])

    def _set_line(self, line, inspection=None):
        self.line_id = line
        self.inspection_id = inspection or self.env['overseas.return.inspection']
        self.allow_extra = False
        self.pending_disposition = False

    def _order_greeting(self):
        order = self.order_id
        values = {'order': order.name}
        if order.is_unidentified:
            return (_('Unidentified parcel %(order)s: scan the products it holds.')
                    % values, 'warning')
        if order.state == 'draft':
            return (_('%(order)s is not approved yet: it cannot be received until a '
                      'manager approves it.') % values, 'warning')
        if order.state == 'approved':
            return (_('%(order)s: scan each product, then VALIDATE RECEIPT.') % values,
                    'success')
        if order.state in ('received', 'inspected'):
            return (_('%(order)s: scan a product to inspect or dispose of it.') % values,
                    'success')
        if order.state == 'done':
            return (_('%(order)s is already done.') % values, 'info')
        return (_('%(order)s was rejected: do not receive it.') % values, 'danger')

    def _register_unidentified(self, code):
        order = self.env['overseas.return.order'].create_unidentified({
            'tracking_ref': code,
            'warehouse_id': self.warehouse_id.id,
        })
        self._set_order(order)
        return (_('No return matches %(code)s: registered as unidentified parcel '
                  '%(order)s. Scan the products it holds.')
                % {'code': code, 'order': order.name}, 'warning')

    # ------------------------------------------------------------------ products
    @api.model
    def _find_product(self, code):
        """The product with this barcode, else with this internal reference."""
        Product = self.env['product.product']
        return Product.search([('barcode', '=', code)], limit=1) or \
            Product.search([('default_code', '=', code)], limit=1)

    def _scan_product(self, product):
        order = self.order_id
        if order.is_unidentified and order.state == 'draft':
            return self._count_unidentified(product)
        if order.state == 'approved':
            return self._count_received(product)
        if order.state in ('received', 'inspected'):
            return self._select_for_inspection(product)
        raise ScanRefused(_('%(order)s is %(state)s: there is nothing to count. '
                            'Nothing changed.')
                          % {'order': order.name, 'state': self._label(order, 'state')})

    def _label(self, record, field_name, value=None):
        """The label, in the user's language, of a selection value (the record's own
        unless given)."""
        value = record[field_name] if value is None else value
        labels = dict(record._fields[field_name]._description_selection(self.env))
        return labels.get(value, value)

    def _count_unidentified(self, product):
        """An unidentified parcel lists what it holds: each scan adds a unit."""
        line = self.order_id.line_ids.filtered(lambda l: l.product_id == product)[:1]
        if line:
            line.write({'product_qty': line.product_qty + 1,
                        'qty_received': line.qty_received + 1})
        else:
            line = self._add_scanned_line(product)
        self._set_line(line)
        return (_('%(product)s: %(qty)s in the parcel.')
                % {'product': product.display_name, 'qty': _qty(line.qty_received)},
                'success')

    def _add_scanned_line(self, product, **values):
        """A new line of the open return for one unit that is here."""
        values.update(order_id=self.order_id.id, product_id=product.id,
                      product_qty=1.0, qty_received=1.0)
        return self.env['overseas.return.line'].create(values)

    def _count_received(self, product):
        """One more unit of this product arrived: the first line still short of it."""
        lines = self.order_id.line_ids.filtered(lambda l: l.product_id == product)
        line = lines.filtered(lambda l: float_compare(
            l.qty_received, l.product_qty,
            precision_rounding=l.product_uom_id.rounding) < 0)[:1]
        allowed = self.allow_extra
        if not line and not allowed:
            if lines:
                raise ScanRefused(_(
                    'All %(qty)s announced units of %(product)s are already counted. '
                    'Nothing changed; a returns manager can accept one more with the '
                    'ACCEPT UNEXPECTED UNIT command.')
                    % {'qty': _qty(sum(lines.mapped('product_qty'))),
                       'product': product.display_name})
            raise ScanRefused(_(
                '%(product)s is not on %(order)s. Nothing changed; a returns manager can '
                'accept it with the ACCEPT UNEXPECTED UNIT command.')
                % {'product': product.display_name, 'order': self.order_id.name})
        if line:
            line.write({'qty_received': line.qty_received + 1})
        else:
            # a manager accepted it: the unit is now expected, and the return says who
            if lines:
                line = lines[-1]
                line.write({'product_qty': line.product_qty + 1,
                            'qty_received': line.qty_received + 1})
            else:
                line = self._add_scanned_line(
                    product, customer_note=_('Not announced: accepted at the scanner.'))
            self.order_id.message_post(body=_(
                'One unit of %(product)s more than announced was accepted at the scanner '
                'by %(user)s.') % {'product': product.display_name,
                                   'user': self.env.user.name})
        self._set_line(line)
        counted = sum(lines.mapped('qty_received')) if lines else line.qty_received
        announced = sum(lines.mapped('product_qty')) if lines else line.product_qty
        return (_('%(product)s: %(counted)s of %(announced)s counted.')
                % {'product': product.display_name, 'counted': _qty(counted),
                   'announced': _qty(announced)},
                'warning' if allowed else 'success')

    # ------------------------------------------------------------------ commands
    @api.model
    def _commands(self):
        """Command barcodes: code (after the prefix) → (method, label), in sheet order."""
        commands = [
            ('VALIDATE', '_cmd_validate', _('Validate receipt')),
            ('UNDO', '_cmd_undo', _('Undo last count')),
            ('EXTRA', '_cmd_extra', _('Accept unexpected unit (manager)')),
            ('NEXT', '_cmd_next', _('Next parcel')),
        ]
        return commands

    def _run_command(self, name):
        for code, method, _label in self._commands():
            if code == name:
                return getattr(self, method)(name)
        raise ScanRefused(_('Unknown command %s. Nothing changed.') % (COMMAND_PREFIX + name))

    @api.model
    def _command_sheet(self):
        """The command barcodes printed for the bench: [{'code', 'label'}]."""
        return [{'code': COMMAND_PREFIX + code, 'label': label}
                for code, _method, label in self._commands()]

    def _require_order(self, states=None):
        order = self.order_id
        if not order:
            raise ScanRefused(_('Scan a parcel first.'))
        if states and order.state not in states:
            raise ScanRefused(_('%(order)s is %(state)s: this command does not apply. '
                                'Nothing changed.')
                              % {'order': order.name, 'state': self._label(order, 'state')})
        return order

    def _cmd_validate(self, command):
        order = self._require_order(['approved'])
        lines = order.line_ids
        if not any(float_compare(line.qty_received, 0.0,
                                 precision_rounding=line.product_uom_id.rounding) > 0
                   for line in lines):
            raise ScanRefused(_('Nothing counted on %s yet: scan the products first.')
                              % order.name)
        order.with_context(overseas_return_counted=True).action_receive()
        self._set_line(self.env['overseas.return.line'])
        return (_('%(order)s received. Scan a product to inspect it.')
                % {'order': order.name}, 'success')

    def _cmd_undo(self, command):
        order = self._require_order(['draft', 'approved'])
        line = self.line_id
        if not line or line.order_id != order or line.qty_received <= 0:
            raise ScanRefused(_('There is no count to undo.'))
        if order.is_unidentified and order.state == 'draft':
            if line.product_qty > 1:
                line.write({'product_qty': line.product_qty - 1,
                            'qty_received': line.qty_received - 1})
            else:
                line.unlink()
                self._set_line(self.env['overseas.return.line'])
                return (_('Count undone: the line is removed.'), 'success')
        elif order.state == 'approved':
            line.write({'qty_received': line.qty_received - 1})
        else:
            raise ScanRefused(_('There is no count to undo.'))
        return (_('Count undone: %(product)s, %(qty)s counted.')
                % {'product': line.product_id.display_name,
                   'qty': _qty(line.qty_received)}, 'success')

    def _cmd_extra(self, command):
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise ScanRefused(_('Only a returns manager can accept an unexpected unit.'))
        self._require_order(['approved'])
        self.allow_extra = True
        return (_('The next product scan may add an unexpected product or unit.'),
                'warning')

    def _cmd_next(self, command):
        self._set_order(self.env['overseas.return.order'])
        return (_('Ready for the next parcel.'), 'info')


def _qty(value):
    """Quantities as people say them: 2, not 2.0."""
    return ('%f' % value).rstrip('0').rstrip('.')
