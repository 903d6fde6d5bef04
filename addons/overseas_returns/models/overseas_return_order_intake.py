from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .overseas_return_guard import ensure_one_record

PLACEHOLDER_PARTNER = 'overseas_returns.partner_unidentified'
# keys of create_unidentified() values that describe the scanned unit (one line)
LINE_KEYS = ('sku', 'product_id', 'product_qty', 'lpn', 'reason_id', 'customer_note')


class OverseasReturnIntakeMixin(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): unidentified parcels
    waiting to be matched, and the follow-up each return method needs once approved."""

    _name = 'overseas.return.intake.mixin'
    _description = 'Return Intake'

    is_unidentified = fields.Boolean(
        string='Unidentified Parcel', compute='_compute_is_unidentified', store=True,
        index=True,
        help='No customer is known yet: the return waits in the unidentified parcels '
             'queue until it is matched to a customer and order.')
    unidentified_age_days = fields.Integer(
        string='Waiting (Days)', compute='_compute_unidentified_age_days',
        help='Days since an unidentified parcel was registered.')
    pickup_date = fields.Date(string='Pick-up Date', track_visibility='onchange')
    pickup_carrier = fields.Char(string='Pick-up Carrier')
    drop_off_point = fields.Char(string='Drop-off Point')
    return_label_sent = fields.Boolean(
        string='Return Label Sent', track_visibility='onchange',
        help='Ticked, approving the return does not plan sending the label.')
    followup_return_method = fields.Selection(
        lambda self: self._fields['return_method']._description_selection(self.env),
        string='Follow-up Planned For', readonly=True, copy=False,
        help='The return method whose follow-up was planned on approval; approving '
             'again does not plan it twice.',
             groups='base.group_user')

    @api.model
    def _unidentified_partner(self):
        return self.env.ref(PLACEHOLDER_PARTNER, raise_if_not_found=False) or \
            self.env['res.partner']

    @api.depends('partner_id')
    def _compute_is_unidentified(self):
        """The queue and the approval check: the customer is still the placeholder."""
        placeholder = self._unidentified_partner()
        for order in self:
            order.is_unidentified = bool(placeholder) and \
                order.partner_id == placeholder

    def _compute_unidentified_age_days(self):
        """The age shown in the unidentified parcels queue (0 once identified)."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        for order in self:
            if order.is_unidentified and order.create_date:
                created = fields.Datetime.from_string(order.create_date)
                order.unidentified_age_days = (now - created).days
            else:
                order.unidentified_age_days = 0

    # ------------------------------------------------------------------ intake
    @api.model
    @api.returns('self', lambda value: value.id)
    def create_unidentified(self, values):
        """Register a parcel that matches no order: a draft return of the placeholder
        customer, waiting in the unidentified parcels queue.

        ``values`` holds what was scanned or read: ``tracking_ref``, ``origin_ref``,
        ``warehouse_id`` and other return fields, and the unit itself: ``sku`` (internal
        reference or barcode) or ``product_id``, ``product_qty`` (1 by default),
        ``lpn``, ``reason_id``, ``customer_note``; or ``lines``, a list of such unit
        dicts.  A SKU that matches no product is kept in the internal note.
        """
        if not isinstance(values, dict):
            raise UserError(_('Give the parcel as a dictionary of values (tracking_ref, '
                              'warehouse_id, sku or product_id...), not %r.') % (values,))
        values = dict(values)
        units = values.pop('lines', None) or []
        if not isinstance(units, (list, tuple)) or \
                not all(isinstance(unit, dict) for unit in units):
            raise UserError(_('"lines" must be a list of dictionaries (sku or product_id, '
                              'product_qty...), not %r.') % (units,))
        unit = {key: values.pop(key) for key in LINE_KEYS if key in values}
        if unit:
            units = [unit] + list(units)
        if not units and not any(values.get(key) for key in ('tracking_ref', 'origin_ref')):
            raise UserError(_('An unidentified parcel needs what identifies it: a tracking '
                              'number, an order number, or the units it holds.'))
        for unit in units:
            product_id = unit.get('product_id')
            if product_id not in (None, False) and (
                    isinstance(product_id, bool) or not isinstance(product_id, int)):
                raise UserError(_('"product_id" must be the id of a product, not %r.')
                                % (product_id,))
        line_vals, unknown = self._prepare_unidentified_lines(units)
        if unknown:
            message = _('Scanned SKU(s) matching no product: %(skus)s') % {
                'skus': ', '.join(unknown)}
            values['note'] = '\n'.join(filter(None, [values.get('note'), message]))
        placeholder = self._unidentified_partner()
        if not placeholder:
            raise UserError(_('The "Unidentified parcel" customer is missing; update '
                              'the Overseas Returns module to restore it.'))
        values.update(partner_id=placeholder.id, state='draft')
        if line_vals:
            values['line_ids'] = list(values.get('line_ids') or []) + [
                (0, 0, vals) for vals in line_vals]
        return self.create(values)

    @api.model
    def _prepare_unidentified_lines(self, units):
        """Line values of scanned units and the SKUs that match no product."""
        skus = [unit['sku'] for unit in units
                if unit.get('sku') and not unit.get('product_id')]
        products = {}
        if skus:
            Product = self.env['product.product']
            for field_name in ('barcode', 'default_code'):  # internal reference wins
                for product in Product.search_read([(field_name, 'in', skus)],
                                                   [field_name], order='id desc'):
                    products[product[field_name]] = product['id']
        line_vals, unknown = [], []
        for unit in units:
            product_id = unit.get('product_id')
            if isinstance(product_id, models.BaseModel):
                product_id = product_id.id
            product_id = product_id or products.get(unit.get('sku'))
            if not product_id:
                if unit.get('sku'):
                    unknown.append(unit['sku'])
                continue
            vals = {'product_id': product_id,
                    'product_qty': unit.get('product_qty') or 1.0}
            for key in ('lpn', 'reason_id', 'customer_note'):
                if unit.get(key):
                    vals[key] = unit[key]
            line_vals.append(vals)
        return line_vals, unknown

    @api.multi
    def action_open_match(self):
        """The Match button: the matching wizard of one unidentified parcel."""
        ensure_one_record(self)
        action = self.env.ref('overseas_returns.overseas_return_match_action').read()[0]
        action['context'] = {'default_order_id': self.id}
        return action

    # ------------------------------------------------------------------ follow-ups
    def _schedule_return_method_followups(self):
        """Called at the end of action_approve: plan the next step of the return
        method as a to-do of the responsible, once per return and method."""
        todo = self.env.ref('mail.mail_activity_data_todo')
        model = self.env['ir.model']._get(self._name)
        Activity = self.env['mail.activity']
        for order in self.filtered(
                lambda o: o.followup_return_method != o.return_method):
            values = order._prepare_followup_activity_vals()
            if values:
                values.update(res_model_id=model.id, res_id=order.id,
                              activity_type_id=todo.id)
                Activity.create(values)
            order.followup_return_method = order.return_method

    def _prepare_followup_activity_vals(self):
        """Activity values of the follow-up of this return's method, or None."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        user = self.user_id or self.env.user
        if self.return_method == 'ship_back' and not self.return_label_sent:
            return {'summary': _('Send the return label'), 'date_deadline': today,
                    'user_id': user.id}
        if self.return_method == 'pickup':
            return {'summary': _('Book the carrier pick-up'),
                    'date_deadline': self.pickup_date or today, 'user_id': user.id,
                    'note': self.pickup_carrier or False}
        if self.return_method == 'drop_off':
            return {'summary': _('Tell the customer the drop-off point'),
                    'date_deadline': today, 'user_id': user.id,
                    'note': self.drop_off_point or False}
        return None  # returnless: the refund follows, nothing to plan

    @api.multi
    def action_open_scanner(self):
        """Continue this return on the scanner screen."""
        ensure_one_record(self)
        return self.env['overseas.return.scanner']._scanner_action(order=self)
