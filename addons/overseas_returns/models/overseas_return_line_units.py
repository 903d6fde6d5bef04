"""Units of a return line: lots and serial numbers, expiry, safety hazards and graded
(used) restock. New fields and hooks only (no override); the line's own
receipt, inspection, disposal and refund code calls the hooks defined here."""
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

# dispositions left when a unit is a safety hazard (failed safety check, recalled lot)
HAZARD_DISPOSITIONS = ('scrap', 'return_to_origin')


class OverseasReturnLine(models.Model):
    _inherit = 'overseas.return.line'

    lot_ids = fields.Many2many(
        'stock.production.lot', 'overseas_return_line_lot_rel', 'line_id', 'lot_id',
        string='Lots/Serial Numbers', copy=False,
        help='The lots or serial numbers received on this line.')
    lot_names = fields.Char(
        string='Lot/Serial Names', compute='_compute_lot_names',
        inverse='_inverse_lot_names',
        help='Comma-separated lot or serial numbers; unknown ones are created.')
    tracking = fields.Selection(related='product_id.tracking', readonly=True)
    serial_mismatch = fields.Boolean(
        readonly=True, copy=False,
        help='A received lot or serial number was not delivered to this customer on the '
             'linked sale: the refund waits for a manager.')
    mismatch_evidence = fields.Text(readonly=True, copy=False)
    mismatch_decision = fields.Selection(
        [('accepted', 'Mismatch accepted'), ('fraud', 'Fraud confirmed')],
        readonly=True, copy=False)
    expiry_state = fields.Selection(
        [('ok', 'In date'), ('short', 'Short shelf life'), ('expired', 'Expired')],
        compute='_compute_expiry_state',
        help='From the lots\' end-of-life (else best-before) dates: short when fewer '
             'days are left than the channel or the product category requires.')
    hazard_class = fields.Selection(related='product_id.hazard_class', readonly=True)
    recalled = fields.Boolean(compute='_compute_hazard_reason')
    hazard_reason = fields.Text(
        compute='_compute_hazard_reason',
        help='Why only destruction or return to origin is allowed.')
    writedown_amount = fields.Monetary(
        readonly=True, copy=False,
        help='Value written down when the unit was restocked as graded (used) stock.')

    @api.depends('lot_ids.name')
    def _compute_lot_names(self):
        for line in self:
            line.lot_names = ', '.join(line.lot_ids.mapped('name'))

    def _inverse_lot_names(self):
        for line in self:
            line.lot_ids = [(6, 0, line._find_or_create_lots(line.lot_names).ids)]

    def _find_or_create_lots(self, names):
        """The lots of this line's product named in ``names`` (comma-separated or a
        list), created when unknown (a serial seen for the first time)."""
        self.ensure_one()
        if isinstance(names, str):
            names = names.split(',')
        names = [name.strip() for name in (names or []) if name and name.strip()]
        if not names:
            return self.env['stock.production.lot']
        if self.product_id.tracking == 'none':
            raise UserError(_('%s is not tracked by lots or serial numbers.')
                            % self.product_id.display_name)
        Lot = self.env['stock.production.lot'].sudo()
        lots = Lot.search([('product_id', '=', self.product_id.id), ('name', 'in', names)])
        known = set(lots.mapped('name'))
        for name in names:
            if name not in known:
                lots |= Lot.create({'name': name, 'product_id': self.product_id.id})
                known.add(name)
        return lots.sudo(self.env.uid)

    def _min_shelf_life_days(self):
        """The strictest of the channel's and the product category's minimum."""
        self.ensure_one()
        return max(self.order_id.channel_id.min_shelf_life_days or 0,
                   self.product_id.categ_id.return_min_shelf_life_days or 0)

    @api.depends('lot_ids.life_date', 'lot_ids.use_date', 'product_id.categ_id',
                 'order_id.channel_id')
    def _compute_expiry_state(self):
        """Used by the inspection (no resellable grade unless 'ok') and the proposal."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        for line in self:
            dates = [fields.Datetime.from_string(lot.life_date or lot.use_date)
                     for lot in line.lot_ids if lot.life_date or lot.use_date]
            if not dates:
                line.expiry_state = False
            elif min(dates) <= now:
                line.expiry_state = 'expired'
            elif min(dates) - now < timedelta(days=line._min_shelf_life_days()):
                line.expiry_state = 'short'
            else:
                line.expiry_state = 'ok'

    @api.depends('lot_ids.return_recalled', 'inspection_id.check_ids.result',
                 'inspection_ids.check_ids.result')
    def _compute_hazard_reason(self):
        for line in self:
            reasons = []
            recalled = line.lot_ids.filtered('return_recalled')
            for lot in recalled:
                reasons.append(_('Lot %(lot)s is recalled: %(note)s') % {
                    'lot': lot.name, 'note': lot.return_recall_note or '-'})
            checks = line.sudo().inspection_ids.mapped('check_ids').filtered(
                lambda check: check.safety and check.result == 'fail')
            for check in checks:
                reasons.append(_('Safety check failed: %s') % ' '.join(
                    filter(None, [check.name, check.note])))
            line.recalled = bool(recalled)
            line.hazard_reason = '\n'.join(reasons) or False

    # ------------------------------------------------------------------ constraints
    @api.constrains('grade_id', 'disposition')
    def _check_units_disposition(self):
        """Server rules of inspection and disposal: no resellable grade for expired or
        short-dated lots, only destruction or return to origin for a hazard."""
        for line in self:
            line._check_units_grade(line.grade_id)
            if line.hazard_reason and line.disposition \
                    and line.disposition not in HAZARD_DISPOSITIONS:
                raise ValidationError(_(
                    '%(line)s is a safety hazard: it can only be destroyed or returned '
                    'to origin.\n%(why)s') % {'line': line.display_name,
                                              'why': line.hazard_reason})
            if line.expiry_state in ('short', 'expired') \
                    and line.disposition in ('restock', 'rework'):
                raise ValidationError(_('%s is expired or too close to its expiry to '
                                        'go back to stock.') % line.display_name)
            if line.expiry_state == 'expired' and line.disposition == 'donate':
                raise ValidationError(_('%s is expired: it cannot be donated.')
                                      % line.display_name)

    def _check_units_grade(self, grade):
        self.ensure_one()
        if grade.resellable and self.expiry_state in ('short', 'expired'):
            raise ValidationError(_(
                '%(line)s cannot be graded resellable: its lot is %(state)s (at least '
                '%(days)s days of shelf life are required).') % {
                'line': self.display_name,
                'state': dict(self._fields['expiry_state']._description_selection(
                    self.env))[self.expiry_state],
                'days': self._min_shelf_life_days()})

    def _units_allowed_dispositions(self, allowed):
        """Narrow the dispositions ``allowed`` by the grade to what hazards and expiry
        permit (read by the economics' hard constraints, so the money-based proposal
        never picks what the constraint below would refuse)."""
        self.ensure_one()
        if self.hazard_reason:
            allowed = [key for key in allowed if key in HAZARD_DISPOSITIONS]
        if self.expiry_state in ('short', 'expired'):
            allowed = [key for key in allowed if key not in ('restock', 'rework')]
        if self.expiry_state == 'expired':
            allowed = [key for key in allowed if key != 'donate']
        return allowed or ['scrap']

    def _units_propose_disposition(self, proposal):
        """The disposition inspection proposes, corrected for hazards and expiry:
        destroy a hazard or an expired unit, donate a short-dated one."""
        self.ensure_one()
        if self.hazard_reason:
            return proposal if proposal in HAZARD_DISPOSITIONS else 'scrap'
        if self.expiry_state == 'expired':
            return 'scrap'
        if self.expiry_state == 'short' and proposal in ('restock', 'rework'):
            return 'donate'
        return proposal

    # ------------------------------------------------------------------ receipt
    def _units_before_receipt(self):
        """Lots required for tracked products; serials counted; then the check
        against what the sale delivered."""
        for line in self:
            tracking = line.product_id.tracking
            qty = line.qty_received
            if tracking == 'none' or float_is_zero(
                    qty, precision_rounding=line.product_uom_id.rounding):
                continue
            if not line.lot_ids:
                raise UserError(_('%s is tracked: enter its lot or serial numbers before '
                                  'receiving it.') % line.display_name)
            if tracking == 'serial' and float_compare(
                    len(line.lot_ids), qty, precision_digits=3) != 0:
                raise UserError(_('%(line)s: %(qty)s units received but %(count)s serial '
                                  'numbers given.') % {
                    'line': line.display_name, 'qty': qty, 'count': len(line.lot_ids)})
        self._check_delivered_lots()

    def _check_delivered_lots(self):
        """Compare the lots of lines from a sale with the lots the sale delivered (one
        query for the deliveries, one for where else the lots went); mark mismatches."""
        lines = self.filtered(lambda line: line.lot_ids and (
            line.sale_line_id or line.order_id.sale_order_id))
        if not lines:
            return
        sales = lines.mapped('sale_line_id.order_id') | lines.mapped('order_id.sale_order_id')
        MoveLine = self.env['stock.move.line'].sudo()
        delivered = MoveLine.search([
            ('move_id.sale_line_id.order_id', 'in', sales.ids), ('state', '=', 'done'),
            ('location_dest_id.usage', '=', 'customer'), ('lot_id', '!=', False)])
        by_sale = {}
        for move_line in delivered:
            sale = move_line.move_id.sale_line_id.order_id
            by_sale.setdefault(sale.id, set()).add(move_line.lot_id.id)
        elsewhere = MoveLine.search([
            ('lot_id', 'in', lines.mapped('lot_ids').ids), ('state', '=', 'done'),
            ('location_dest_id.usage', '=', 'customer')], order='date desc, id desc')
        for line in lines:
            sale = line.sale_line_id.order_id or line.order_id.sale_order_id
            evidence = []
            for lot in line.lot_ids.filtered(lambda l: l.id not in by_sale.get(sale.id, ())):
                other = elsewhere.filtered(lambda ml: ml.lot_id == lot)[:1]
                if other:
                    evidence.append(_('%(lot)s was delivered to %(partner)s on %(ref)s, '
                                      'not on %(sale)s.') % {
                        'lot': lot.name,
                        'partner': (other.picking_id.partner_id
                                    or other.move_id.partner_id).display_name or '-',
                        'ref': other.reference or other.picking_id.name or '-',
                        'sale': sale.name})
                else:
                    evidence.append(_('%(lot)s was never delivered on %(sale)s.') % {
                        'lot': lot.name, 'sale': sale.name})
            if evidence:
                line._record_mismatch('\n'.join(evidence))

    def _record_mismatch(self, evidence):
        self.ensure_one()
        self.sudo().write({'serial_mismatch': True, 'mismatch_evidence': evidence,
                           'fault_party': 'customer', 'mismatch_decision': False})
        self.order_id.message_post(body=_('Serial/lot mismatch on %(line)s: %(why)s '
                                          'The refund waits for a manager.') % {
            'line': self.display_name, 'why': evidence})

    def _prepare_receipt_move_line_vals(self, source, destination, qty):
        """The move lines of one move of this line: one per lot (serials: one each),
        else one without lot."""
        self.ensure_one()
        common = {'product_id': self.product_id.id, 'product_uom_id': self.product_uom_id.id,
                  'location_id': source.id, 'location_dest_id': destination.id}
        if not self.lot_ids or self.product_id.tracking == 'none':
            return [dict(common, qty_done=qty)]
        lots = self.lot_ids.sorted('id')
        vals = []
        remaining = qty
        for lot in lots:
            done = remaining if lot == lots[-1] else min(1.0, remaining)
            vals.append(dict(common, qty_done=done, lot_id=lot.id))
            remaining -= done
        return vals

    def _split_scrap_vals_by_lot(self, vals):
        """Odoo's scrap takes one lot: one scrap per lot of this line."""
        self.ensure_one()
        if not self.lot_ids or self.product_id.tracking == 'none':
            return [vals]
        return [dict(vals, lot_id=move_line['lot_id'], scrap_qty=move_line['qty_done'])
                for move_line in self._prepare_receipt_move_line_vals(
                    self.warehouse_id.return_location_id,
                    self.warehouse_id.return_location_id, vals['scrap_qty'])]

    # ------------------------------------------------------------------ refund
    def _check_units_refundable(self):
        """Called by the refund path: a mismatch blocks the credit note until a manager
        accepted it; confirmed fraud blocks it for good."""
        blocked = self.filtered(lambda line: line.serial_mismatch
                                and line.mismatch_decision != 'accepted')
        if blocked:
            raise UserError(_('The lots or serial numbers of %s do not match what was '
                              'delivered: a returns manager must decide before any '
                              'refund.') % ', '.join(blocked.mapped('display_name')))

    @api.multi
    def action_accept_mismatch(self):
        return self._decide_mismatch('accepted', _('Mismatch accepted by %s.'))

    @api.multi
    def action_confirm_fraud(self):
        return self._decide_mismatch('fraud', _('Fraud confirmed by %s: no refund.'))

    def _decide_mismatch(self, decision, message):
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_('Only a returns manager can decide on a serial mismatch.'))
        wrong = self.filtered(lambda line: not line.serial_mismatch or line.mismatch_decision)
        if wrong:
            raise UserError(_('%s has no open serial mismatch to decide.')
                            % ', '.join(wrong.mapped('display_name')))
        self.sudo().write({'mismatch_decision': decision})
        for line in self:
            line.order_id.message_post(body='%s: %s' % (
                line.display_name, message % self.env.user.name))
        return True

    # ------------------------------------------------------------------ graded restock
    def _restock_destination(self):
        """New (grade without condition, or 'new') goes to stock; used to the graded
        location, apart from new stock."""
        self.ensure_one()
        warehouse = self.warehouse_id
        if self.grade_id.condition_code and self.grade_id.condition_code != 'new':
            if not warehouse.return_graded_location_id:
                warehouse._create_missing_return_setup()
            return warehouse.return_graded_location_id
        return warehouse.lot_stock_id

    def _units_after_dispose(self):
        """Graded restock: the lots keep the marketplace condition, the value is written
        down by the grade's percentage."""
        graded = self.filtered(lambda line: line.disposition == 'restock'
                               and line.grade_id.condition_code
                               and line.grade_id.condition_code != 'new')
        for line in graded:
            line.lot_ids.sudo().write({'return_condition_code': line.grade_id.condition_code})
            line._post_writedown()

    def _post_writedown(self):
        """Under real-time valuation: lower the value the unit came back with (FIFO
        layer of its return receipt) and post the loss (write-down account of the
        category, else its expense account, against stock valuation)."""
        self.ensure_one()
        percent = self.grade_id.writedown_percent
        receipt = self.move_ids.filtered(
            lambda move: move.state == 'done' and move.location_id.usage == 'customer')
        if not percent or not receipt:
            return
        value = sum(receipt.mapped('value'))
        amount = self.company_id.currency_id.round(value * percent / 100.0)
        if not amount:
            return
        for move in receipt.filtered(lambda m: m.remaining_value):
            move.sudo().write({'remaining_value': move.remaining_value * (1 - percent / 100.0)})
        self.sudo().write({'writedown_amount': amount})
        product = self.product_id
        if product.valuation != 'real_time':
            return
        accounts = product.product_tmpl_id.get_product_accounts()
        category = product.categ_id
        loss = category.return_writedown_account_id or accounts.get('expense')
        if not loss or not accounts.get('stock_valuation') or not accounts.get('stock_journal'):
            raise UserError(_('Set the stock valuation accounts, the stock journal and a '
                              'write-down account on %s before restocking graded goods.')
                            % category.display_name)
        name = _('Graded restock write-down %(line)s (%(grade)s, %(pct)s%%)') % {
            'line': self.display_name, 'grade': self.grade_id.display_name, 'pct': percent}
        move = self.env['account.move'].sudo().create({
            'journal_id': accounts['stock_journal'].id,
            'ref': self.order_id.name,
            'line_ids': [
                (0, 0, {'name': name, 'account_id': loss.id, 'debit': amount,
                        'credit': 0.0, 'product_id': product.id}),
                (0, 0, {'name': name, 'account_id': accounts['stock_valuation'].id,
                        'debit': 0.0, 'credit': amount, 'product_id': product.id}),
            ]})
        move.post()
        self.order_id.message_post(body=name)
        return move
