from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .overseas_return_guard import action_writes, owner_action
from .overseas_return_rule import _CustomerHistory

# points each signal adds to the score (capped at 100)
RISK_POINTS = {
    'serial_mismatch': 30, 'empty_box': 45, 'other_item': 40, 'weight': 20,
    'wear': 15, 'return_rate': 20, 'return_count': 10, 'early_refund': 15,
    'shared_abuse': 35,
}
WEIGHT_TOLERANCE = 0.3  # received weight off the product's by more than 30 %
RETURN_COUNT_LIMIT = 5  # other returns of the customer in 12 months
RATE_FACTOR = 2.0  # times the channel's baseline return rate
DEFAULT_BASELINE = 10.0
# merged into the order's _action_owned_fields
RISK_OWNED_FIELDS = {
    'risk_score': (), 'risk_reason_ids': (), 'abuse_confirmed': (), 'refund_hold': (),
    'refund_requested_date': ('draft', 'approved'),
}


class OverseasReturnOrderRisk(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): the risk that a return
    is abusive, its reasons and evidence, and the refund hold approval rules set."""

    _name = 'overseas.return.order.risk'
    _description = 'Return Risk'

    risk_score = fields.Integer(
        readonly=True, copy=False, index=True, groups='base.group_user',
        help='0 (nothing unusual) to 100: the sum of the points of its risk reasons.')
    risk_reason_ids = fields.One2many('overseas.return.risk.reason', 'order_id',
                                      string='Risk Reasons', readonly=True,
                                      groups='base.group_user')
    abuse_confirmed = fields.Boolean(
        readonly=True, copy=False, track_visibility='onchange',
        groups='base.group_user',
        help='A manager confirmed this return was abusive: the customer account and '
             'address raise the risk of their other returns.')
    refund_hold = fields.Boolean(
        string='Refund on Hold', readonly=True, copy=False, track_visibility='onchange',
        groups='base.group_user',
        help='Set by an approval rule: no refund before the goods are inspected.')
    refund_requested_date = fields.Datetime(
        string='Refund Requested', copy=False, groups='base.group_user',
        help='When the customer (or the marketplace) asked for the refund.')

    # ------------------------------------------------------------------ actions
    @api.multi
    @owner_action
    def action_assess_risk(self):
        self._assess_risk()
        return True

    @api.multi
    @owner_action
    def action_confirm_abuse(self):
        self._ensure_risk_manager()
        self.write({'abuse_confirmed': True})
        self._assess_risk()
        return True

    @api.multi
    @owner_action
    def action_clear_abuse(self):
        self._ensure_risk_manager()
        self.write({'abuse_confirmed': False})
        return True

    @api.multi
    @owner_action
    def action_release_refund_hold(self):
        self._ensure_risk_manager()
        self.filtered('refund_hold').write({'refund_hold': False})
        return True

    def _ensure_risk_manager(self):
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_('Only a returns manager can confirm abuse or release a '
                                'refund hold.'))

    def _check_refund_hold(self):
        """Called before a refund: a held return is refunded after inspection only."""
        held = self.filtered(lambda order: order.refund_hold and not any(
            line.state in ('inspected', 'disposed') for line in order.line_ids))
        if held:
            raise UserError(_('The refund of %s is on hold until the goods are '
                              'inspected.') % ', '.join(held.mapped('name')))

    # ------------------------------------------------------------------ approval rules
    def _rule_action_hold_refund(self, rule):
        """Approval rule action (see overseas.return.rule.mixin): hold the refund until
        inspection; a returnless return must be sent back after all."""
        vals = {'refund_hold': True}
        if self.return_method == 'returnless':
            vals['return_method'] = 'ship_back'
        self.write(vals)
        self._post_rule_note(_(
            'The approval rule "%(rule)s" holds the refund until the goods are inspected '
            '(risk score %(score)s).') % {'rule': self._rule_label(rule),
                                          'score': self.risk_score})

    # ------------------------------------------------------------------ assessment
    def _assess_risk(self):
        """Rebuild the risk reasons and score of these returns."""
        if not self:
            return
        orders = self.sudo()
        history = _CustomerHistory(self.env)
        abusive = orders.search([('abuse_confirmed', '=', True),
                                 ('company_id', 'in', orders.mapped('company_id').ids)])
        Reason = self.env['overseas.return.risk.reason'].sudo()
        Reason.search([('order_id', 'in', orders.ids)]).unlink()
        for order in orders:
            reasons = order._risk_line_signals() + order._risk_customer_signals(
                history, abusive - order)
            for vals in reasons:
                vals.update(order_id=order.id, points=RISK_POINTS[vals['code']])
                Reason.create(vals)
            with action_writes():
                order.write({'risk_score': min(100, sum(
                    RISK_POINTS[vals['code']] for vals in reasons))})

    def _risk_line_signals(self):
        self.ensure_one()
        signals = []
        for line in self.line_ids:
            product = line.product_id.display_name
            if 'serial_mismatch' in line._fields and line.serial_mismatch:
                signals.append({'code': 'serial_mismatch', 'evidence': _(
                    '%(product)s: a received serial was not delivered to this '
                    'customer.') % {'product': product}})
            if line.content_finding in ('empty', 'other_item'):
                code = 'empty_box' if line.content_finding == 'empty' else 'other_item'
                signals.append({'code': code, 'evidence': _(
                    '%(product)s: inspection found "%(finding)s".') % {
                    'product': product, 'finding': dict(line._fields[
                        'content_finding']._description_selection(self.env))[
                        line.content_finding]}})
            expected = line.product_id.weight * (line.qty_received or line.product_qty)
            if line.received_weight and expected and \
                    abs(line.received_weight - expected) > WEIGHT_TOLERANCE * expected:
                signals.append({'code': 'weight', 'evidence': _(
                    '%(product)s: %(received)s kg received, %(expected)s kg '
                    'expected.') % {'product': product,
                                    'received': '%g' % line.received_weight,
                                    'expected': '%g' % expected}})
            if line.reason_id.category_id.code == 'expectation' and line.grade_id \
                    and line.grade_id.code != 'A':
                signals.append({'code': 'wear', 'evidence': _(
                    '%(product)s: returned as "%(reason)s" but graded %(grade)s.') % {
                    'product': product, 'reason': line.reason_id.name,
                    'grade': line.grade_id.code}})
        return signals

    def _risk_customer_signals(self, history, abusive):
        self.ensure_one()
        signals = []
        count = history.return_count(self)
        if count >= RETURN_COUNT_LIMIT:
            signals.append({'code': 'return_count', 'evidence': _(
                '%(count)s other returns in the last 12 months.') % {'count': count}})
        rate = history.return_rate(self)
        baseline = self.channel_id.return_rate_baseline if self.channel_id \
            else DEFAULT_BASELINE
        if rate is not None and rate > RATE_FACTOR * baseline:
            signals.append({'code': 'return_rate', 'evidence': _(
                'Returned %(rate)s %% of the units delivered in 12 months; the channel '
                'baseline is %(baseline)s %%.') % {'rate': '%.1f' % rate,
                                                   'baseline': '%g' % baseline}})
        requested = self.refund_requested_date
        if requested and (not self.date_received or requested < self.date_received):
            signals.append({'code': 'early_refund', 'evidence': _(
                'Refund requested on %(date)s, before the goods were received.') % {
                'date': requested}})
        shared = abusive.filtered(lambda other: self._shares_identity(other))
        if shared:
            signals.append({'code': 'shared_abuse', 'evidence': _(
                'Same account or address as the abusive returns %(orders)s.') % {
                'orders': ', '.join(shared.mapped('name'))}})
        return signals

    def _shares_identity(self, other):
        """Same customer account, or same street, zip and country."""
        mine, theirs = self.partner_id, other.partner_id
        if mine.commercial_partner_id == theirs.commercial_partner_id:
            return True
        return bool(mine.street and mine.zip) and (
            (mine.street or '').strip().lower(), (mine.zip or '').strip(),
            mine.country_id) == ((theirs.street or '').strip().lower(),
                                 (theirs.zip or '').strip(), theirs.country_id)
