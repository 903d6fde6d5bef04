from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .overseas_return_guard import ThreadValue, owner_action, with_line_values
from .overseas_return_reason import FAULT_PARTIES

# ids of the lines the desk's batch (overseas.return.line._open_inspections) has locked
# in this transaction: a value of the server's own thread, which no caller can pass
LINES_LOCKED_FOR_INSPECTION = ThreadValue(default=frozenset())


class OverseasReturnInspection(models.Model):
    """The inspection form of one return line: checklist, grade, fault party, photos."""

    _name = 'overseas.return.inspection'
    _description = 'Return Inspection'
    _order = 'date desc, id desc'
    _rec_name = 'line_id'
    _inherit = ['overseas.return.guard.mixin']
    # written by the actions only (overseas_return_guard.py); the rest while in progress
    _action_owned_fields = {
        'state': (), 'line_id': (), 'template_id': (),
        'order_id': (), 'company_id': (),  # the line's, set once
        'user_id': ('draft',), 'date': ('draft',), 'grade_id': ('draft',),
        'fault_party': ('draft',), 'check_ids': ('draft',), 'note': ('draft',),
        'attachment_ids': ('draft',),
    }

    line_id = fields.Many2one(
        'overseas.return.line', string='Return Line', required=True, ondelete='cascade',
        index=True, readonly=True)
    # the line's return and company, stored from the line at creation
    # (overseas_return_guard.with_line_values; the line never changes); a return's
    # company may change only while it is a draft, before any inspection
    order_id = fields.Many2one('overseas.return.order', string='Return', readonly=True)
    product_id = fields.Many2one(related='line_id.product_id', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    template_id = fields.Many2one('overseas.return.inspection.template', readonly=True)
    state = fields.Selection([('draft', 'In progress'), ('done', 'Confirmed')],
                             default='draft', required=True, readonly=True, copy=False)
    user_id = fields.Many2one('res.users', string='Inspector',
                              default=lambda self: self.env.user,
                              states={'done': [('readonly', True)]})
    date = fields.Datetime(default=fields.Datetime.now, required=True,
                           states={'done': [('readonly', True)]})
    grade_id = fields.Many2one('overseas.return.grade', string='Grade',
                               states={'done': [('readonly', True)]})
    resellable = fields.Boolean(related='grade_id.resellable', readonly=True)
    fault_party = fields.Selection(FAULT_PARTIES, states={'done': [('readonly', True)]})
    check_ids = fields.One2many('overseas.return.inspection.check', 'inspection_id',
                                string='Checklist', states={'done': [('readonly', True)]})
    note = fields.Text(states={'done': [('readonly', True)]})
    attachment_ids = fields.Many2many(
        'ir.attachment', 'overseas_return_inspection_attachment_rel', 'inspection_id',
        'attachment_id', string='Photos', states={'done': [('readonly', True)]})

    @api.model_cr
    def init(self):
        # one inspection in progress per line, even for two inspectors at the same moment
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS overseas_return_inspection_open_line_uniq
            ON overseas_return_inspection (line_id) WHERE state = 'draft'""")

    @api.model
    def create(self, vals):
        """Only a received line waiting for inspection, and only one at a time."""
        self._check_owned_fields_create(
            {name: value for name, value in vals.items() if name != 'line_id'})
        line = self.env['overseas.return.line'].browse(vals.get('line_id'))
        # the desk's batch (_open_inspections) has, in this transaction, locked its
        # lines once, checked that they are received and left out those already being
        # inspected: the checks below are for any other caller
        if line.id not in LINES_LOCKED_FOR_INSPECTION.get():
            line._lock_for_update()
            if not line.exists() or line.state != 'received':
                raise UserError(_('Only received lines can be inspected.'))
            if self.search_count([('line_id', '=', line.id), ('state', '=', 'draft')]):
                raise UserError(_('%s is already being inspected: continue that '
                                  'inspection.') % line.display_name)
        return super(OverseasReturnInspection, self).create(with_line_values(
            self, vals, 'line_id', {'order_id': 'order_id', 'company_id': 'company_id'},
            create=True))

    @api.multi
    def write(self, vals):
        self._check_owned_fields_write(vals)
        updates = self._pop_check_updates(vals)
        result = super(OverseasReturnInspection, self).write(vals)
        Check = self.env['overseas.return.inspection.check']
        for check_vals, check_ids in updates:
            Check.browse(check_ids).write(check_vals)
        return result

    def _pop_check_updates(self, vals):
        """A saved checklist sends one (1, id, values) command per check: write the
        checks that get the same values at once (one UPDATE, one guard read) instead
        of one write each. Only plain updates of this inspection's own checks are
        grouped; any other command keeps Odoo's own handling. Returns
        [(values, check ids)] and leaves the rest of the commands in ``vals``."""
        commands = vals.get('check_ids')
        if not commands or any(not isinstance(cmd, (list, tuple)) or len(cmd) != 3
                               or cmd[0] != 1 or not isinstance(cmd[2], dict)
                               for cmd in commands):
            return []
        if any(not isinstance(value, (str, int, float, bool, type(None)))
               for cmd in commands for value in cmd[2].values()):
            return []
        own = set(self.mapped('check_ids').ids)
        if any(cmd[1] not in own for cmd in commands):
            return []
        groups = {}
        for _cmd, check_id, check_vals in commands:
            key = tuple(sorted(check_vals.items()))
            groups.setdefault(key, (check_vals, []))[1].append(check_id)
        del vals['check_ids']
        return list(groups.values())

    @api.multi
    @owner_action
    def action_pass_open_checks(self):
        """One click for the usual case: every check not yet answered has passed."""
        if any(inspection.state != 'draft' for inspection in self):
            raise UserError(_('Only an inspection in progress can be changed.'))
        open_checks = self.mapped('check_ids').filtered(lambda check: not check.result)
        open_checks.filtered('applies').write({'result': 'pass'})
        open_checks.filtered(lambda check: not check.applies).write({'result': 'na'})
        return True

    @api.multi
    @owner_action
    def action_split(self, qty):
        """Split ``qty`` units off the inspected line: they get a line and an
        inspection of their own (own grade, fault party, disposition). Returns the new
        inspection's id (an RPC answer)."""
        if len(self) != 1 or self.state != 'draft':
            raise UserError(_('Split the line of one inspection in progress at a time.'))
        return self.line_id._split_off(qty)._open_inspections().id

    @api.multi
    @owner_action
    def action_confirm(self):
        """Grade the lines, propose their disposition, move fully inspected orders on."""
        if any(inspection.state != 'draft' for inspection in self):
            raise UserError(_('Only an inspection in progress can be confirmed.'))
        missing = self.filtered(lambda inspection: not inspection.grade_id)
        if missing:
            raise UserError(_('Choose a grade before confirming the inspection of %s.')
                            % ', '.join(missing.mapped('line_id.display_name')))
        unanswered = self.mapped('check_ids').filtered(lambda check: not check.result)
        if unanswered:
            raise UserError(_('Answer every check of the checklist first: %s.')
                            % ', '.join(unanswered.mapped('name')))
        lines = self.mapped('line_id')
        lines._lock_for_update()
        if any(line.state != 'received' for line in lines):
            raise UserError(_('Only received lines can be inspected; %s is not waiting '
                              'for inspection.')
                            % ', '.join(lines.filtered(
                                lambda l: l.state != 'received').mapped('display_name')))
        proposals = self.env['overseas.return.disposition.rule']._propose(
            [(inspection.grade_id, inspection.line_id.reason_id.category_id)
             for inspection in self])
        self.write({'state': 'done'})
        # the returns' figures that depend on the lines: recomputed once, not per line;
        # the outcome is written once per distinct (grade, fault party, disposition),
        # only the link to its own inspection once per line
        outcomes = {}
        for inspection in self:
            line = inspection.line_id
            key = (inspection.grade_id.id, inspection.fault_party or line.fault_party,
                   line._units_propose_disposition(
                       proposals[(inspection.grade_id, line.reason_id.category_id)]))
            outcomes.setdefault(key, []).append(line.id)
        Line = lines.with_context(recompute=False)
        for inspection in self.with_context(recompute=False):
            inspection.line_id.write({'inspection_id': inspection.id})
        for (grade_id, fault_party, disposition), line_ids in outcomes.items():
            Line.browse(line_ids).write({
                'grade_id': grade_id,
                'fault_party': fault_party,
                'disposition': disposition,
                'state': 'inspected',
            })
        lines.recompute()
        lines._apply_inspection_economics()
        lines.mapped('order_id')._update_state_from_lines()
        return True


class OverseasReturnInspectionCheck(models.Model):
    _name = 'overseas.return.inspection.check'
    _description = 'Return Inspection Check'
    _order = 'sequence, id'

    inspection_id = fields.Many2one('overseas.return.inspection', required=True,
                                    ondelete='cascade')
    sequence = fields.Integer(default=10)
    name = fields.Char(string='Check', required=True)
    result = fields.Selection([('pass', 'Pass'), ('fail', 'Fail'), ('na', 'N/A')])
    applies = fields.Boolean(
        default=True, readonly=True,
        help="Asked for this product (the template item's rule); Pass Open Checks "
             "marks the others N/A.")
    note = fields.Char()

    @api.multi
    def write(self, vals):
        """A confirmed inspection's checklist is its record: it does not change."""
        done = self.mapped('inspection_id').filtered(lambda insp: insp.state != 'draft')
        if done and not done._guard_bypassed():
            raise AccessError(_('The checklist of a confirmed inspection cannot be '
                                'changed (%s).') % ', '.join(done.mapped('display_name')))
        return super(OverseasReturnInspectionCheck, self).write(vals)
