from datetime import date, datetime, timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..report.overseas_return_report import no_jit


# (key, first day, last day) of age; None: open-ended
AGING_BUCKETS = [
    ('0_7', 0, 7),
    ('8_14', 8, 14),
    ('15_30', 15, 30),
    ('31_60', 31, 60),
    ('61_plus', 61, None),
]
EXCLUDED_ORDER_STATES = ('cancel', 'rejected')
MAX_PARETO_LIMIT = 1000
QUARANTINE_LINE_STATES = ('received', 'inspected')


def _ratio(numerator, denominator):
    return (float(numerator) / denominator) if denominator else 0.0


def _percentile(counted, fraction):
    """percentile_cont(fraction) of the values of [(value, count)] sorted by value;
    0.0 without values."""
    total = sum(count for _value, count in counted)
    if not total:
        return 0.0
    position = fraction * (total - 1)
    lower, upper = int(position), min(int(position) + 1, total - 1)
    found, seen = {}, 0
    for value, count in counted:
        for index in (lower, upper):
            if index not in found and seen <= index < seen + count:
                found[index] = value
        seen += count
    return found[lower] + (position - lower) * (found[upper] - found[lower])


class OverseasReturnKpi(models.AbstractModel):
    """The weekly review figures, computed with a few SQL queries over the report views.

    Used by the KPI dashboard, its XLSX export, the tests and scripts/bench_report.py.
    Shares are fractions (0.25 is 25 %).
    """

    _name = 'overseas.return.kpi'
    _description = 'Overseas Returns KPIs'

    @api.model
    def _aging_bucket_labels(self):
        return {
            '0_7': _('0-7 days'),
            '8_14': _('8-14 days'),
            '15_30': _('15-30 days'),
            '31_60': _('31-60 days'),
            '61_plus': _('Over 60 days'),
        }

    @api.model
    def _aging_limits(self, now):
        """{bucket: (received after, received on or before)} as datetime strings."""
        now = fields.Datetime.from_string(now)
        limits = {}
        for key, first, last in AGING_BUCKETS:
            upper = fields.Datetime.to_string(now - timedelta(days=first))
            lower = (fields.Datetime.to_string(now - timedelta(days=last + 1))
                     if last is not None else None)
            limits[key] = (lower, upper)
        return limits

    @api.model
    def compute_kpis(self, date_from, date_to, company_id=None, now=None, pareto_limit=10):
        """Every KPI of the dashboard for returns requested (and, for the return rate,
        goods delivered) between date_from and date_to (YYYY-MM-DD), both included, in
        one company (an id; default: the user's current company).

        Returns managers only, for their own companies. Quarantine aging is a snapshot
        at ``now`` (YYYY-MM-DD HH:MM:SS, default: the current time). The result holds
        plain values only (no None), so it crosses XML-RPC as it is.
        """
        self._check_kpi_group()
        if company_id is None or company_id is False:
            company_id = self.env.user.company_id.id
        company_id = self._kpi_id(company_id)
        self._check_kpi_companies([company_id])
        date_from = self._kpi_date(date_from)
        date_to = self._kpi_date(date_to)
        if date_from > date_to:
            raise UserError(_('The period starts after it ends (%(date_from)s to '
                              '%(date_to)s).') % {'date_from': date_from, 'date_to': date_to})
        now = self._kpi_datetime(now) if now else fields.Datetime.now()
        if isinstance(pareto_limit, bool) or not isinstance(pareto_limit, int) \
                or not 0 <= pareto_limit <= MAX_PARETO_LIMIT:
            raise UserError(_('The number of reasons must be a whole number from 0 to '
                              '%(max)s, not %(value)r.') % {'max': MAX_PARETO_LIMIT,
                                                            'value': pareto_limit})
        no_jit(self.env.cr)
        params = {'company': company_id, 'date_from': date_from, 'date_to': date_to,
                  'excluded': EXCLUDED_ORDER_STATES}
        result = {'date_from': date_from, 'date_to': date_to, 'company_id': company_id}
        result.update(self._kpi_rates(params))
        result.update(self._kpi_lines(params, pareto_limit))
        result['aging'] = self._kpi_aging(company_id, now)
        return result

    # ------------------------------------------------------------------ guards
    @api.model
    def _check_kpi_group(self):
        """The figures read the report views with SQL, past access rules: returns
        managers only (the Reporting menu's group)."""
        if self.env.uid == SUPERUSER_ID:
            return
        if not self.env.user.has_group('overseas_returns.group_returns_manager'):
            raise AccessError(_('Only returns managers can see the returns KPIs and '
                                'reports.'))

    @api.model
    def _check_kpi_companies(self, company_ids):
        """Every company asked for is one of the user's companies."""
        if self.env.uid == SUPERUSER_ID:
            return
        refused = set(company_ids) - set(self.env.user.company_ids.ids)
        if refused:
            companies = self.env['res.company'].sudo().browse(sorted(refused)).exists()
            names = companies.mapped('name') + [
                str(company_id) for company_id in sorted(refused - set(companies.ids))]
            raise AccessError(_('You have no access to the company %(company)s.')
                              % {'company': ', '.join(names)})

    @api.model
    def _kpi_id(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise UserError(_('A company must be given by its id (a positive whole '
                              'number), not %(value)r.') % {'value': value})
        return value

    @api.model
    def _kpi_date(self, value):
        """A date as the SQL wants it (YYYY-MM-DD), of the years 1900 to 9999; clear
        error for anything else (before 1000 the year would not have four digits)."""
        try:
            if isinstance(value, date) and not isinstance(value, datetime):
                parsed = value
            elif not isinstance(value, str) or len(value) != 10:
                raise ValueError(value)
            else:
                parsed = fields.Date.from_string(value)
        except ValueError:
            raise UserError(_('%(value)r is not a date: use YYYY-MM-DD.') % {'value': value})
        if parsed.year < 1900:
            raise UserError(_('%(value)s is too far in the past: the figures start in 1900 '
                              'at the earliest.') % {'value': value})
        return fields.Date.to_string(parsed)

    @api.model
    def _kpi_datetime(self, value):
        if isinstance(value, datetime):
            return fields.Datetime.to_string(value)
        try:
            if not isinstance(value, str) or len(value) not in (10, 19):
                raise ValueError(value)
            return fields.Datetime.to_string(fields.Datetime.from_string(value))
        except ValueError:
            raise UserError(_('%(value)r is not a date and time: use YYYY-MM-DD '
                              'HH:MM:SS.') % {'value': value})

    def _kpi_rates(self, params):
        # the rows of the return rate report (materialized per day, changed days live)
        self.env.cr.execute("""
            SELECT COALESCE(SUM(r.qty_delivered), 0), COALESCE(SUM(r.qty_returned), 0),
                   COALESCE(SUM(r.qty_returned_controllable), 0)
              FROM overseas_return_rate_report r
             WHERE r.company_id = %(company)s
               AND r.date >= %(date_from)s AND r.date <= %(date_to)s
        """, params)
        delivered, returned, controllable = self.env.cr.fetchone()
        return {
            'qty_delivered': delivered,
            'qty_returned': returned,
            'qty_returned_controllable': controllable,
            'return_rate': _ratio(returned, delivered),
            'controllable_rate': _ratio(controllable, delivered),
        }

    def _kpi_lines(self, params, pareto_limit):
        """Line, order and reason figures of the period, from the report's
        pre-aggregated sums per day (see overseas_return_report.AGGREGATES)."""
        Report = self.env['overseas.return.report']
        cr = self.env.cr
        period = """WHERE a.company_id = %(company)s
                      AND a.date >= %(date_from)s AND a.date <= %(date_to)s"""
        cr.execute("""
            SELECT COALESCE(SUM(a.units), 0), COALESCE(SUM(a.qty_finished), 0),
                   COALESCE(SUM(a.qty_restocked), 0), COALESCE(SUM(a.amount_original), 0),
                   COALESCE(SUM(a.amount_refunded), 0), COALESCE(SUM(a.finished_cost), 0),
                   COALESCE(SUM(a.amount_recovered), 0),
                   COALESCE(SUM(a.processing_days_sum), 0),
                   COALESCE(SUM(a.processing_days_n), 0)::bigint
              FROM %s a %s
        """ % (Report._aggregate('kpi_lines'), period), params)
        (units, finished, restocked, original, refunded, finished_cost, recovered,
         days_sum, days_count) = cr.fetchone()
        cr.execute("""
            SELECT COALESCE(SUM(a.order_count), 0)::bigint,
                   COALESCE(SUM(a.returnless_count), 0)::bigint,
                   COALESCE(SUM(a.refunded_count), 0)::bigint,
                   COALESCE(SUM(a.partial_refund_count), 0)::bigint
              FROM %s a %s
        """ % (Report._aggregate('kpi_orders'), period), params)
        order_count, returnless, refunded_count, partial = cr.fetchone()
        cr.execute("""
            SELECT a.reason_id, SUM(a.units) FROM %s a %s AND a.reason_id IS NOT NULL
             GROUP BY a.reason_id HAVING SUM(a.line_count) > 0
             ORDER BY 2 DESC, 1
        """ % (Report._aggregate('kpi_lines'), period), params)
        reasons = cr.fetchall()
        cr.execute("""
            SELECT a.days, SUM(a.line_count)::bigint FROM %s a %s
             GROUP BY a.days HAVING SUM(a.line_count) > 0 ORDER BY a.days
        """ % (Report._aggregate('kpi_days'), period), params)
        days_p90 = _percentile(cr.fetchall(), 0.9)
        return {
            'units': units,
            'qty_finished': finished,
            'qty_restocked': restocked,
            'restock_rate': _ratio(restocked, finished),
            'amount_original': original,
            'amount_refunded': refunded,
            'amount_recovered': recovered,
            'recovery_rate': _ratio(recovered, finished_cost),
            'processing_days_avg': _ratio(days_sum, days_count),
            'processing_days_p90': days_p90,
            'processing_count': days_count,
            'order_count': order_count,
            'returnless_count': returnless,
            'refunded_count': refunded_count,
            'partial_refund_count': partial,
            'returnless_share': _ratio(returnless, order_count),
            'partial_refund_share': _ratio(partial, refunded_count),
            'pareto': self._pareto_rows(reasons, pareto_limit),
        }

    def _pareto_rows(self, rows, limit):
        """Reasons by returned units, largest first, with their cumulative share."""
        total = sum(qty for _reason, qty in rows)
        names = dict(self.env['overseas.return.reason'].browse(
            [reason for reason, _qty in rows[:limit]]).name_get())
        pareto, cumulative = [], 0.0
        for reason_id, qty in rows[:limit]:
            cumulative += qty
            pareto.append({
                'reason_id': reason_id,
                'name': names.get(reason_id, ''),
                'qty': qty,
                'share': _ratio(qty, total),
                'cumulative_share': _ratio(cumulative, total),
            })
        return pareto

    def _kpi_aging(self, company_id, now):
        """Units and value at cost waiting in quarantine (received, not yet disposed)."""
        limits = self._aging_limits(now)
        cases, params = [], {'company': company_id, 'states': QUARANTINE_LINE_STATES,
                             'excluded': EXCLUDED_ORDER_STATES}
        for key, _first, _last in AGING_BUCKETS:
            lower, _upper = limits[key]
            if lower is None:
                cases.append("ELSE '%s'" % key)
            else:
                cases.append("WHEN r.date_received > %%(lower_%s)s THEN '%s'" % (key, key))
                params['lower_%s' % key] = lower
        params['now'] = now
        # received times of the lines in quarantine, pre-aggregated
        query = """
            SELECT bucket, SUM(qty), SUM(value)
              FROM (
                SELECT r.qty, r.value, CASE %s END AS bucket
                  FROM %s r
                 WHERE r.company_id = %%(company)s AND r.date_received <= %%(now)s
              ) aged
             GROUP BY bucket
        """ % (' '.join(cases), self.env['overseas.return.report']._aggregate('kpi_aging'))
        self.env.cr.execute(query, params)
        found = {bucket: (qty, value) for bucket, qty, value in self.env.cr.fetchall()}
        labels = self._aging_bucket_labels()
        return [{'bucket': key, 'name': labels[key],
                 'qty': found.get(key, (0.0, 0.0))[0],
                 'value': found.get(key, (0.0, 0.0))[1],
                 'date_from': limits[key][0] or False, 'date_to': limits[key][1]}
                for key, _first, _last in AGING_BUCKETS]

    # ------------------------------------------------------------------ drill-down
    @api.model
    def _kpi_domain(self, kpi, date_from, date_to, company_id, **extra):
        """(report model, domain) of the rows behind a figure of the dashboard."""
        if kpi in ('return_rate', 'controllable_rate'):
            return 'overseas.return.rate.report', [
                ('company_id', '=', company_id),
                ('date', '>=', date_from), ('date', '<=', date_to)]
        domain = [('company_id', '=', company_id),
                  ('order_state', 'not in', list(EXCLUDED_ORDER_STATES))]
        if kpi == 'aging':
            domain += [('state', 'in', list(QUARANTINE_LINE_STATES)),
                       ('date_received', '!=', False),
                       ('date_received', '<=', extra['date_received_to'])]
            if extra.get('date_received_from'):
                domain.append(('date_received', '>', extra['date_received_from']))
            return 'overseas.return.report', domain
        if kpi == 'controllable':
            line_ids = self.env['overseas.return.rate.report']._cohort_line_ids(
                date_from, date_to, company_id, controllable=True)
            return 'overseas.return.report', domain + [('id', 'in', line_ids)]
        domain += [('date', '>=', date_from), ('date', '<=', date_to)]
        if kpi in ('restock_rate', 'recovery_rate'):
            domain.append(('state', '=', 'disposed'))
        elif kpi == 'processing_days':
            domain.append(('processing_days', '!=', False))
        elif kpi == 'partial_refund':
            domain.append(('amount_refunded', '!=', 0))
        elif kpi == 'returnless':
            domain.append(('return_method', '=', 'returnless'))
        elif kpi == 'reason':
            domain.append(('reason_id', '=', extra['reason_id']))
        return 'overseas.return.report', domain
