"""Mass dispositions and mass refunds: many selected records go to background jobs.

A few records are handled at once, as before. Beyond the system parameter
``overseas_returns.mass_job_records`` (default 20) the selection is checked first (a
bad record refuses the whole request, nothing queued), then cut into chunks, one job
each on the channel root.overseas_mass; a record that fails inside a job is reported
in the user's inbox and does not stop the others (each runs in its own savepoint).
"""
from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.queue_job.job import job

from .queue_jobs import delayed, in_user_language

MASS_JOB_RECORDS = 20
PARAM_MASS_JOB_RECORDS = 'overseas_returns.mass_job_records'
MASS_CHUNK = 20
MASS_CHANNEL = 'root.overseas_mass'


def _mass_limit(env):
    try:
        value = int(env['ir.config_parameter'].sudo().get_param(PARAM_MASS_JOB_RECORDS))
    except (TypeError, ValueError):
        return MASS_JOB_RECORDS
    return value if value > 0 else MASS_JOB_RECORDS


def _run_each(records, method, label):
    """Call ``method`` on each record in its own savepoint; tell the user of failures."""
    context = records.env.context  # noqa: F841 (_() reads the language from it)
    failures = []
    for record in records:
        try:
            with record.env.cr.savepoint():
                getattr(record, method)()
        except (UserError, AccessError) as error:
            records.invalidate_cache()
            failures.append('%s: %s' % (record.display_name, error.name))
    if failures:
        partner = records.env.user.partner_id
        records.env['mail.message'].sudo().create({
            'message_type': 'notification',
            'subtype_id': records.env.ref('mail.mt_note').id,
            'subject': label,
            'body': '<p>%s</p><ul>%s</ul>' % (
                _('%(label)s: %(count)s of %(total)s records failed.') % {
                    'label': label, 'count': len(failures), 'total': len(records)},
                ''.join('<li>%s</li>' % failure for failure in failures)),
            'partner_ids': [(4, partner.id)],
            'needaction_partner_ids': [(4, partner.id)],
        })
    return _('%(done)s done, %(failed)s failed') % {
        'done': len(records) - len(failures), 'failed': len(failures)}


class OverseasReturnLine(models.Model):
    _inherit = 'overseas.return.line'

    @api.multi
    def action_dispose_in_jobs(self):
        """Dispose of the selected lines: at once when few, else in jobs."""
        if len(self) <= _mass_limit(self.env):
            return self.action_dispose()
        self.check_access_rights('write')
        self.check_access_rule('write')
        wrong = self.filtered(lambda line: line.state != 'inspected')
        if wrong:
            raise UserError(_('Only inspected lines can be disposed of; %s is not.')
                            % ', '.join(wrong[:20].mapped('display_name')))
        undecided = self.filtered(lambda line: not line.disposition)
        if undecided:
            raise UserError(_('Choose a disposition for %s first.')
                            % ', '.join(undecided[:20].mapped('display_name')))
        for start in range(0, len(self), MASS_CHUNK):
            delayed(self[start:start + MASS_CHUNK], description=_(
                'Dispose of returned products'))._job_mass_dispose()
        return True

    @api.multi
    @job(default_channel=MASS_CHANNEL)
    @in_user_language
    def _job_mass_dispose(self):
        """One chunk of a mass disposition (all at once, else line by line)."""
        lines = self.filtered(lambda line: line.state == 'inspected')
        try:
            with self.env.cr.savepoint():
                lines.action_dispose()
            return _('%(count)s lines disposed of') % {'count': len(lines)}
        except UserError:
            lines.invalidate_cache()
            return _run_each(lines, 'action_dispose', _('Mass disposition'))


class OverseasReturnOrder(models.Model):
    _inherit = 'overseas.return.order'

    @api.multi
    def action_refund_in_jobs(self):
        """Draft credit notes for the selected returns: at once when few, else in jobs.
        The checks of a refund (invoicing rights, inspected goods) come first."""
        self._ensure_can_refund()
        if len(self) <= _mass_limit(self.env):
            for order in self:
                order.action_create_refund()
            return True
        for start in range(0, len(self), MASS_CHUNK):
            delayed(self[start:start + MASS_CHUNK], description=_(
                'Refund returns'))._job_mass_refund()
        return True

    @api.multi
    @job(default_channel=MASS_CHANNEL)
    @in_user_language
    def _job_mass_refund(self):
        """One chunk of a mass refund: a draft credit note per return."""
        return _run_each(self, 'action_create_refund', _('Mass refund'))
