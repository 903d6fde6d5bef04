from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .overseas_return_guard import action_writes, ensure_one_record, owner_action

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
# the scan log's result for each message type of the screen
SCAN_RESULTS = {'info': 'done', 'success': 'done', 'warning': 'warning', 'danger': 'refused'}


class ScanRefused(UserError):
    """A scan that changes nothing: shown in red on the screen, never raised to the user."""


class OverseasReturnScanner(models.Model):
    """The returns desk driven by a keyboard-wedge scanner.

    A saved record per user and warehouse (reused from one session to the next) holds
    what the screen shows: the open return, the current line and inspection, the last
    message.  Every scan goes through ``scan(code)``, from the screen (its form view
    calls it over RPC, then reloads) or from an integration.  A scan is a parcel code
    (return number, tracking number, marketplace order or LPN), a product (barcode or
    internal reference) or a command barcode (``ORT-...``).  Each scan writes its
    answer on the scanner and a line in the scan log (``overseas.return.scan.log``),
    which also tells UNDO what the last count was.
    """

    _name = 'overseas.return.scanner'
    _inherit = ['overseas.return.guard.mixin']
    _description = 'Returns Scanner'
    _order = 'id desc'
    # the screen's state is the scans' to write (scan(), opening the screen): over RPC a
    # user cannot, say, switch on the manager-only extra unit or jump to another return
    _action_owned_fields = {
        name: () for name in (
            'user_id', 'order_id', 'candidate_order_ids', 'line_id',
            'inspection_id', 'allow_extra', 'pending_disposition', 'message',
            'message_type', 'scan_count', 'unknown_code')}

    user_id = fields.Many2one('res.users', string='User', required=True, readonly=True,
                              default=lambda self: self.env.user, ondelete='cascade')
    warehouse_id = fields.Many2one(
        'stock.warehouse', string='Warehouse', required=True, ondelete='cascade',
        default=lambda self: self._default_warehouse(),
        help='Where the parcels arrive: unidentified parcels are registered here.')
    company_id = fields.Many2one(related='warehouse_id.company_id', store=True,
                                 readonly=True)
    order_id = fields.Many2one('overseas.return.order', string='Return',
                               ondelete='set null')
    order_state = fields.Selection(related='order_id.state', readonly=True,
                                   string='Return Status')
    partner_id = fields.Many2one(related='order_id.partner_id', readonly=True)
    is_unidentified = fields.Boolean(related='order_id.is_unidentified', readonly=True)
    line_ids = fields.Many2many('overseas.return.line', compute='_compute_line_ids',
                                string='Lines')
    candidate_order_ids = fields.Many2many(
        'overseas.return.order', 'overseas_return_scanner_candidate_rel', 'scanner_id',
        'order_id', string='Matching Returns')
    line_id = fields.Many2one('overseas.return.line', string='Current Line',
                              ondelete='set null')
    inspection_id = fields.Many2one('overseas.return.inspection', string='Inspection',
                                    ondelete='set null')
    inspection_grade_id = fields.Many2one(related='inspection_id.grade_id', readonly=True,
                                          string='Grade')
    inspection_fault_party = fields.Selection(related='inspection_id.fault_party',
                                              readonly=True, string='Fault Party')
    check_ids = fields.Many2many('overseas.return.inspection.check',
                                 compute='_compute_check_ids', string='Checklist')
    allow_extra = fields.Boolean(
        string='Unexpected Unit Allowed', readonly=True,
        help='Set by a returns manager\'s command: the next product scan may add a '
             'product that was not announced, or a unit more than announced.')
    pending_disposition = fields.Selection(
        lambda self: self.env['overseas.return.line']._fields[
            'disposition']._description_selection(self.env),
        string='Disposition to Apply', readonly=True,
        help='Scanned before the inspection was confirmed: applied on confirmation.')
    message = fields.Char(readonly=True, default=lambda self: _(
        'Scan a parcel: return number, tracking number, marketplace order or LPN.'))
    message_type = fields.Selection(MESSAGE_TYPES, default='info', readonly=True)
    scan_count = fields.Integer(readonly=True)
    unknown_code = fields.Char(
        string='Unknown Code to Confirm', readonly=True,
        help='An unknown code scanned once: scanned again right away, it registers an '
             'unidentified parcel (a mis-scan does not).')
    log_ids = fields.One2many('overseas.return.scan.log', 'scanner_id', string='Scan Log',
                              readonly=True)
    recent_log_ids = fields.Many2many('overseas.return.scan.log',
                                      compute='_compute_recent_log_ids', string='Last Scans')

    @api.model
    def create(self, vals):
        self._check_owned_fields_create(vals)
        self._check_scanning_warehouse(
            self.env['stock.warehouse'].browse(vals['warehouse_id'])
            if vals.get('warehouse_id') else self._default_warehouse())
        return super(OverseasReturnScanner, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_owned_fields_write(vals)
        if 'warehouse_id' in vals and not self._guard_bypassed() and any(
                scanner.warehouse_id.id != vals['warehouse_id'] for scanner in self):
            # its open return, counts and unknown code are of that warehouse
            raise AccessError(_('A scanner stays in its warehouse: choose the other '
                                'warehouse at the top of the screen, which opens its own '
                                'scanner.'))
        return super(OverseasReturnScanner, self).write(vals)

    @api.model
    def _default_warehouse(self):
        """The warehouse the user scanned in last (of their current company), else
        the company's first one."""
        company = self.env.user.company_id
        # the scan log, not write dates: its ids tell the order of scans even within
        # one transaction
        last = self.env['overseas.return.scan.log'].search(
            [('user_id', '=', self.env.uid), ('company_id', '=', company.id)], limit=1)
        return last.warehouse_id or self.env['stock.warehouse'].search(
            [('company_id', '=', company.id)], limit=1)

    # ------------------------------------------------------------------ opening
    @api.model
    def action_open_scanner(self, warehouse_id=False):
        """The current user's scanner screen on a warehouse (by default the one they
        scanned in last), created the first time and reused afterwards."""
        warehouse = self.env['stock.warehouse'].browse(warehouse_id)
        return self._scanner_action(warehouse=warehouse)

    @api.model
    def _session_scanner(self, warehouse=None):
        """The current user's scanner for this warehouse: found, else created."""
        warehouse = warehouse or self._default_warehouse()
        if not warehouse:
            raise UserError(_('There is no warehouse to scan returns in: create one '
                              'first.'))
        self._check_scanning_warehouse(warehouse)
        scanner = self.search([('user_id', '=', self.env.uid),
                               ('warehouse_id', '=', warehouse.id)], limit=1)
        return scanner or self.create({'warehouse_id': warehouse.id})

    @api.model
    def _check_scanning_warehouse(self, warehouse):
        """Scans book parcels into the warehouse: one that exists, of the user's
        companies (a record rule keeps each scanner in its warehouse's company too)."""
        if not warehouse.exists():
            raise UserError(_('This warehouse does not exist (any more): choose another '
                              'one at the top of the screen.'))
        try:
            warehouse.sudo(self.env.uid).check_access_rule('read')
        except AccessError:
            raise AccessError(_('You cannot scan in %s: it belongs to a company you do '
                                'not work for.') % warehouse.sudo().name)

    @api.model
    def _scanner_action(self, warehouse=None, order=None):
        """The scanner screen, on a warehouse or already on a return."""
        with action_writes():  # opening the screen owns the scanner's state
            scanner = self._session_scanner(order.warehouse_id if order else warehouse)
            if order:
                scanner._set_order(order)
                message, message_type = scanner._order_greeting()
                scanner.write({'message': message, 'message_type': message_type})
        action = self.env.ref('overseas_returns.overseas_return_scanner_action').read()[0]
        action.update(res_id=scanner.id, context={})
        if self.env.context.get('overseas_return_scanner_replace'):
            action['target'] = 'main'  # a return picked on the screen replaces it
        return action

    @api.multi
    def name_get(self):
        result = []
        for scanner in self:
            result.append((scanner.id, scanner.order_id.name or _('Returns Scanner')))
        return result

    @api.depends('order_id', 'order_id.line_ids')
    def _compute_line_ids(self):
        for scanner in self:
            scanner.line_ids = scanner.order_id.line_ids

    @api.depends('inspection_id')
    def _compute_check_ids(self):
        for scanner in self:
            scanner.check_ids = scanner.inspection_id.check_ids

    @api.depends('log_ids')
    def _compute_recent_log_ids(self):
        Log = self.env['overseas.return.scan.log']
        for scanner in self:
            scanner.recent_log_ids = Log.search([('scanner_id', '=', scanner.id)],
                                                limit=SCAN_LOG_SIZE) if scanner.id else Log

    # ------------------------------------------------------------------ dispatch
    @api.multi
    @owner_action
    def scan(self, code):
        """Handle one scan, from the screen or an integration, and log it.

        A refused scan changes nothing (its savepoint is rolled back) but is logged.
        Returns plain values: result (done/warning/refused), message_type (the
        screen's colour), message and the ids of what the scanner shows now.
        """
        ensure_one_record(self)
        if not self.env.context.get('lang') and self.env.user.lang:
            # an integration's call may come without a language: the answer, the
            # products' and the states' names are in the user's, like Odoo's own _()
            return self.with_context(lang=self.env.user.lang).scan(code)
        code = (code or '').strip()
        if not code:
            raise UserError(_('Nothing was scanned: the code is empty.'))
        self.check_access_rights('write')
        self.check_access_rule('write')
        try:
            with self.env.cr.savepoint():
                outcome = self._process_code(code)
        except (UserError, ValidationError, AccessError) as error:
            # the database went back to the savepoint; the cache must follow it
            self.env.clear()
            outcome = (error.name, 'danger')
        message, message_type = outcome[:2]
        log = self._log_scan(code, message, message_type,
                             dict(outcome[2]) if len(outcome) > 2 else {})
        return {
            'result': log.result,
            'message_type': message_type,
            'message': message,
            'log_id': log.id,
            'scanner_id': self.id,
            'order_id': self.order_id.id,
            'line_id': self.line_id.id,
            'inspection_id': self.inspection_id.id,
        }

    def _log_scan(self, code, message, message_type, log_values):
        """Show the answer on the screen and keep it in the scan log.  Any scan but
        a first unknown code forgets the unknown code waiting for its confirmation."""
        self.write({'message': message, 'message_type': message_type,
                    'scan_count': self.scan_count + 1,
                    'unknown_code': log_values.pop('unknown_code', False)})
        values = {
            'scanner_id': self.id,
            'code': code,
            'message': message,
            'result': SCAN_RESULTS[message_type],
            'order_id': self.order_id.id,
            'line_id': self.line_id.id,
            'inspection_id': self.inspection_id.id,
        }
        values.update(log_values)
        # sudo: the log is written by scans only (users may not create log lines, which
        # UNDO trusts); it names the user who scanned
        values['user_id'] = self.env.uid
        return self.env['overseas.return.scan.log'].sudo().create(values)

    def _process_code(self, code):
        if code.upper().startswith(COMMAND_PREFIX):
            return self._run_command(code.upper()[len(COMMAND_PREFIX):])
        if self.order_id:
            gs1 = self._scan_gs1(code)  # overseas_return_scanner_units.py
            if gs1:
                return gs1
            product = self._find_product(code)
            if product:
                return self._scan_product(product)
        orders = self._find_orders(code)
        if orders:
            return self._open_orders(orders, code)
        if self.order_id:
            raise ScanRefused(_('Unknown code %(code)s: neither a product of %(order)s nor '
                                'a return. Nothing changed. Scan a product of %(order)s, '
                                'or ORT-NEXT before a new parcel.')
                              % {'code': code, 'order': self.order_id.name})
        product = self._find_product(code)
        if product:
            raise ScanRefused(_('%s is a product: scan the parcel first (return number, '
                                'tracking number, marketplace order or LPN).')
                              % product.display_name)
        if self.unknown_code != code:
            # a mis-scan must not register a parcel: the same code again confirms it
            return (_('Unknown code %(code)s: no return matches it. Nothing changed. '
                      'Scan %(code)s again to register an unidentified parcel, or scan '
                      'another code of the parcel.') % {'code': code},
                    'warning', {'unknown_code': code})
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
        here = orders.filtered(lambda order: order.warehouse_id == self.warehouse_id)
        if not here:
            elsewhere = orders.mapped('warehouse_id')
            raise ScanRefused(_(
                '%(orders)s belongs to warehouse %(warehouses)s, not %(here)s. Nothing '
                'was booked. Put the parcel aside for %(warehouses)s, or choose that '
                'warehouse at the top of the screen and scan it again.')
                % {'orders': ', '.join(orders.mapped('name')),
                   'warehouses': ', '.join(elsewhere.mapped('name')),
                   'here': self.warehouse_id.name})
        orders = here
        if len(orders) > 1:
            self._set_order(self.env['overseas.return.order'], candidates=orders)
            return (_('%(count)s returns match %(code)s: scan the return number of the '
                      'right one, or open it from the list.')
                    % {'count': len(orders), 'code': code}, 'warning')
        self._set_order(orders)
        return self._order_greeting()

    def _set_order(self, order, candidates=None):
        values = self._line_values(self.env['overseas.return.line'])
        values.update(order_id=order.id,
                      candidate_order_ids=[(6, 0, candidates.ids if candidates else [])])
        self.write(values)

    def _set_line(self, line, inspection=None):
        self.write(self._line_values(line, inspection))

    @api.model
    def _line_values(self, line, inspection=None):
        return {'line_id': line.id, 'inspection_id': inspection.id if inspection else False,
                'allow_extra': False, 'pending_disposition': False}

    def _order_greeting(self):
        order = self.order_id
        values = {'order': order.name}
        if order.is_unidentified:
            return (_('Unidentified parcel %(order)s: scan the products it holds.')
                    % values, 'warning')
        if order.state == 'draft':
            return (_('%(order)s is not approved yet: it cannot be received until a '
                      'manager approves it. Put the parcel aside and scan the next one.')
                    % values, 'warning')
        if order.state == 'approved':
            return (_('%(order)s: scan each product, then VALIDATE RECEIPT.') % values,
                    'success')
        if order.state in ('received', 'inspected'):
            return (_('%(order)s: scan a product to inspect or dispose of it.') % values,
                    'success')
        if order.state == 'done':
            return (_('%(order)s is already done. Scan the next parcel.') % values, 'info')
        if order.state == 'cancel':
            return (_('%(order)s is cancelled: do not receive it. Put the parcel aside for '
                      'a returns manager and scan the next one.') % values, 'danger')
        return (_('%(order)s was rejected: do not receive it. Put the parcel aside for a '
                  'returns manager and scan the next one.') % values, 'danger')

    def _state_hint(self, order):
        """What to scan next on a return in its state."""
        if order.is_unidentified and order.state == 'draft':
            return _('Scan the products it holds, or ORT-NEXT for the next parcel.')
        if order.state == 'approved':
            return _('Scan its products, then ORT-VALIDATE.')
        if order.state in ('received', 'inspected'):
            return _('Scan a product to inspect or dispose of it.')
        return _('Scan the next parcel.')

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
                            'Nothing changed. %(next)s')
                          % {'order': order.name, 'state': self._label(order, 'state'),
                             'next': self._state_hint(order)})

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
        return (_('%(product)s: %(qty)s in the parcel. Scan the next product, or '
                  'ORT-NEXT when the parcel is empty.')
                % {'product': product.display_name, 'qty': _qty(line.qty_received)},
                'success', {'qty_delta': 1.0, 'announced_delta': 1.0})

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
                    'Nothing changed. Put the unit aside and scan the next product; a '
                    'returns manager can accept one more with the ACCEPT UNEXPECTED UNIT '
                    'command.')
                    % {'qty': _qty(sum(lines.mapped('product_qty'))),
                       'product': product.display_name})
            raise ScanRefused(_(
                '%(product)s is not on %(order)s. Nothing changed. Put the unit aside and '
                'scan the next product; a returns manager can accept it with the ACCEPT '
                'UNEXPECTED UNIT command.')
                % {'product': product.display_name, 'order': self.order_id.name})
        undo = {'qty_delta': 1.0, 'announced_delta': 0.0}
        if line:
            line.write({'qty_received': line.qty_received + 1})
        else:
            undo['announced_delta'] = 1.0
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
        return (_('%(product)s: %(counted)s of %(announced)s counted. Scan the next '
                  'unit, or ORT-VALIDATE when the parcel is empty.')
                % {'product': product.display_name, 'counted': _qty(counted),
                   'announced': _qty(announced)},
                'warning' if allowed else 'success', undo)

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
        return commands + self._inspection_commands()

    def _run_command(self, name):
        for code, method, _label in self._commands():
            if code == name:
                return getattr(self, method)(name)
        raise ScanRefused(_('Unknown command %s. Nothing changed. Scan a command of the '
                            'printed command sheet.') % (COMMAND_PREFIX + name))

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
                                'Nothing changed. %(next)s')
                              % {'order': order.name, 'state': self._label(order, 'state'),
                                 'next': self._state_hint(order)})
        return order

    def _cmd_validate(self, command):
        order = self._require_order()
        if order.is_unidentified:
            # the menu by its name as the worker's menu shows it, in their language (a
            # scan from the screen may come without a language in its context)
            menu = self.env.ref('overseas_returns.overseas_return_order_menu_unidentified') \
                .with_context(lang=self.env.context.get('lang') or self.env.user.lang)
            raise ScanRefused(_(
                '%(order)s is an unidentified parcel: there is no receipt to validate. '
                'Its units are counted as you scan them; a returns manager matches it to '
                'a customer (menu %(menu)s). Scan its other products, '
                'or ORT-NEXT for the next parcel.') % {'order': order.name,
                                                       'menu': menu.name})
        self._require_order(['approved'])
        lines = order.line_ids
        if not any(float_compare(line.qty_received, 0.0,
                                 precision_rounding=line.product_uom_id.rounding) > 0
                   for line in lines):
            raise ScanRefused(_('Nothing counted on %s yet: scan the products first.')
                              % order.name)
        short = lines.filtered(lambda line: float_compare(
            line.qty_received, line.product_qty,
            precision_rounding=line.product_uom_id.rounding) < 0)
        missing = '; '.join(_('%(product)s %(counted)s of %(announced)s') % {
            'product': line.product_id.display_name, 'counted': _qty(line.qty_received),
            'announced': _qty(line.product_qty)} for line in short)
        order.with_context(overseas_return_counted=True).action_receive()
        self._set_line(self.env['overseas.return.line'])
        if short:
            return (_('%(order)s received, short of units: %(missing)s. The missing units '
                      'wait in a backorder of the receipt. Scan a product that arrived to '
                      'inspect it.') % {'order': order.name, 'missing': missing}, 'warning')
        return (_('%(order)s received. Scan a product to inspect it.')
                % {'order': order.name}, 'success')

    def _cmd_undo(self, command):
        """Take back the last count of this scanner on the open return that is not
        undone yet, as the scan log recorded it."""
        order = self._require_order(['draft', 'approved'])
        count = self.env['overseas.return.scan.log'].search([
            ('scanner_id', '=', self.id), ('order_id', '=', order.id),
            ('qty_delta', '>', 0), ('line_id', '!=', False),
            ('undo_log_ids', '=', False),
        ], limit=1)
        line = count.line_id
        if not count or float_compare(line.qty_received, count.qty_delta,
                                      precision_rounding=line.product_uom_id.rounding) < 0:
            raise ScanRefused(_('There is no count to undo. Scan a product to count it.'))
        if float_compare(line.product_qty - count.announced_delta, 0.0,
                         precision_rounding=line.product_uom_id.rounding) <= 0:
            product = line.product_id
            line.unlink()
            self._set_line(self.env['overseas.return.line'])
            return (_('Count undone: the line of %s is removed. Scan the right product.')
                    % product.display_name,
                    'success', {'undo_of_id': count.id, 'line_id': False})
        values = {'product_qty': line.product_qty - count.announced_delta,
                  'qty_received': line.qty_received - count.qty_delta}
        if count.lot_id and not self.env['overseas.return.scan.log'].search_count([
                ('line_id', '=', line.id), ('lot_id', '=', count.lot_id.id),
                ('qty_delta', '>', 0), ('undo_log_ids', '=', False),
                ('id', '!=', count.id)]):
            # the lot or serial number the count recorded, unless another count holds it
            values['lot_ids'] = [(3, count.lot_id.id)]
        line.write(values)
        self._set_line(line)
        return (_('Count undone: %(product)s, %(qty)s counted. Scan the right product.')
                % {'product': line.product_id.display_name,
                   'qty': _qty(line.qty_received)}, 'success',
                {'undo_of_id': count.id, 'line_id': line.id})

    def _cmd_extra(self, command):
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise ScanRefused(_('Only a returns manager can accept an unexpected unit: '
                                'ask one to scan ORT-EXTRA.'))
        self._require_order(['approved'])
        self.write({'allow_extra': True})
        return (_('The next product scan may add an unexpected product or unit: scan '
                  'it now.'),
                'warning')

    def _cmd_next(self, command):
        self._set_order(self.env['overseas.return.order'])
        return (_('Ready for the next parcel: scan its label.'), 'info')


def _qty(value):
    """Quantities as people say them: 2, not 2.0."""
    return ('%f' % value).rstrip('0').rstrip('.')
