from odoo import _, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_escape

from .overseas_return_grade import DISPOSITIONS
from .overseas_return_guard import action_writes

ALL_DISPOSITIONS = [key for key, _label in DISPOSITIONS]
# merged into the line's _action_owned_fields: the box findings belong to inspection
ECONOMICS_OWNED_FIELDS = {
    'proposed_disposition': (), 'disposition_overridden': (),
    'override_money_left': (), 'disposition_option_ids': (),
    'received_weight': ('received',), 'content_finding': ('received',),
}


class OverseasReturnLineEconomics(models.AbstractModel):
    """Part of overseas.return.line (listed in its _inherit): what each disposition of
    a line is worth, the proposal within the hard constraints, and overrides.

    The line's write calls _check_disposition_vals before and
    _record_disposition_override after writing."""

    _name = 'overseas.return.line.economics'
    _description = 'Return Line Economics'

    disposition_option_ids = fields.One2many(
        'overseas.return.disposition.option', 'line_id', string='Disposition Options',
        readonly=True, groups='base.group_user')
    proposed_disposition = fields.Selection(
        DISPOSITIONS, readonly=True, copy=False, groups='base.group_user',
        help='Best expected net within the hard constraints, proposed at inspection.')
    disposition_overridden = fields.Boolean(
        string='Proposal Overridden', readonly=True, copy=False,
        groups='base.group_user')
    override_money_left = fields.Float(
        string='Money Left by Override', readonly=True, copy=False,
        groups='base.group_user',
        help='Expected net of the proposal minus that of the chosen disposition '
             '(currency of the warehouse cost model).')
    received_weight = fields.Float(
        string='Received Weight (kg)', groups='base.group_user',
        help='What the parcel content weighed on arrival; far from the product weight '
             'it raises the risk of the return.')
    content_finding = fields.Selection([
        ('as_expected', 'As expected'),
        ('empty', 'Nothing in the box'),
        ('other_item', 'Something else in the box'),
    ], string='Box Content', groups='base.group_user',
        help='What inspection found in the box.')

    # ------------------------------------------------------------------ constraints
    def _disposition_hard_constraints(self):
        """The dispositions allowed for this line whatever the money says.

        A safety hazard (grade F) is destroyed; goods of a grade that is not
        resellable go neither back on the shelf nor into rework (then the shelf);
        recalled lots, failed safety checks and expiry narrow the list
        (``_units_allowed_dispositions``).
        """
        self.ensure_one()
        grade = self.grade_id
        allowed = list(ALL_DISPOSITIONS)
        if grade.code == 'F':
            allowed = ['scrap']
        elif grade and not grade.resellable:
            allowed = [key for key in ALL_DISPOSITIONS if key not in ('restock', 'rework')]
        # lots: hazards (recall, failed safety check) and expiry narrow it further
        return self._units_allowed_dispositions(allowed)

    def _check_disposition_vals(self, vals):
        """A disposition chosen after inspection (form, RPC, scanner) must stay within
        the hard constraints (called by the line's write before anything is written;
        inspection itself proposes within them)."""
        if 'disposition' not in vals or not vals['disposition']:
            return
        for line in self.filtered(lambda l: l.grade_id and l.state == 'inspected'):
            if vals['disposition'] not in line._disposition_hard_constraints():
                labels = line._disposition_labels()
                raise ValidationError(_(
                    '%(line)s cannot be set to "%(disposition)s": its inspection '
                    'allows only %(allowed)s.') % {
                    'line': line.display_name,
                    'disposition': labels[vals['disposition']],
                    'allowed': ', '.join(labels[key] for key in
                                         line._disposition_hard_constraints())})

    def _record_disposition_override(self, vals):
        """After a disposition was written: store whether it left the proposal and the
        money it leaves (read by the economics report), and tell the return's chatter.
        """
        if 'disposition' not in vals:
            return
        labels = self._disposition_labels()
        # sudo: the figures belong to the economics, whoever chose the disposition
        lines = self.sudo()
        figures = {}
        for line in lines:
            proposed, chosen = line.proposed_disposition, line.disposition
            overridden = bool(proposed and chosen and chosen != proposed)
            left = 0.0
            if overridden:
                nets = {option.disposition: option.expected_net
                        for option in line.disposition_option_ids}
                if chosen in nets:
                    left = nets.get(proposed, 0.0) - nets[chosen]
            if line.disposition_overridden == overridden \
                    and line.override_money_left == left:
                continue  # unchanged (the usual case at inspection): no write
            figures.setdefault((overridden, left), []).append(line.id)
        # one write per distinct result rather than one per line
        with action_writes():
            for (overridden, left), line_ids in figures.items():
                lines.browse(line_ids).write({'disposition_overridden': overridden,
                                              'override_money_left': left})
        for line in lines.filtered('disposition_overridden'):
            line.order_id.message_post(body=_(
                '%(user)s chose "%(chosen)s" instead of the proposed "%(proposed)s" for '
                '%(line)s: %(amount)s less expected.') % {
                'user': html_escape(self.env.user.name),
                'chosen': labels[line.disposition],
                'proposed': labels[line.proposed_disposition],
                'line': html_escape(line.product_id.display_name),
                'amount': '%.2f' % line.override_money_left},
                subtype='mail.mt_note')

    def _disposition_labels(self):
        return dict(self._fields['disposition']._description_selection(self.env))

    # ------------------------------------------------------------------ options
    def _apply_economic_proposal(self):
        """At inspection: price every allowed disposition and propose the best one.

        Lines of a warehouse without a cost model keep the proposal of the grade and
        the disposition rules, narrowed to the hard constraints.
        """
        Option = self.env['overseas.return.disposition.option'].sudo()
        Option.search([('line_id', 'in', self.ids)]).unlink()
        cost_models = self.env['overseas.return.cost.model'].sudo()._for_warehouses(
            self.mapped('warehouse_id'))
        option_vals = []
        proposals = {}
        for line in self:
            allowed = line._disposition_hard_constraints()
            cost_model = cost_models.get(line.warehouse_id)
            if not cost_model:
                proposals[line] = line.disposition if line.disposition in allowed \
                    else allowed[-1]
                continue
            values = [line._prepare_option_vals(cost_model, key) for key in allowed]
            values = [vals for vals in values if vals]
            if not values:
                proposals[line] = allowed[-1]
                continue
            best = max(values, key=lambda vals: (
                vals['expected_net'], vals['disposition'] == line.disposition))
            best['is_proposed'] = True
            proposals[line] = best['disposition']
            option_vals.extend(values)
        for vals in option_vals:
            Option.create(vals)
        with action_writes():
            for disposition in set(proposals.values()):
                lines = self.browse([line.id for line, key in proposals.items()
                                     if key == disposition])
                lines.write({'disposition': disposition,
                             'proposed_disposition': disposition})
        return proposals

    def _option_quantity(self):
        return self.qty_received or self.product_qty

    def _prepare_option_vals(self, cost_model, disposition):
        """Expected recovery and cost of one disposition (None: not offered here)."""
        self.ensure_one()
        product = self.product_id
        qty = self._option_quantity()
        company_currency = self.company_id.currency_id or cost_model.currency_id
        date = fields.Date.context_today(self)

        def convert(amount):
            return company_currency.with_context(date=date).compute(
                amount, cost_model.currency_id, round=False)

        price = convert(product.lst_price)
        product_cost = convert(product.standard_price)
        weight = product.weight * qty
        volume = product.volume * qty
        handling = cost_model.handling_per_unit * qty
        if disposition == 'restock':
            percent = cost_model._resale_percent(self.grade_id,
                                                 self.order_id.channel_id)
            recovery, cost = price * percent / 100.0 * qty, handling
        elif disposition == 'rework':
            recovery = price * cost_model.rework_resale_percent / 100.0 * qty
            cost = handling + cost_model._rework_cost(product.categ_id) * qty
        elif disposition == 'return_to_origin':
            recovery = product_cost * qty
            cost = handling + cost_model._freight(weight, volume) + \
                product_cost * qty * cost_model.duty_percent / 100.0
        elif disposition == 'donate':
            if not cost_model.donation_allowed:
                return None
            recovery = product_cost * qty * cost_model.donation_tax_percent / 100.0
            cost = handling + cost_model.donation_handling * qty
        else:
            recovery = 0.0
            cost = handling + max(cost_model.destruction_fee_per_kg * weight,
                                  cost_model.destruction_fee_min * qty)
        currency = cost_model.currency_id
        recovery, cost = currency.round(recovery), currency.round(cost)
        return {
            'line_id': self.id,
            'disposition': disposition,
            'currency_id': currency.id,
            'expected_recovery': recovery,
            'expected_cost': cost,
            'expected_net': currency.round(recovery - cost),
            'is_proposed': False,
        }


    def _apply_inspection_economics(self):
        """Called when inspection confirms these lines: the proposal by money, then the
        risk of their returns (box findings, wear)."""
        self._apply_economic_proposal()
        self.mapped('order_id')._assess_risk()
