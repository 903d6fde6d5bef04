from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare, float_is_zero, formatLang

from .overseas_return_guard import ensure_one_record, form_action



class OverseasReturnRefundMixin(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): refunds of a return,
    itemised customer credit notes (account.invoice out_refund).

    Kept apart from the return flow itself; the amounts come from the credit notes:
    drafts are not refunded yet, cancelled ones do not count.
    """

    _name = 'overseas.return.refund.mixin'
    _description = 'Return Refunds'

    refund_invoice_ids = fields.One2many('account.invoice', 'overseas_return_id',
                                         string='Credit Notes', readonly=True)
    refund_count = fields.Integer(compute='_compute_refund_count')
    refund_to_reconcile = fields.Boolean(
        compute='_compute_refund_to_reconcile', store=True,
        help='A validated credit note is neither reconciled nor paid out yet.')
    refund_age_days = fields.Integer(
        compute='_compute_refund_age_days',
        help='Days since the oldest credit note still to reconcile.')
    restocking_fee_override = fields.Float(
        string='Restocking Fee (%)', track_visibility='onchange',
        help='Set (above 0): replaces the restocking fee of the refund policy.',
        groups='base.group_user')

    @api.model
    def _refresh_refund_amounts(self):
        """The refund policy or a deduction type changed: the stored figures of the
        returns still being refunded follow at once."""
        orders = self.search([('state', 'not in', ('draft', 'cancel', 'rejected')),
                              ('refund_state', '!=', 'refunded')])
        orders._recompute_refund_figures()

    def _refund_figure_fields(self):
        """The stored figures computed from the credit notes."""
        return [self._fields[name] for name in (
            'amount_refundable', 'amount_refunded', 'refund_state', 'refund_to_reconcile')]

    def _keeping_refund_figures(self):
        """Context manager for state changes that cannot change the refund figures of
        these returns (a line inspected -> disposed, a return received -> inspected ->
        done: both sides count the same in _refund_allowed_state and _refund_lines).
        Odoo would otherwise recompute the whole refund proposal of each return on the
        way. Only the writes in these records' env are covered."""
        return self.env.protecting(self._refund_figure_fields(), self)

    def _recompute_refund_figures(self):
        if self:
            for field in self._refund_figure_fields():
                self.env.add_todo(field, self)
            self.recompute()

    def _compute_refund_count(self):
        for order in self:
            order.refund_count = len(order.refund_invoice_ids)

    # Everything the figures are computed from on the return itself; the refund policy
    # and the deduction types have no field path from here: their own create/write/unlink
    # refresh the open returns (_refresh_refund_amounts).
    @api.depends('state', 'return_method', 'is_exchanged', 'restocking_fee_override',
                 'currency_id', 'company_id', 'partner_id', 'invoice_id',
                 'invoice_id.currency_id', 'invoice_id.fiscal_position_id',
                 'invoice_id.invoice_line_ids.price_unit',
                 'invoice_id.invoice_line_ids.discount',
                 'invoice_id.invoice_line_ids.quantity',
                 'invoice_id.invoice_line_ids.product_id',
                 'invoice_id.invoice_line_ids.sale_line_ids',
                 'invoice_id.invoice_line_ids.invoice_line_tax_ids',
                 'line_ids', 'line_ids.state', 'line_ids.product_id', 'line_ids.product_qty',
                 'line_ids.qty_received', 'line_ids.grade_id', 'line_ids.fault_party',
                 'line_ids.reason_id', 'line_ids.price_unit', 'line_ids.sale_line_id',
                 'refund_invoice_ids', 'refund_invoice_ids.state',
                 'refund_invoice_ids.amount_total', 'refund_invoice_ids.currency_id',
                 'refund_invoice_ids.date_invoice',
                 'refund_invoice_ids.invoice_line_ids.price_subtotal',
                 'refund_invoice_ids.invoice_line_ids.return_line_id',
                 'refund_invoice_ids.invoice_line_ids.return_deduction_type')
    def _compute_refund_amounts(self):
        for order in self:
            # the warehouse floor triggers this too; the amounts come from accounting
            order_sudo = order.sudo()
            refunded = sum(
                refund.currency_id.with_context(date=refund.date_invoice).compute(
                    refund.amount_total, order.currency_id)
                for refund in order_sudo.refund_invoice_ids
                if refund.state in ('open', 'paid'))
            refundable = 0.0
            if order._refund_allowed_state():
                proposal = order_sudo._refund_proposal(include_drafts=False,
                                                       for_totals=True)
                refundable = order_sudo._refund_totals(proposal)[1]
            currency = order.currency_id or order.company_id.currency_id
            refundable = currency.round(max(refundable, 0.0))
            order.amount_refunded = currency.round(refunded)
            order.amount_refundable = refundable
            if float_is_zero(refunded, precision_rounding=currency.rounding):
                order.refund_state = 'none' if float_is_zero(
                    refundable, precision_rounding=currency.rounding) else 'to_refund'
            else:
                order.refund_state = 'refunded' if float_is_zero(
                    refundable, precision_rounding=currency.rounding) else 'partial'

    @api.depends('refund_invoice_ids.state')
    def _compute_refund_to_reconcile(self):
        for order in self:
            order.refund_to_reconcile = any(
                refund.state == 'open' for refund in order.sudo().refund_invoice_ids)

    def _compute_refund_age_days(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        for order in self:
            dates = [fields.Date.from_string(refund.date_invoice)
                     for refund in order.sudo().refund_invoice_ids
                     if refund.state == 'open' and refund.date_invoice]
            order.refund_age_days = (today - min(dates)).days if dates else 0

    # ------------------------------------------------------------------ actions
    @api.multi
    def action_create_refund(self, amount=None):
        """Create a draft customer credit note and return its id.

        Without ``amount`` it refunds what inspection and the refund policy allow
        (returned value minus deductions); with ``amount`` the credit note totals
        exactly that amount, spread over the returned products.
        """
        ensure_one_record(self)
        self._ensure_can_refund()
        proposal = self._refund_proposal(include_drafts=True)
        if amount is not None:
            currency = self._refund_currency()
            if isinstance(amount, bool) or not isinstance(amount, (int, float)) \
                    or amount != amount or amount in (float('inf'), float('-inf')):
                raise UserError(_('A refund amount must be a number, not %r.') % (amount,))
            # no fraction of the currency's smallest unit (no fractional yen)
            amount = currency.round(amount)
            if float_compare(amount, 0.0, precision_rounding=currency.rounding) <= 0:
                raise UserError(_('A refund amount must be positive.'))
            proposal = self._scale_refund(
                [vals for vals in proposal if not vals.get('return_deduction_type')], amount)
        return self._create_refund_invoice(proposal).id

    @api.multi
    def action_open_refund_wizard(self):
        ensure_one_record(self)
        wizard = self.env['overseas.return.refund.wizard']._create_for_order(self)
        action = form_action(self.env, 'overseas_returns.overseas_return_refund_wizard_action')
        action.update(res_id=wizard.id, context={})
        return action

    @api.multi
    def action_view_refunds(self):
        action = self.env.ref('account.action_invoice_tree1').read()[0]
        action['domain'] = [('overseas_return_id', 'in', self.ids)]
        action['context'] = {'default_type': 'out_refund', 'type': 'out_refund'}
        return action

    def _update_state_from_refunds(self):
        """A returnless return is done once it is refunded."""
        done = self.filtered(lambda order: order.return_method == 'returnless'
                             and order.state == 'approved'
                             and order.refund_state == 'refunded')
        if done:
            done._set_done()

    # ------------------------------------------------------------------ checks
    def _refund_allowed_state(self):
        self.ensure_one()
        if self.is_exchanged:
            return False  # settled with goods: nothing is left to refund
        if self.return_method == 'returnless':
            return self.state in ('approved', 'done')
        return self.state in ('received', 'inspected', 'done') and any(
            line.state in ('inspected', 'disposed') for line in self.line_ids)

    def _ensure_can_refund(self):
        self._ensure_not_exchanged()
        self._check_refund_hold()
        if not self.env.user.has_group('account.group_account_invoice'):
            raise AccessError(_('Only users with invoicing rights can refund returns.'))
        for order in self:
            if not order._refund_allowed_state():
                raise UserError(_(
                    '%s cannot be refunded yet: the goods must be inspected first '
                    '(returnless returns: approved).') % order.name)
        self.mapped('line_ids')._check_units_refundable()

    def _refund_currency(self):
        return self.invoice_id.currency_id or self.currency_id

    # ------------------------------------------------------------------ proposal
    def _refund_lines(self):
        if self.return_method == 'returnless':
            return self.line_ids
        return self.line_ids.filtered(lambda line: line.state in ('inspected', 'disposed'))

    def _refund_quantity(self, line):
        return line.product_qty if self.return_method == 'returnless' else line.qty_received

    def _match_invoice_lines(self, lines):
        """{return line: original invoice line}, by sale line first, then by product."""
        invoice_lines = self.invoice_id.invoice_line_ids
        result = {}
        for line in lines:
            match = invoice_lines.filtered(
                lambda inv_line: line.sale_line_id and line.sale_line_id in inv_line.sale_line_ids)
            if not match:
                match = invoice_lines.filtered(lambda inv_line: inv_line.product_id == line.product_id)
            result[line] = match[:1]
        return result

    def _credited_by_line(self, include_drafts):
        """{return line id: (goods value credited, deduction codes applied)}.

        Deductions are applied once and do not count as goods credited: a line
        refunded in full minus its restocking fee has nothing left to refund.
        """
        states = ('draft', 'open', 'paid') if include_drafts else ('open', 'paid')
        credited = {}
        for inv_line in self.refund_invoice_ids.filtered(
                lambda inv: inv.state in states).mapped('invoice_line_ids'):
            amount, codes = credited.get(inv_line.return_line_id.id, (0.0, set()))
            if inv_line.return_deduction_type:
                codes = codes | {inv_line.return_deduction_type}
            else:
                amount += inv_line.price_subtotal
            credited[inv_line.return_line_id.id] = (amount, codes)
        return credited

    def _refund_proposal(self, include_drafts=True, for_totals=False):
        """Credit note line values: returned products minus the policy's deductions.

        ``for_totals``: only the amounts are wanted (the stored refund figures), so the
        lines' labels and income accounts, a product name and an ``ir.property`` lookup
        each, are left out. Otherwise each product's account is looked up once.
        """
        self.ensure_one()
        lines = self._refund_lines()
        if not lines:
            return []
        currency = self._refund_currency()
        matched = self._match_invoice_lines(lines)
        credited = self._credited_by_line(include_drafts)
        rules = self.env['overseas.return.refund.rule']._rule_for_lines(lines)
        fiscal_position = self.invoice_id.fiscal_position_id or \
            self.partner_id.property_account_position_id
        deduction_types = self._deduction_types()
        accounts = None if for_totals else {}
        proposal = []
        for line in lines:
            inv_line = matched.get(line)
            quantity = self._refund_quantity(line)
            if float_is_zero(quantity, precision_rounding=line.product_uom_id.rounding):
                continue
            if inv_line:
                price_unit, discount = inv_line.price_unit, inv_line.discount
                taxes, account = inv_line.invoice_line_tax_ids, inv_line.account_id
            else:
                price_unit, discount = line.price_unit, 0.0
                taxes = self._product_taxes(line.product_id, fiscal_position)
                account = self._income_account(line.product_id, fiscal_position, accounts)
            base = currency.round(quantity * price_unit * (1 - discount / 100.0))
            done_amount, done_codes = credited.get(line.id, (0.0, set()))
            vals = {
                'return_line_id': line.id, 'product_id': line.product_id.id,
                'name': '' if for_totals else line.product_id.display_name,
                'quantity': quantity,
                'price_unit': price_unit, 'discount': discount, 'tax_ids': taxes.ids,
                'account_id': account and account.id, 'uom_id': line.product_uom_id.id,
                'sale_line_ids': (line.sale_line_id | inv_line.sale_line_ids).ids
                if inv_line else line.sale_line_id.ids,
            }
            if not float_is_zero(done_amount, precision_rounding=currency.rounding):
                # the units were counted by the first credit note; this one adds money
                vals['sale_line_ids'] = []
                remaining = base - done_amount
                if float_compare(remaining, 0.0, precision_rounding=currency.rounding) <= 0:
                    continue
                vals.update(price_unit=currency.round(remaining / quantity), discount=0.0)
            proposal.append(vals)
            rule = rules[line]
            restocking_fee = rule.restocking_fee_percent
            if self.restocking_fee_override:
                restocking_fee = self.restocking_fee_override
            percents = {'restocking_fee': restocking_fee,
                        'damage': rule.damage_percent if line.fault_party == 'customer' else 0.0}
            for code, percent in percents.items():
                if percent and code not in done_codes and code in deduction_types:
                    proposal.append(self._deduction_vals(
                        deduction_types[code], currency.round(base * percent / 100.0),
                        taxes, line, accounts))
        label_fee = max([rule.return_label_fee for rule in rules.values()
                         if rule and not rule.refund_return_shipping] or [0.0])
        label_done = any('return_label' in codes for _amount, codes in credited.values())
        if label_fee and not label_done and proposal and self.return_method != 'returnless' \
                and 'return_label' in deduction_types:
            fee = self.company_id.currency_id.with_context(
                date=fields.Date.context_today(self)).compute(label_fee, currency)
            label_type = deduction_types['return_label']
            proposal.append(self._deduction_vals(
                label_type, fee, self._product_taxes(label_type.product_id, fiscal_position),
                None, accounts))
        return proposal

    def _product_taxes(self, product, fiscal_position):
        return fiscal_position.map_tax(product.taxes_id.filtered(
            lambda tax: tax.company_id == self.company_id))

    def _deduction_types(self):
        types = self.env['overseas.return.deduction.type'].search(
            ['|', ('company_id', '=', False), ('company_id', '=', self.company_id.id)],
            order='company_id')
        return {deduction.code: deduction for deduction in types}

    def _deduction_vals(self, deduction_type, amount, taxes, line, accounts=None):
        """A deduction lowers the refund (goodwill raises it): a signed price.

        ``accounts``: see _income_account; None leaves the account and label out (the
        amounts alone are wanted)."""
        sign = 1 if deduction_type.code == 'goodwill' else -1
        fiscal_position = self.invoice_id.fiscal_position_id or \
            self.partner_id.property_account_position_id
        account = deduction_type.account_id or self._income_account(
            deduction_type.product_id, fiscal_position, accounts)
        name = deduction_type.name
        if line and accounts is not None:
            name = '%s - %s' % (deduction_type.name, line.product_id.display_name)
        return {
            'return_line_id': line.id if line else False,
            'return_deduction_type': deduction_type.code,
            'product_id': deduction_type.product_id.id, 'name': name, 'quantity': 1.0,
            'price_unit': sign * amount, 'discount': 0.0, 'tax_ids': taxes.ids,
            'account_id': account and account.id,
            'uom_id': deduction_type.product_id.uom_id.id,
        }

    def _income_account(self, product, fiscal_position, accounts=None):
        """May be empty: amounts are proposed anyway, the credit note then refuses.

        ``accounts`` is a {product id: account} memo for one proposal (the same fee
        product recurs on every line); None: no account is wanted, False is returned.
        """
        if accounts is None:
            return False
        if product.id not in accounts:
            accounts[product.id] = self.env['account.invoice.line'].get_invoice_line_account(
                'out_refund', product, fiscal_position, self.company_id)
        return accounts[product.id]

    # ------------------------------------------------------------------ amounts
    def _line_totals(self, vals):
        """(untaxed, taxes included) of one credit note line, as the invoice computes it."""
        currency = self._refund_currency()
        taxes = self.env['account.tax'].browse(vals['tax_ids'])
        price = vals['price_unit'] * (1 - (vals.get('discount') or 0.0) / 100.0)
        product = self.env['product.product'].browse(vals['product_id'])
        partner = self.invoice_id.partner_id or self.partner_id
        if not taxes:
            untaxed = currency.round(price * vals['quantity'])
            return untaxed, untaxed
        res = taxes.compute_all(price, currency, vals['quantity'], product, partner)
        return res['total_excluded'], res['total_included']

    def _refund_totals(self, proposal):
        totals = [self._line_totals(vals) for vals in proposal]
        return sum(t[0] for t in totals), sum(t[1] for t in totals)

    def _scale_refund(self, proposal, amount):
        """Spread ``amount`` (taxes included) over the product lines, to the cent."""
        if not proposal:
            raise UserError(_('Nothing is left to refund on %s.') % self.name)
        currency = self._refund_currency()
        full = self._refund_totals(proposal)[1]
        factor = amount / full
        scaled = []
        for vals in proposal:
            net = vals['price_unit'] * (1 - (vals.get('discount') or 0.0) / 100.0)
            scaled.append(dict(vals, price_unit=currency.round(net * factor), discount=0.0))
        difference = currency.round(amount - self._refund_totals(scaled)[1])
        if not currency.is_zero(difference):
            scaled.append(self._rounding_vals(scaled[-1], difference))
        return scaled

    def _rounding_vals(self, model_vals, difference):
        """A line with the last product's taxes whose total is exactly ``difference``."""
        currency = self._refund_currency()
        vals = dict(model_vals, return_deduction_type=False, quantity=1.0, discount=0.0,
                    name=_('Rounding adjustment'))
        ratio = self._line_totals(dict(vals, price_unit=1.0))[1] or 1.0
        start = currency.round(difference / ratio)
        # the currency's own step: 0.01 for euros, 1 for yen, 0.05 for Swiss francs
        for step in (0, 1, -1, 2, -2):
            candidate = dict(vals, price_unit=currency.round(start + step * currency.rounding))
            if currency.is_zero(self._line_totals(candidate)[1] - difference):
                return candidate
        return dict(vals, price_unit=difference, tax_ids=[])

    def _check_refund_limits(self, proposal, total, excluded=None):
        """Never credit more than was invoiced, per product and in total, and on a
        return's credit notes no more of a product than the units that came back.
        ``excluded``: the credit note being validated (its lines are the proposal)."""
        currency = self._refund_currency()
        if float_compare(total, 0.0, precision_rounding=currency.rounding) <= 0:
            raise UserError(_('A refund must be a positive amount.'))
        excluded = excluded or self.env['account.invoice']
        invoice = self.invoice_id
        earlier = self._credit_notes_counted(excluded)
        if invoice:
            invoiced_total = invoice.amount_total
            invoiced = self._sum_by_product(invoice.invoice_line_ids)
            unit_prices = self._invoiced_unit_prices(invoice)
        else:
            fiscal_position = self.partner_id.property_account_position_id
            invoiced_total = sum(self._line_totals({
                'product_id': line.product_id.id, 'quantity': line.product_qty,
                'price_unit': line.price_unit, 'discount': 0.0,
                'tax_ids': self._product_taxes(line.product_id, fiscal_position).ids})[1]
                for line in self.line_ids)
            invoiced = {}
            for line in self.line_ids:
                invoiced[line.product_id.id] = invoiced.get(line.product_id.id, 0.0) + \
                    line.price_subtotal
            unit_prices = {}
        credited_total = sum(earlier.mapped('amount_total'))
        credited = self._sum_by_product(earlier.mapped('invoice_line_ids'))
        if float_compare(credited_total + total, invoiced_total,
                         precision_rounding=currency.rounding) > 0:
            raise UserError(_(
                'This refund of %(amount)s would bring the credit notes to %(credited)s, '
                'more than the %(invoiced)s invoiced.') % {
                'amount': self._format_amount(total, currency),
                'credited': self._format_amount(credited_total + total, currency),
                'invoiced': self._format_amount(invoiced_total, currency)})
        new = {}
        for vals in proposal:
            product_id = self._credited_product_id(vals)
            new[product_id] = new.get(product_id, 0.0) + self._line_totals(vals)[0]
        returned = self._returned_value_by_product(unit_prices)
        mine = self._sum_by_product(earlier.filtered(
            lambda inv: inv.overseas_return_id == self).mapped('invoice_line_ids'))
        Product = self.env['product.product']
        for product_id, amount in new.items():
            if product_id not in invoiced:
                continue  # a fee or goodwill product: the totals above bound it
            if float_compare(credited.get(product_id, 0.0) + amount, invoiced[product_id],
                             precision_rounding=currency.rounding) > 0:
                raise UserError(_(
                    'More of %(product)s would be credited (%(credited)s) than was '
                    'invoiced (%(invoiced)s).') % {
                    'product': Product.browse(product_id).display_name,
                    'credited': self._format_amount(
                        credited.get(product_id, 0.0) + amount, currency),
                    'invoiced': self._format_amount(invoiced[product_id], currency)})
            if float_compare(mine.get(product_id, 0.0) + amount,
                             returned.get(product_id, 0.0),
                             precision_rounding=currency.rounding) > 0:
                raise UserError(_(
                    'The credit notes of %(order)s would credit %(credited)s of '
                    '%(product)s, more than the %(returned)s its returned units are worth.')
                    % {'order': self.name,
                       'product': Product.browse(product_id).display_name,
                       'credited': self._format_amount(
                           mine.get(product_id, 0.0) + amount, currency),
                       'returned': self._format_amount(
                           returned.get(product_id, 0.0), currency)})

    def _credit_notes_counted(self, excluded):
        """The credit notes that count against this return's invoice: Odoo's own on the
        invoice and those of every return of it (also one whose link to the invoice
        was cleared), or, without an invoice, this return's; cancelled ones do not."""
        notes = self.sudo().refund_invoice_ids
        if self.invoice_id:
            notes |= self.sudo().invoice_id.refund_invoice_ids | \
                self.env['account.invoice'].sudo().search([
                    ('type', '=', 'out_refund'),
                    ('overseas_return_id.invoice_id', '=', self.invoice_id.id)])
        return (notes - excluded.sudo()).filtered(lambda inv: inv.state != 'cancel') \
            .with_env(self.env)

    @api.model
    def _invoiced_unit_prices(self, invoice):
        """Untaxed price of one unit of each product on the invoice, after discount:
        the highest of its lines (a returned unit may be matched to any of them)."""
        prices = {}
        for inv_line in invoice.invoice_line_ids:
            if inv_line.quantity > 0:
                product = inv_line.product_id.id
                prices[product] = max(prices.get(product, 0.0),
                                      inv_line.price_subtotal / inv_line.quantity)
        return prices

    def _returned_value_by_product(self, unit_prices):
        """What the units of this return are worth, untaxed, per product: the units
        received (announced, for a returnless return) at the invoiced price, else at
        the line's price."""
        result = {}
        for line in self.line_ids:
            qty = line.product_qty if self.return_method == 'returnless' \
                else line.qty_received
            price = unit_prices.get(line.product_id.id, line.price_unit)
            result[line.product_id.id] = result.get(line.product_id.id, 0.0) + qty * price
        return result

    def _check_refund_invoice_limits(self, refund):
        """_check_refund_limits for an existing credit note of this return, when it is
        validated: its lines are the proposal; the other credit notes count, this one
        not. A cancelled or exchanged return, or another customer's credit note, is
        refused."""
        self.ensure_one()
        if self.state in ('cancel', 'rejected'):
            raise UserError(_('%(refund)s cannot be validated: its return %(order)s was '
                              'cancelled or rejected.') % {
                'refund': refund.number or refund.name or refund.origin or '',
                'order': self.name})
        self._ensure_not_exchanged()
        if refund.partner_id.commercial_partner_id != \
                self.partner_id.commercial_partner_id:
            raise UserError(_('%(refund)s cannot be validated: it is for %(partner)s, '
                              'not for %(customer)s, the customer of %(order)s.') % {
                'refund': refund.number or refund.name or refund.origin or '',
                'partner': refund.partner_id.display_name,
                'customer': self.partner_id.display_name, 'order': self.name})
        proposal = [{
            'return_line_id': line.return_line_id.id, 'product_id': line.product_id.id,
            'quantity': line.quantity, 'price_unit': line.price_unit,
            'discount': line.discount, 'tax_ids': line.invoice_line_tax_ids.ids,
        } for line in refund.invoice_line_ids]
        self._check_refund_limits(proposal, refund.amount_total, excluded=refund)

    def _ensure_no_credit_notes(self):
        """A return whose customer was credited stays: cancel the credit note first
        (a draft one is refused at validation once the return is cancelled)."""
        noted = self.filtered(lambda order: order.sudo().refund_invoice_ids.filtered(
            lambda inv: inv.state in ('open', 'paid')))
        if noted:
            raise UserError(_('%s has a credit note: cancel the credit note first.')
                            % ', '.join(noted.mapped('name')))

    def _format_amount(self, amount, currency):
        """An amount as the user reads it: the currency's digits and symbol."""
        return formatLang(self.env, amount, currency_obj=currency)

    def _credited_product_id(self, vals):
        """Deductions of a line count against that line's product."""
        if vals.get('return_line_id'):
            return self.env['overseas.return.line'].browse(vals['return_line_id']).product_id.id
        return vals['product_id']

    @api.model
    def _sum_by_product(self, invoice_lines):
        result = {}
        for inv_line in invoice_lines:
            product = inv_line.return_line_id.product_id or inv_line.product_id
            result[product.id] = result.get(product.id, 0.0) + inv_line.price_subtotal
        return result

    # ------------------------------------------------------------------ credit note
    def _create_refund_invoice(self, proposal):
        self.ensure_one()
        self._ensure_can_refund()
        currency = self._refund_currency()
        proposal = [vals for vals in proposal
                    if not currency.is_zero(vals['price_unit'] * vals['quantity'])]
        if not proposal:
            raise UserError(_('Nothing is left to refund on %s.') % self.name)
        no_account = [vals['name'] for vals in proposal if not vals.get('account_id')]
        if no_account:
            raise UserError(_('Set an income account on %s (or its product category) '
                              'before refunding.') % ', '.join(no_account))
        self._check_refund_limits(proposal, self._refund_totals(proposal)[1])
        # account.invoice's create computes the taxes of our lines itself (no tax line
        # is given); no field tracking of the draft's computed writes, its chatter
        # starts with where it comes from
        refund = self.env['account.invoice'].with_context(mail_notrack=True).create(
            self._prepare_refund_vals(proposal))
        refund = refund.with_context(mail_notrack=False)
        self._post_created_from(refund)
        return refund

    def _prepare_refund_vals(self, proposal):
        """The credit note: its header from the invoice through account.invoice's own
        refund API (_prepare_refund: salesperson, sales team, shipping address, fiscal
        position, payment terms...), its lines from this return's proposal."""
        invoice = self.invoice_id
        Invoice = self.env['account.invoice']
        if invoice:
            # the lines are this return's: Odoo's copies of the invoice's are not built
            values = Invoice.with_context(refund_without_lines=True)._prepare_refund(
                invoice, description=self.origin_ref or self.name,
                journal_id=invoice.journal_id.id)
            # the return is the credit note's source document (the invoice stays linked
            # through refund_invoice_id)
            values['origin'] = self.name
        else:
            values = self._prepare_refund_header_without_invoice()
        # what account.invoice's create would otherwise ask _onchange_partner_id for
        # (the whole onchange, fiscal position search included, for this one field):
        # the customer's first bank account, where a credit note is paid out
        partner = self.env['res.partner'].browse(values['partner_id'])
        values.setdefault('partner_bank_id',
                          partner.commercial_partner_id.bank_ids[:1].id or False)
        values.update({
            'overseas_return_id': self.id,
            'invoice_line_ids': [(0, 0, self._prepare_refund_line_vals(vals))
                                 for vals in proposal],
            # taxes are computed again from our lines (by account.invoice's create)
            'tax_line_ids': [],
        })
        return values

    def _prepare_refund_header_without_invoice(self):
        """A return with no invoice in Odoo (a marketplace order): the customer's own
        accounting settings (those of the return's company)."""
        partner = self.partner_id.commercial_partner_id.with_context(
            force_company=self.company_id.id)
        journal = self.env['account.invoice'].with_context(
            type='out_refund', company_id=self.company_id.id)._default_journal()
        if not journal:
            raise UserError(_('Define a sales journal for %s first.') % self.company_id.name)
        return {
            'type': 'out_refund',
            'partner_id': partner.id,
            'company_id': self.company_id.id,
            'currency_id': self._refund_currency().id,
            'journal_id': journal.id,
            'account_id': partner.property_account_receivable_id.id,
            'payment_term_id': partner.property_payment_term_id.id,
            'fiscal_position_id': partner.property_account_position_id.id,
            'user_id': (self.sale_order_id.user_id or self.env.user).id,
            'team_id': self.sale_order_id.team_id.id,
            'origin': self.name,
            'name': self.origin_ref or self.name,
        }

    def _prepare_refund_line_vals(self, vals):
        return {
            'product_id': vals['product_id'], 'name': vals['name'],
            'quantity': vals['quantity'], 'price_unit': vals['price_unit'],
            'discount': vals.get('discount') or 0.0,
            'invoice_line_tax_ids': [(6, 0, vals['tax_ids'])],
            'account_id': vals['account_id'], 'uom_id': vals.get('uom_id'),
            'return_line_id': vals.get('return_line_id') or False,
            'return_deduction_type': vals.get('return_deduction_type') or False,
            # the sale order counts refunded units as no longer invoiced
            'sale_line_ids': [(6, 0, vals.get('sale_line_ids') or [])],
        }
