from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

RULE_ACTIONS = [
    ('approve', 'Approve automatically'),
    ('manager', 'Require a manager'),
    ('reject', 'Reject'),
    ('returnless', 'Returnless refund (the customer keeps the goods)'),
    ('restocking_fee', 'Set the restocking fee'),
    ('hold_refund', 'Hold the refund until inspection'),
]
HISTORY_DAYS = 365


class OverseasReturnRule(models.Model):
    """Approval rules: what happens to a new return before anyone looks at it.

    Rules are tried by sequence when a return is created; the first one whose
    conditions all hold (an empty condition holds for every return) decides.
    Amounts are in the company currency and converted into the return's currency.
    """

    _name = 'overseas.return.rule'
    _description = 'Return Approval Rule'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        'res.company', default=lambda self: self.env.user.company_id,
        help='Empty: applies to every company.')
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse',
                                   help='Empty: applies to every warehouse.')
    channel_id = fields.Many2one('overseas.return.channel', string='Sales Channel',
                                 help='Empty: applies to every sales channel.')
    # conditions
    amount_min = fields.Float(
        string='Returned Value From',
        help='The return is worth at least this much (company currency); '
             '0: no minimum.')
    amount_max = fields.Float(
        string='Returned Value Up To',
        help='The return is worth at most this much (company currency); '
             '0: no maximum.')
    reason_category_id = fields.Many2one(
        'overseas.return.reason.category', string='Reason Category',
        help='A line of the return has a reason of this category.')
    product_categ_id = fields.Many2one(
        'product.category', string='Product Category',
        help='A line of the return has a product of this category or of a subcategory.')
    min_return_count = fields.Integer(
        string='Previous Returns (12 Months)',
        help='The customer made at least this many other returns in the 12 months '
             'before the request; 0: not checked.')
    min_return_rate = fields.Float(
        string='Customer Return Rate (%)',
        help='Units returned by the customer (this return included) divided by the '
             'units delivered to them in the 12 months before the request is at least '
             'this percentage; 0: not checked. A customer without deliveries never '
             'matches.')
    min_days_since_delivery = fields.Integer(
        string='Days Since Delivery Over',
        help='More than this many days passed between the delivery (the original '
             'delivery, else the last done delivery of the sale order) and the '
             'request; 0: not checked. A return without a known delivery never '
             'matches.')
    min_risk_score = fields.Integer(
        string='Risk Score From',
        help='The return\'s risk score (0-100) is at least this; 0: not checked.')
    country_ids = fields.Many2many(
        'res.country', 'overseas_return_rule_country_rel', 'rule_id', 'country_id',
        string='Customer Countries', help='Empty: customers of every country.')
    # action
    action = fields.Selection(RULE_ACTIONS, required=True, default='manager')
    reject_reason = fields.Text(translate=True,
                                help='Posted on the rejected return.')
    returnless_max_value = fields.Float(
        string='Keep It Below',
        help='Returnless only when the return is worth less than this (company '
             'currency). With a return shipping cost too, either test is enough.')
    return_shipping_cost = fields.Float(
        help='What sending the goods back costs (company currency): returnless when it '
             'costs more than the goods are worth.')
    restocking_fee_percent = fields.Float(
        string='Restocking Fee (%)',
        help='Written on the return; its refund uses it instead of the refund policy.')
    activity_user_id = fields.Many2one(
        'res.users', string='Approver',
        help='Who is asked to approve; empty: every returns manager of the company.')

    @api.constrains('action', 'reject_reason', 'restocking_fee_percent')
    def _check_action(self):
        for rule in self:
            values = {'rule': rule.name}
            if rule.action == 'reject' and not (rule.reject_reason or '').strip():
                raise ValidationError(_(
                    'The approval rule "%(rule)s" rejects returns: give the '
                    'reason.') % values)
            if rule.action == 'restocking_fee' and not rule.restocking_fee_percent > 0:
                raise ValidationError(_(
                    'The approval rule "%(rule)s" sets the restocking fee: give a '
                    'percentage above 0.') % values)
            if not 0.0 <= rule.restocking_fee_percent <= 100.0:
                raise ValidationError(_(
                    'The restocking fee of the approval rule "%(rule)s" must be '
                    'between 0 and 100 %%.') % values)

    @api.constrains('amount_min', 'amount_max', 'min_return_count', 'min_return_rate',
                    'min_risk_score',
                    'min_days_since_delivery', 'returnless_max_value',
                    'return_shipping_cost')
    def _check_thresholds(self):
        for rule in self:
            values = (rule.amount_min, rule.amount_max, rule.min_return_count,
                      rule.min_risk_score,
                      rule.min_return_rate, rule.min_days_since_delivery,
                      rule.returnless_max_value, rule.return_shipping_cost)
            if any(value < 0 for value in values) or rule.min_risk_score > 100:
                raise ValidationError(_(
                    'The conditions of the approval rule "%(rule)s" cannot be '
                    'negative.') % {'rule': rule.name})
            if rule.amount_max and rule.amount_min > rule.amount_max:
                raise ValidationError(_(
                    'The approval rule "%(rule)s" has a minimum value above its '
                    'maximum.') % {'rule': rule.name})

    # ------------------------------------------------------------------ matching
    @api.model
    def _rule_for_orders(self, orders):
        """{order: the first matching rule (an empty recordset when none matches)}."""
        rules = self.search([])
        if any(rules.mapped('min_risk_score')):
            orders._assess_risk()
        stats = _CustomerHistory(self.env)
        categories = {}
        result = {}
        for order in orders:
            result[order] = next(
                (rule for rule in rules if rule._matches(order, stats, categories)),
                self.browse())
        return result

    def _matches(self, order, stats, categories):
        """Cheap conditions first; the customer's history last (it needs queries)."""
        self.ensure_one()
        if self.company_id and self.company_id != order.company_id:
            return False
        if self.warehouse_id and self.warehouse_id != order.warehouse_id:
            return False
        if self.channel_id and self.channel_id != order.channel_id:
            return False
        partner = order.partner_id
        country = partner.country_id or partner.commercial_partner_id.country_id
        if self.country_ids and country not in self.country_ids:
            return False
        value = order.amount_total
        currency = order.currency_id
        if self.amount_min and currency.compare_amounts(
                value, self._in_currency(self.amount_min, order)) < 0:
            return False
        if self.amount_max and currency.compare_amounts(
                value, self._in_currency(self.amount_max, order)) > 0:
            return False
        if self.action == 'returnless' and not self._returnless_worth_it(order):
            return False
        if self.reason_category_id and self.reason_category_id not in \
                order.line_ids.mapped('reason_category_id'):
            return False
        if self.product_categ_id:
            categ_id = self.product_categ_id.id
            if categ_id not in categories:
                categories[categ_id] = self.env['product.category'].search(
                    [('id', 'child_of', categ_id)])
            if not order.line_ids.mapped('product_id.categ_id') & categories[categ_id]:
                return False
        if self.min_risk_score and order.risk_score < self.min_risk_score:
            return False
        if self.min_days_since_delivery:
            days = stats.days_since_delivery(order)
            if days is None or days <= self.min_days_since_delivery:
                return False
        if self.min_return_count and \
                stats.return_count(order) < self.min_return_count:
            return False
        if self.min_return_rate:
            rate = stats.return_rate(order)
            if rate is None or rate < self.min_return_rate:
                return False
        return True

    def _returnless_worth_it(self, order):
        """Cheaper to let the customer keep the goods than to ship them back.

        Without either threshold the other conditions alone decide.
        """
        if not self.returnless_max_value and not self.return_shipping_cost:
            return True
        currency = order.currency_id
        value = order.amount_total
        if self.returnless_max_value and currency.compare_amounts(
                value, self._in_currency(self.returnless_max_value, order)) < 0:
            return True
        return bool(self.return_shipping_cost and currency.compare_amounts(
            self._in_currency(self.return_shipping_cost, order), value) > 0)

    def _in_currency(self, amount, order):
        """A rule amount (company currency) in the return's currency, at its date."""
        company_currency = (self.company_id or order.company_id).currency_id
        if not order.currency_id or order.currency_id == company_currency:
            return amount
        return company_currency.with_context(
            date=order.date_requested or fields.Date.context_today(self)).compute(
                amount, order.currency_id, round=False)


