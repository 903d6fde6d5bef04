from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .overseas_return_guard import action_writes, ensure_one_record, model_label, \
    owner_action
from .overseas_return_order_risk import RISK_OWNED_FIELDS
from .overseas_return_line import MACHINE_TRANSFER_CONTEXT

READONLY_AFTER_DRAFT = {'draft': [('readonly', False)]}
REFUND_STATES = [
    ('none', 'Nothing to refund'),
    ('to_refund', 'To refund'),
    ('partial', 'Partially refunded'),
    ('refunded', 'Refunded'),
]
# the steps a customer follows on the portal, in the order of the flow
PORTAL_STEPS = ('draft', 'approved', 'received', 'inspected', 'done')
# state reached -> date field stamped when the state is written
STATE_DATE_FIELDS = {
    'approved': 'date_approved',
    'inspected': 'date_inspected',
}


class OverseasReturnOrder(models.Model):
    """One customer return (RMA) arriving at an overseas warehouse.

    This file owns the return's flow: its states, the transitions and what each one
    triggers. The features it is made of are the mixins listed in ``_inherit``, each in
    its own file and each owning its own fields and methods (no method is defined twice):
    intake (unidentified parcels, return-method follow-ups), approval rules, refunds,
    exchanges and customer notifications. The transitions call them explicitly, then an
    empty ``_on_*`` hook that other add-ons extend (see "hooks" below).
    """

    _name = 'overseas.return.order'
    _inherit = [
        # first: it adapts mail.thread's subscriptions to customers' own requests
        'overseas.return.portal.mixin',
        'mail.thread',
        'mail.activity.mixin',
        'portal.mixin',
        'rating.mixin',
        'overseas.return.lock.mixin',
        'overseas.return.guard.mixin',
        'overseas.return.intake.mixin',
        'overseas.return.rule.mixin',
        'overseas.return.refund.mixin',
        'overseas.return.exchange.mixin',
        'overseas.return.notify.mixin',
        'overseas.return.order.risk',
    ]
    _description = 'Overseas Return'
    _order = 'id desc'
    # accountants and sales people read returns and may comment on them
    _mail_post_access = 'read'

    name = fields.Char(string='Reference', required=True, copy=False, readonly=True,
                       index=True, default=lambda self: _('New'))
    state = fields.Selection([
        ('draft', 'Draft'),
        ('approved', 'Approved'),
        ('received', 'Received'),
        ('inspected', 'Inspected'),
        ('done', 'Done'),
        ('rejected', 'Rejected'),
        ('cancel', 'Cancelled'),
    ], default='draft', required=True, readonly=True, copy=False, index=True,
        track_visibility='onchange', group_expand='_expand_states')
    partner_id = fields.Many2one(
        'res.partner', string='Customer', required=True, readonly=True,
        states=READONLY_AFTER_DRAFT, track_visibility='onchange')
    company_id = fields.Many2one(
        'res.company', required=True, readonly=True, states=READONLY_AFTER_DRAFT,
        default=lambda self: self.env.user.company_id)
    warehouse_id = fields.Many2one(
        'stock.warehouse', string='Warehouse', required=True, readonly=True,
        states={'draft': [('readonly', False)], 'approved': [('readonly', False)]},
        default=lambda self: self._default_warehouse(), track_visibility='onchange')
    channel_id = fields.Many2one('overseas.return.channel', string='Sales Channel',
                                 readonly=True, states=READONLY_AFTER_DRAFT)
    origin_ref = fields.Char(string='Marketplace Order', readonly=True,
                             states=READONLY_AFTER_DRAFT, index=True,
                             help='Order number on the marketplace or shop.')
    sale_order_id = fields.Many2one('sale.order', string='Sale Order', readonly=True,
                                    states=READONLY_AFTER_DRAFT, index=True)
    invoice_id = fields.Many2one(
        'account.invoice', string='Invoice', readonly=True, states=READONLY_AFTER_DRAFT,
        domain="[('type', '=', 'out_invoice'), ('partner_id', 'child_of', partner_id)]")
    delivery_id = fields.Many2one(
        'stock.picking', string='Original Delivery', readonly=True,
        states=READONLY_AFTER_DRAFT, domain=[('picking_type_code', '=', 'outgoing')])
    tracking_ref = fields.Char(string='Tracking Number', track_visibility='onchange')
    return_method = fields.Selection([
        ('ship_back', 'Shipped back by the customer'),
        ('pickup', 'Carrier pick-up'),
        ('drop_off', 'Drop-off point'),
        ('returnless', 'Returnless (refund only)'),
    ], default='ship_back', required=True, readonly=True,
        states=READONLY_AFTER_DRAFT)
    currency_id = fields.Many2one(
        'res.currency', required=True, readonly=True, states=READONLY_AFTER_DRAFT,
        default=lambda self: self.env.user.company_id.currency_id)
    user_id = fields.Many2one('res.users', string='Responsible',
                              default=lambda self: self.env.user,
                              track_visibility='onchange',
                              groups='base.group_user')
    line_ids = fields.One2many('overseas.return.line', 'order_id', string='Lines',
                               copy=True, readonly=True,
                               states={'draft': [('readonly', False)],
                                       'approved': [('readonly', False)]})
    picking_ids = fields.Many2many('stock.picking', compute='_compute_picking_ids',
                                   string='Transfers')
    picking_count = fields.Integer(compute='_compute_picking_ids')
    scrap_count = fields.Integer(compute='_compute_scrap_count')
    inspection_count = fields.Integer(compute='_compute_inspection_count')
    amount_total = fields.Monetary(compute='_compute_amount_total', store=True,
                                   string='Returned Value')
    date_requested = fields.Date(default=fields.Date.context_today, readonly=True,
                                 states=READONLY_AFTER_DRAFT)
    date_received = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    parcel_condition = fields.Selection([
        ('intact', 'Intact'),
        ('box_damaged', 'Outer box damaged'),
        ('opened', 'Opened / resealed'),
        ('wet', 'Wet or stained'),
        ('empty', 'Empty or items missing'),
    ], string='Parcel on Arrival', track_visibility='onchange',
        help='A first look at the parcel when it arrives, before inspection.',
        groups='base.group_user')
    arrival_photo = fields.Binary(attachment=True, copy=False,
                                  groups='base.group_user')
    arrival_note = fields.Text(groups='base.group_user')
    note = fields.Text(string='Internal Note',
                       groups='base.group_user')
    # refund figures: monetary, so declared here beside currency_id; computed by
    # overseas.return.refund.mixin from the credit notes (drafts are not refunded yet,
    # cancelled ones do not count)
    amount_refunded = fields.Monetary(
        compute='_compute_refund_amounts', store=True,
        help='Validated credit notes, taxes included, in the currency of the return.')
    amount_refundable = fields.Monetary(
        compute='_compute_refund_amounts', store=True,
        help='What inspection and the refund policy still allow, taxes included.')
    refund_state = fields.Selection(REFUND_STATES, compute='_compute_refund_amounts',
                                    store=True, index=True, track_visibility='onchange')
    date_approved = fields.Datetime(
        readonly=True, copy=False,
        help='When the return was approved (shown on the customer portal).')
    date_inspected = fields.Datetime(
        readonly=True, copy=False,
        help='When every line of the return was inspected (shown on the customer '
             'portal).')
    quarantine_days = fields.Integer(
        compute='_compute_quarantine_days',
        help='Days since receipt for returns still waiting to be disposed of.')

    # written by the actions only, whoever calls over RPC (overseas_return_guard.py);
    # the states are those in which a user may still edit the field directly
    _action_owned_fields = {
        'name': (), 'state': (), 'date_received': (), 'date_done': (),
        'date_approved': (), 'date_inspected': (), 'is_exchanged': (),
        'exchange_sale_id': (), 'mail_sent_kinds': (), 'followup_return_method': (),
        'partner_id': ('draft',), 'company_id': ('draft',), 'currency_id': ('draft',),
        'sale_order_id': ('draft',), 'invoice_id': ('draft',), 'delivery_id': ('draft',),
        'origin_ref': ('draft',), 'channel_id': ('draft',), 'return_method': ('draft',),
        'date_requested': ('draft',), 'reject_reason': ('draft',),
        'warehouse_id': ('draft', 'approved'), 'line_ids': ('draft', 'approved'),
        'restocking_fee_override': ('draft', 'approved', 'received', 'inspected'),
        **RISK_OWNED_FIELDS,
    }

    _sql_constraints = [
        ('name_company_uniq', 'unique (name, company_id)',
         'A return with this reference already exists in this company.'),
    ]

    @api.model
    def _expand_states(self, states, domain, order):
        """Kanban columns in the order of the flow, closed states only when used."""
        flow = [key for key, _label in self._fields['state'].selection
                if key not in ('cancel', 'rejected') or key in states]
        return flow

    @api.model
    def _default_warehouse(self):
        company = self.env.user.company_id
        return self.env['stock.warehouse'].search([('company_id', '=', company.id)], limit=1)

    # on what the lines' values are computed from, not on their stored value: Odoo
    # would otherwise search the return of each line again when it stores its value
    # (one more search a line created); reading a value still to store computes it
    @api.depends('line_ids.product_qty', 'line_ids.price_unit')
    def _compute_amount_total(self):
        for order in self:
            order.amount_total = sum(order.line_ids.mapped('price_subtotal'))

    def _compute_picking_ids(self):
        """Receipt and disposition transfers (one may serve several returns)."""
        by_order = {}
        if self.ids:
            # sudo: smart buttons counted as superuser (billing-only accountants open
            # returns without any right on transfers; the buttons are for stock users)
            groups = self.env['stock.move'].sudo().read_group(
                [('return_order_id', 'in', self.ids), ('picking_id', '!=', False)],
                ['return_order_id', 'picking_id'], ['return_order_id', 'picking_id'],
                lazy=False)
            for group in groups:
                by_order.setdefault(group['return_order_id'][0], []).append(
                    group['picking_id'][0])
        for order in self:
            order.picking_ids = [(6, 0, by_order.get(order.id, []))]
            order.picking_count = len(by_order.get(order.id, []))

    def _compute_scrap_count(self):
        """Smart button: scraps of destroyed units."""
        # sudo: counted as superuser, as the transfers (the button is for stock users)
        counts = self.sudo()._count_by_order('stock.scrap', 'return_order_id')
        for order in self:
            order.scrap_count = counts.get(order.id, 0)

    def _compute_inspection_count(self):
        counts = self._count_by_order('overseas.return.inspection', 'order_id')
        for order in self:
            order.inspection_count = counts.get(order.id, 0)

    def _count_by_order(self, model, field_name):
        if not self.ids:
            return {}
        groups = self.env[model].read_group(
            [(field_name, 'in', self.ids)], [field_name], [field_name])
        return {group[field_name][0]: group['%s_count' % field_name] for group in groups}

    def _compute_quarantine_days(self):
        now = fields.Datetime.from_string(fields.Datetime.now())
        for order in self:
            if order.date_received and order.state in ('received', 'inspected'):
                received = fields.Datetime.from_string(order.date_received)
                order.quarantine_days = (now - received).days
            else:
                order.quarantine_days = 0

    @api.onchange('warehouse_id')
    def _onchange_warehouse_id(self):
        if self.warehouse_id:
            self.company_id = self.warehouse_id.company_id

    @api.onchange('sale_order_id')
    def _onchange_sale_order_id(self):
        """Propose the customer, the invoice and the delivered lines of the sale."""
        sale = self.sale_order_id
        if not sale:
            return
        self.partner_id = sale.partner_id
        self.currency_id = sale.currency_id
        self.warehouse_id = sale.warehouse_id
        self.invoice_id = sale.invoice_ids.filtered(
            lambda inv: inv.type == 'out_invoice' and inv.state in ('open', 'paid'))[:1]
        line_vals = self._prepare_lines_from_sale(
            sale, exclude_orders=getattr(self, '_origin', self.browse()))
        self.line_ids = [(5, 0, 0)] + [(0, 0, vals) for vals in line_vals]

    @api.model
    def create(self, vals):
        self._check_owned_fields_create(vals)
        if vals.get('warehouse_id') and not vals.get('company_id'):
            # the warehouse's company, not the one the user happens to work in
            vals = dict(vals, company_id=self.env['stock.warehouse'].sudo().browse(
                vals['warehouse_id']).company_id.id)
        self._check_restocking_fee_right(vals)
        if vals.get('name', _('New')) == _('New'):
            # sudo: customers requesting a return on the portal may not read sequences
            vals['name'] = self.env['ir.sequence'].sudo().with_context(
                force_company=vals.get('company_id')).next_by_code(
                    'overseas.return.order') or _('New')
        order = super(OverseasReturnOrder, self).create(vals)
        with action_writes():  # the rules act for the company, not for the caller
            order._apply_approval_rules()
        return order

    @api.multi
    def write(self, vals):
        self._check_owned_fields_write(vals)
        self._check_restocking_fee_right(vals)
        date_field = STATE_DATE_FIELDS.get(vals.get('state'))
        if date_field and date_field not in vals:
            vals = dict(vals, **{date_field: fields.Datetime.now()})
        return super(OverseasReturnOrder, self).write(vals)

    def _check_approved_lines_change(self):
        """The products and announced quantities were approved: after approval only a
        returns manager changes them (at the scanner, ORT-EXTRA), or one of the
        returns' own actions; a clerk's write over RPC would receive more than was
        approved."""
        if self._guard_bypassed() or \
                self.env.user.has_group('overseas_returns.group_returns_manager'):
            return
        approved = self.filtered(lambda order: order.state != 'draft')
        if approved:
            raise AccessError(_('The products and quantities of %s were approved: only a '
                                'returns manager can change them now.')
                              % ', '.join(approved.mapped('name')))

    def _check_restocking_fee_right(self, vals):
        if vals.get('restocking_fee_override') and not self._guard_bypassed() and \
                not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_('Only a returns manager can set the restocking fee of a '
                                'return.'))

    @api.constrains('company_id', 'warehouse_id')
    def _check_warehouse_company(self):
        # sudo: a customer's request on the portal checks a warehouse it may not read
        for order in self.sudo():
            if order.warehouse_id.company_id and order.warehouse_id.company_id != order.company_id:
                raise ValidationError(_(
                    'The warehouse %(warehouse)s belongs to %(company)s: the return %(order)s '
                    'must be in that company too.') % {
                    'warehouse': order.warehouse_id.name,
                    'company': order.warehouse_id.company_id.name, 'order': order.name})

    @api.multi
    def unlink(self):
        if any(order.state not in ('draft', 'cancel') for order in self):
            raise UserError(_('Only draft or cancelled returns can be deleted.'))
        return super(OverseasReturnOrder, self).unlink()

    # ------------------------------------------------------------------ transitions
    def _ensure_state(self, allowed, action):
        wrong = self.filtered(lambda order: order.state not in allowed)
        if wrong:
            states = dict(self._fields['state']._description_selection(self.env))
            raise UserError(_('%(action)s is not possible for %(orders)s in state '
                              '"%(state)s".') % {
                'action': action, 'orders': ', '.join(wrong.mapped('name')),
                'state': states[wrong[0].state]})

    def _ensure_manager(self, action):
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_('Only a returns manager can %s.') % action)

    @api.multi
    @owner_action
    def action_approve(self):
        self._ensure_manager(_('approve a return'))
        self._lock_for_update()
        self._ensure_state(['draft'], _('Approving'))
        for order in self:
            blocker = order._approval_blocker()
            if blocker:
                raise UserError(blocker)
        self._approve()
        return True

    def _approve(self):
        """The approval itself, once checked (by action_approve or an approval rule)."""
        self.write({'state': 'approved'})
        self._schedule_return_method_followups()
        self._send_status_mail('approved')
        self._on_approved()

    def _approval_blocker(self):
        """Why this return cannot be approved yet (False when it can); shared by
        action_approve and the approval rules, which act without a manager."""
        self.ensure_one()
        if self.is_unidentified:
            return _(
                '%(orders)s is an unidentified parcel: match it to a customer and '
                'order before approving it.') % {'orders': self.name}
        if not self.line_ids:
            return _('Add at least one product before approving the return.')
        no_reason = self.line_ids.filtered(lambda line: not line.reason_id)
        if no_reason:
            return _('Give the return reason of %s before approving.') % ', '.join(
                no_reason.mapped('display_name'))
        return False

    @api.multi
    @owner_action
    def action_reject(self):
        self._ensure_manager(_('reject a return'))
        self._lock_for_update()
        self._ensure_state(['draft'], _('Rejecting'))
        self._reject()
        return True

    def _reject(self):
        """The rejection itself, once checked (by action_reject or an approval rule)."""
        self.write({'state': 'rejected'})
        self._send_status_mail('rejected')
        self._on_rejected()

    @api.multi
    @owner_action
    def action_cancel(self):
        self._lock_for_update()
        self._ensure_state(['draft', 'approved'], _('Cancelling'))
        self._ensure_no_credit_notes()  # overseas_return_order_refund.py
        self.write({'state': 'cancel'})
        return True

    @api.multi
    @owner_action
    def action_draft(self):
        self._ensure_manager(_('reopen a return'))
        self._lock_for_update()
        self._ensure_state(['cancel', 'rejected'], _('Resetting to draft'))
        self.write({'state': 'draft'})
        return True

    @api.multi
    @owner_action
    def action_receive(self):
        """Receive every line's qty_received (product_qty where left at 0) into the
        warehouse's returns location through one validated incoming transfer per order.

        Less than announced leaves the rest waiting in a backorder; more than announced
        needs a returns manager.
        """
        self._lock_for_update()
        self._ensure_state(['approved'], _('Receiving'))
        returnless = self.filtered(lambda order: order.return_method == 'returnless')
        if returnless:
            raise UserError(_('%s is returnless: the customer keeps the goods, there is '
                              'nothing to receive.') % ', '.join(returnless.mapped('name')))
        lines = self.mapped('line_ids')
        if not lines:
            raise UserError(_('There is nothing to receive on %s.')
                            % ', '.join(self.mapped('name')))
        lines._prepare_receipt_quantities()
        # the return's chatter tells the story; no creation log nor field tracking on
        # each generated transfer (it was most of the cost of a receipt)
        pickings = self.env['stock.picking'].with_context(**MACHINE_TRANSFER_CONTEXT)
        # each receipt computes its stored fields at the end of its own creation (Odoo's
        # default): deferred to the whole batch, Odoo's constraint on every new move
        # line computed the state of all the batch's pending move lines again
        for order in self.with_context(**MACHINE_TRANSFER_CONTEXT):
            pickings |= order._create_receipt_picking()
        pickings.action_confirm()
        pickings.with_context(overseas_return_receiving=True).action_done()
        # no "created from" message on the receipts: they link their return
        # (return_order_id, shown on the transfer) and the return's chatter tells it
        now = fields.Datetime.now()
        lines.write({'state': 'received'})
        self.write({'state': 'received', 'date_received': now})
        self._send_status_mail('received')
        self._on_received()
        return True

    @api.multi
    def action_open_receive_wizard(self):
        """The form's Receive: count what is in the parcel first (action_receive
        stays the one-call receipt of integrators)."""
        ensure_one_record(self)
        self._ensure_state(['approved'], _('Receiving'))
        return {
            'type': 'ir.actions.act_window',
            'name': _('Receive %s') % self.name,
            'res_model': 'overseas.return.receive',
            'view_mode': 'form',
            'views': [(False, 'form')],
            'target': 'new',
            'context': {'default_order_id': self.id},
        }

    def _create_receipt_picking(self):
        self.ensure_one()
        return self.env['stock.picking'].create(self._prepare_receipt_picking_vals())

    def _prepare_receipt_picking_vals(self):
        warehouse = self.warehouse_id
        if not warehouse.return_type_id or not warehouse.return_location_id:
            warehouse._ensure_return_setup()
        source = self.partner_id.property_stock_customer or self.env.ref(
            'stock.stock_location_customers')
        destination = warehouse.return_location_id
        return {
            'picking_type_id': warehouse.return_type_id.id,
            'partner_id': self.partner_id.id,
            'origin': self.origin_ref and '%s (%s)' % (self.name, self.origin_ref) or self.name,
            'location_id': source.id,
            'location_dest_id': destination.id,
            'return_order_id': self.id,
            'company_id': self.company_id.id,
            'move_lines': [(0, 0, line._prepare_receipt_move_vals(source, destination))
                           for line in self.line_ids],
        }

    @api.multi
    @owner_action
    def action_dispose(self):
        """Dispose of every inspected line of these returns."""
        lines = self.mapped('line_ids').filtered(lambda line: line.state == 'inspected')
        if not lines:
            raise UserError(_('No inspected line is waiting for disposal on %s.')
                            % ', '.join(self.mapped('name')))
        return lines.action_dispose()

    @api.multi
    @owner_action
    def action_inspect_all(self):
        """Open the inspections of every received line, creating those that are missing."""
        lines = self.mapped('line_ids').filtered(lambda line: line.state == 'received')
        if not lines:
            raise UserError(_('No received line is waiting for inspection.'))
        return lines.action_inspect()

    def _update_state_from_lines(self):
        """Move orders on once their lines have all reached the next step."""
        waiting_inspection = self.filtered(lambda order: order.state == 'received')
        inspected = waiting_inspection.filtered(lambda order: all(
            line.state in ('inspected', 'disposed') for line in order.line_ids))
        if inspected:
            with inspected._keeping_refund_figures():  # received counts as inspected
                inspected.write({'state': 'inspected'})
        done = self.filtered(lambda order: order.state in ('received', 'inspected') and all(
            line.state == 'disposed' and line.rework_state != 'in_progress'
            for line in order.line_ids))
        # told in the order of the flow: inspected first, also when it went on to done
        if inspected:
            inspected._send_status_mail('inspected')
            inspected._on_inspected()
        if done:
            done._set_done()

    def _set_done(self):
        """Close these returns (all lines disposed, or a returnless return refunded)."""
        # sudo: billing users close a returnless return by validating its credit note;
        # the state follows that validation, it is not a right to edit returns
        orders = self.sudo()
        with orders._keeping_refund_figures():  # protected in the env that writes
            orders.write({'state': 'done', 'date_done': fields.Datetime.now()})
        self._send_status_mail('done')
        self._on_done()

    # ------------------------------------------------------------------ hooks
    # Empty on purpose: other add-ons extend them (super() first). Within this add-on
    # the transitions above call each feature explicitly instead.
    def _on_approved(self):
        """After returns were approved (by a manager or an approval rule)."""

    def _on_rejected(self):
        """After returns were rejected (by a manager or an approval rule)."""

    def _on_received(self):
        """After the goods of returns were received into the returns location."""

    def _on_inspected(self):
        """After every line of returns was inspected."""

    def _on_done(self):
        """After returns were closed."""

    # ------------------------------------------------------------------ portal
    @api.multi
    def _compute_portal_url(self):
        """portal.mixin's portal_url: the customer's page of the return (links in the
        portal and in e-mails)."""
        for order in self:
            order.portal_url = '/my/returns/%s' % order.id

    def _portal_timeline(self):
        """The steps of the return for the portal: label, date, reached, current."""
        self.ensure_one()
        labels = {
            'draft': _('Requested'),
            'approved': _('Approved'),
            'received': _('Received at the warehouse'),
            'inspected': _('Inspected'),
            'done': _('Done'),
        }
        dates = {
            'draft': self.create_date,
            'approved': self.date_approved,
            'received': self.date_received,
            'inspected': self.date_inspected,
            'done': self.date_done,
        }
        reached = PORTAL_STEPS.index(self.state) if self.state in PORTAL_STEPS else 0
        steps = []
        for index, step in enumerate(PORTAL_STEPS):
            done = self.state in PORTAL_STEPS and index <= reached or index == 0
            steps.append({
                'state': step,
                'label': labels[step],
                'date': done and dates[step] or False,
                'reached': done,
                'current': step == self.state,
            })
        return steps

    # ------------------------------------------------------------------ smart buttons
    @api.multi
    def action_view_pickings(self):
        action = self.env.ref('stock.action_picking_tree_all').read()[0]
        action['domain'] = [('id', 'in', self.mapped('picking_ids').ids)]
        action['context'] = {}
        return action

    @api.multi
    def action_view_scraps(self):
        action = self.env.ref('stock.action_stock_scrap').read()[0]
        action['domain'] = [('return_order_id', 'in', self.ids)]
        action['context'] = {}
        return action

    @api.multi
    def action_view_inspections(self):
        action = self.env.ref('overseas_returns.overseas_return_inspection_action').read()[0]
        action['domain'] = [('order_id', 'in', self.ids)]
        return action

    # ------------------------------------------------------------------ creation helpers
    @api.model
    def _prepare_lines_from_sale(self, sale, exclude_orders=None):
        """Line values for what was delivered and not yet claimed by other returns."""
        returnable = self.env['overseas.return.line']._returnable_qty_by_sale_line(
            sale.order_line, exclude_orders=exclude_orders or self.browse())
        values = []
        for sale_line in sale.order_line.filtered(
                lambda l: l.product_id.type in ('product', 'consu')):
            available = returnable[sale_line.id]
            if available <= 0:
                continue
            values.append({
                'product_id': sale_line.product_id.id,
                'product_qty': available,
                'price_unit': sale_line.price_reduce,
                'sale_line_id': sale_line.id,
            })
        return values

    @api.model
    @api.returns('self', lambda value: value.id)
    def create_from_sale_order(self, sale):
        """Create a draft return for a sale order's delivered, unclaimed lines.

        ``sale``: a sale.order record, or its id (XML-RPC / JSON-RPC callers)."""
        sale = self._integration_record('sale.order', sale)
        line_vals = self._prepare_lines_from_sale(sale)
        if not line_vals:
            raise UserError(_('Nothing delivered on %s is left to return.') % sale.name)
        return self.create(self._prepare_vals_from_sale(sale, line_vals))

    @api.model
    def _integration_record(self, model, value):
        """The one record of ``model`` an integrator named, by record or by id: an
        id over RPC, a clear error for anything else (not an AttributeError)."""
        if isinstance(value, models.BaseModel) and value._name == model:
            records = value
        elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
            records = self.env[model].browse(value).exists()
        else:
            records = self.env[model]
        if len(records) != 1:
            raise UserError(_('%(model)s: give one existing record (its id), not %(value)r.')
                            % {'model': model_label(self.env[model]), 'value': value})
        return records

    @api.model
    def _prepare_vals_from_sale(self, sale, line_vals):
        """A return of these lines of a sale: its customer, warehouse, currency,
        reference and validated invoice."""
        invoice = sale.invoice_ids.filtered(
            lambda inv: inv.type == 'out_invoice' and inv.state in ('open', 'paid'))[:1]
        return {
            'partner_id': sale.partner_id.id,
            'company_id': sale.company_id.id,
            'warehouse_id': sale.warehouse_id.id,
            'currency_id': sale.currency_id.id,
            'sale_order_id': sale.id,
            'channel_id': sale.channel_id.id,
            'invoice_id': invoice.id,
            'origin_ref': sale.client_order_ref or sale.name,
            'line_ids': [(0, 0, vals) for vals in line_vals],
        }

    @api.model
    @api.returns('self', lambda value: value.id)
    def create_from_delivery(self, picking):
        """Create a draft return for what a done delivery shipped (a stock.picking
        record, or its id)."""
        picking = self._integration_record('stock.picking', picking)
        if picking.picking_type_code != 'outgoing' or picking.state != 'done':
            raise UserError(_('Returns can only be created from a done delivery.'))
        sale = picking.sale_id
        price_by_product = {}
        if sale:
            for sale_line in sale.order_line:
                price_by_product.setdefault(sale_line.product_id.id, sale_line.price_reduce)
        line_vals = []
        for move in picking.move_lines.filtered(lambda m: m.state == 'done'):
            line_vals.append({
                'product_id': move.product_id.id,
                'product_qty': move.product_qty,
                'price_unit': price_by_product.get(move.product_id.id,
                                                   move.product_id.lst_price),
                'sale_line_id': move.sale_line_id.id,
            })
        warehouse = picking.picking_type_id.warehouse_id
        return self.create({
            'partner_id': (picking.partner_id.commercial_partner_id or picking.partner_id).id,
            'company_id': picking.company_id.id,
            'warehouse_id': warehouse.id,
            'delivery_id': picking.id,
            'sale_order_id': sale.id,
            'channel_id': sale.channel_id.id,
            'currency_id': (sale.currency_id or picking.company_id.currency_id).id,
            'origin_ref': sale.client_order_ref or picking.origin or picking.name,
            'line_ids': [(0, 0, vals) for vals in line_vals],
        })

    def _action_open_form(self):
        action = self.env.ref('overseas_returns.overseas_return_order_action').read()[0]
        action.update(views=[(False, 'form')], view_mode='form', res_id=self.id)
        return action