class _CustomerHistory(object):
    """The customer figures of each return for one run of the rules, each computed
    once and only when a rule asks for it."""

    def __init__(self, env):
        self.env = env
        self.cache = {}

    @staticmethod
    def _window(order):
        end = fields.Date.from_string(order.date_requested or fields.Date.today())
        return end - timedelta(days=HISTORY_DAYS), end

    def _cached(self, kind, order, compute):
        key = (kind, order.id)
        if key not in self.cache:
            self.cache[key] = compute(order)
        return self.cache[key]

    def _order_domain(self, order):
        start, end = self._window(order)
        return [('partner_id', 'child_of', order.partner_id.commercial_partner_id.id),
                ('company_id', '=', order.company_id.id),
                ('state', '!=', 'cancel'),
                ('date_requested', '>=', fields.Date.to_string(start)),
                ('date_requested', '<=', fields.Date.to_string(end))]

    def return_count(self, order):
        """Other returns of the customer in the 12 months before the request."""
        return self._cached('count', order, lambda rec: self.env[
            'overseas.return.order'].sudo().search_count(
                self._order_domain(rec) + [('id', '!=', rec.id)]))

    def return_rate(self, order):
        """Returned units / delivered units in percent, None without deliveries."""
        return self._cached('rate', order, self._compute_rate)

    def _compute_rate(self, order):
        start, end = self._window(order)
        commercial = order.partner_id.commercial_partner_id
        moves = self.env['stock.move'].sudo().read_group([
            ('state', '=', 'done'),
            ('company_id', '=', order.company_id.id),
            ('location_id.usage', '=', 'internal'),
            ('location_dest_id.usage', '=', 'customer'),
            ('picking_id.partner_id', 'child_of', commercial.id),
            ('date', '>=', fields.Datetime.to_string(start)),
            ('date', '<', fields.Datetime.to_string(end + timedelta(days=1))),
        ], ['product_qty'], [])
        delivered = moves and moves[0]['product_qty'] or 0.0
        if not delivered:
            return None
        lines = self.env['overseas.return.line'].sudo().read_group(
            [('order_id', 'in', self.env['overseas.return.order'].sudo().search(
                self._order_domain(order)).ids + [order.id])],
            ['product_qty'], [])
        returned = lines and lines[0]['product_qty'] or 0.0
        return 100.0 * returned / delivered

    def days_since_delivery(self, order):
        """Days from the delivery to the request, None when no delivery is known."""
        delivered = order.delivery_id.state == 'done' and order.delivery_id.date_done
        if not delivered and order.sale_order_id:
            dates = order.sale_order_id.picking_ids.filtered(
                lambda picking: picking.picking_type_code == 'outgoing'
                and picking.state == 'done' and picking.date_done).mapped('date_done')
            delivered = dates and max(dates)
        if not delivered:
            return None
        requested = fields.Date.from_string(order.date_requested or fields.Date.today())
        return (requested - fields.Datetime.from_string(delivered).date()).days
