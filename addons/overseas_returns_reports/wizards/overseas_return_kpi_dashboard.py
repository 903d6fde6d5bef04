import base64
import io
from datetime import timedelta

import xlsxwriter

from odoo import _, api, fields, models

from odoo.addons.overseas_returns.models.overseas_return_guard import ensure_one_record

# dashboard field -> KPI key for the figures stored as they are computed
KPI_FIELDS = [
    'qty_delivered', 'qty_returned', 'qty_returned_controllable', 'return_rate',
    'controllable_rate', 'units', 'qty_finished', 'qty_restocked', 'restock_rate',
    'amount_original', 'amount_refunded', 'amount_recovered', 'recovery_rate',
    'processing_days_avg', 'processing_days_p90', 'order_count', 'returnless_count',
    'refunded_count', 'partial_refund_count', 'returnless_share', 'partial_refund_share',
]
PERCENT_FIELDS = ['return_rate', 'controllable_rate', 'restock_rate', 'recovery_rate',
                  'returnless_share', 'partial_refund_share']


class OverseasReturnKpiDashboard(models.TransientModel):
    """The weekly review: KPIs for a period and a company, each opening its rows."""

    _name = 'overseas.return.kpi.dashboard'
    _description = 'Overseas Returns KPI Dashboard'
    _rec_name = 'date_from'

    date_from = fields.Date(string='From', required=True,
                            default=lambda self: self._default_date_from())
    date_to = fields.Date(string='To', required=True, default=fields.Date.context_today)
    company_id = fields.Many2one('res.company', string='Company', required=True,
                                 default=lambda self: self.env.user.company_id,
                                 domain=lambda self: [('id', 'in',
                                                       self.env.user.company_ids.ids)])
    currency_id = fields.Many2one(related='company_id.currency_id', readonly=True)
    qty_delivered = fields.Float(string='Delivered Units', readonly=True)
    qty_returned = fields.Float(string='Returned Units (cohort)', readonly=True)
    qty_returned_controllable = fields.Float(string='Controllable Returned Units',
                                             readonly=True)
    return_rate = fields.Float(string='Return Rate (%)', readonly=True)
    controllable_rate = fields.Float(
        string='Controllable Return Rate (%)', readonly=True,
        help='Returns the seller, the warehouse or the carrier is at fault for.')
    units = fields.Float(string='Returned Units', readonly=True)
    qty_finished = fields.Float(string='Units at their Final Place', readonly=True)
    qty_restocked = fields.Float(string='Restocked Units', readonly=True)
    restock_rate = fields.Float(string='Restock Rate (%)', readonly=True)
    amount_original = fields.Monetary(string='Original Value', readonly=True)
    amount_refunded = fields.Monetary(string='Refunded', readonly=True)
    amount_recovered = fields.Monetary(string='Recovered Value', readonly=True)
    recovery_rate = fields.Float(
        string='Recovery Value Rate (%)', readonly=True,
        help='Value at cost of the restocked units over the value at cost of every '
             'unit that reached its final place.')
    processing_days_avg = fields.Float(string='Processing Days (mean)', readonly=True)
    processing_days_p90 = fields.Float(string='Processing Days (90th percentile)',
                                       readonly=True)
    order_count = fields.Integer(string='Returns', readonly=True)
    returnless_count = fields.Integer(string='Returnless Returns', readonly=True)
    refunded_count = fields.Integer(string='Refunded Returns', readonly=True)
    partial_refund_count = fields.Integer(string='Partially Refunded Returns',
                                          readonly=True)
    returnless_share = fields.Float(string='Returnless Share (%)', readonly=True)
    partial_refund_share = fields.Float(string='Partial-Refund Share (%)', readonly=True)
    pareto_ids = fields.One2many('overseas.return.kpi.dashboard.pareto', 'dashboard_id',
                                 string='Top Reasons', readonly=True)
    aging_ids = fields.One2many('overseas.return.kpi.dashboard.aging', 'dashboard_id',
                                string='Quarantine Aging', readonly=True)

    @api.model
    def _default_date_from(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today - timedelta(days=89))

    @api.multi
    def name_get(self):
        return [(dashboard.id, _('Returns KPI Dashboard')) for dashboard in self]

    @api.model
    def create(self, vals):
        self.env['overseas.return.kpi']._check_kpi_group()
        dashboard = super(OverseasReturnKpiDashboard, self).create(vals)
        dashboard.action_refresh()
        return dashboard

    @api.multi
    def action_refresh(self):
        """Compute the KPIs again for the chosen period and company."""
        self._ensure_company_allowed()
        Kpi = self.env['overseas.return.kpi']
        for dashboard in self:
            kpis = Kpi.compute_kpis(dashboard.date_from, dashboard.date_to,
                                    dashboard.company_id.id)
            vals = {name: kpis[name] for name in KPI_FIELDS}
            for name in PERCENT_FIELDS:
                vals[name] = 100.0 * vals[name]
            vals['pareto_ids'] = [(5, 0, 0)] + [(0, 0, {
                'sequence': index, 'reason_id': row['reason_id'], 'qty': row['qty'],
                'share': 100.0 * row['share'],
                'cumulative_share': 100.0 * row['cumulative_share']})
                for index, row in enumerate(kpis['pareto'])]
            vals['aging_ids'] = [(5, 0, 0)] + [(0, 0, {
                'sequence': index, 'bucket': row['bucket'], 'name': row['name'],
                'qty': row['qty'], 'value': row['value'],
                'date_received_from': row['date_from'],
                'date_received_to': row['date_to']})
                for index, row in enumerate(kpis['aging'])]
            dashboard.write(vals)
        return True

    def _ensure_company_allowed(self):
        """The KPIs read SQL views directly: returns managers only, and only for their
        own companies (whatever company_id was written since)."""
        Kpi = self.env['overseas.return.kpi']
        Kpi._check_kpi_group()
        Kpi._check_kpi_companies(self.mapped('company_id').ids)

    @api.model
    def action_open_dashboard(self):
        """Menu entry: a fresh dashboard for the last 90 days."""
        self.env['overseas.return.kpi']._check_kpi_group()
        dashboard = self.create({})
        action = self.env.ref(
            'overseas_returns_reports.overseas_return_kpi_dashboard_action').read()[0]
        action.update(res_id=dashboard.id, views=[(False, 'form')], view_mode='form')
        return action

    # ------------------------------------------------------------------ drill-down
    def _open_rows(self, kpi, **extra):
        self._ensure_company_allowed()
        ensure_one_record(self)
        model, domain = self.env['overseas.return.kpi']._kpi_domain(
            kpi, self.date_from, self.date_to, self.company_id.id, **extra)
        xml_id = {
            'overseas.return.report': 'overseas_return_report_action',
            'overseas.return.rate.report': 'overseas_return_rate_report_action',
        }[model]
        action = self.env.ref('overseas_returns_reports.%s' % xml_id).read()[0]
        action['domain'] = domain
        action['context'] = {}
        return action

    @api.multi
    def action_open_return_rate(self):
        return self._open_rows('return_rate')

    @api.multi
    def action_open_controllable(self):
        return self._open_rows('controllable')

    @api.multi
    def action_open_restock(self):
        return self._open_rows('restock_rate')

    @api.multi
    def action_open_recovery(self):
        return self._open_rows('recovery_rate')

    @api.multi
    def action_open_processing(self):
        return self._open_rows('processing_days')

    @api.multi
    def action_open_partial_refund(self):
        return self._open_rows('partial_refund')

    @api.multi
    def action_open_returnless(self):
        return self._open_rows('returnless')

    @api.multi
    def action_open_returns(self):
        return self._open_rows('returns')

    # ------------------------------------------------------------------ export
    @api.multi
    def action_export_xlsx(self):
        """Download the KPI table as an XLSX workbook.

        In a new window (target ``new``): Odoo 11's web client stops showing error
        dialogs in a tab that followed an ``act_url`` with target ``self``.
        """
        self._ensure_company_allowed()
        ensure_one_record(self)
        attachment = self.env['ir.attachment'].create({
            'name': self._xlsx_filename(),
            'datas_fname': self._xlsx_filename(),
            'datas': base64.b64encode(self._xlsx_content()),
            'res_model': self._name,
            'res_id': self.id,
            'mimetype': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        })
        return {
            'type': 'ir.actions.act_url',
            'url': '/web/content/%s?download=true' % attachment.id,
            'target': 'new',
        }

    def _xlsx_filename(self):
        return 'return-kpis-%s-%s.xlsx' % (self.date_from, self.date_to)

    def _xlsx_rows(self):
        """(label, value, format) rows of the KPI table."""
        rows = [(_('Company'), self.company_id.name, None),
                (_('From'), self.date_from, None),
                (_('To'), self.date_to, None)]
        for name in KPI_FIELDS:
            field = self._fields[name]
            kind = 'percent' if name in PERCENT_FIELDS else (
                'money' if field.type == 'monetary' else 'number')
            value = self[name] / 100.0 if name in PERCENT_FIELDS else self[name]
            rows.append((field.get_description(self.env)['string'], value, kind))
        return rows

    def _xlsx_content(self):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {'in_memory': True})
        bold = workbook.add_format({'bold': True})
        formats = {
            'percent': workbook.add_format({'num_format': '0.0%'}),
            'money': workbook.add_format({'num_format': '#,##0.00'}),
            'number': workbook.add_format({'num_format': '#,##0.00'}),
        }
        sheet = workbook.add_worksheet(_('KPIs'))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 3, 18)
        sheet.write_row(0, 0, [_('Indicator'), _('Value')], bold)
        row = 1
        for label, value, kind in self._xlsx_rows():
            sheet.write(row, 0, label)
            sheet.write(row, 1, value, formats.get(kind))
            row += 1
        row += 1
        sheet.write_row(row, 0, [_('Reason'), _('Returned Units'), _('Share'),
                                 _('Cumulative Share')], bold)
        for line in self.pareto_ids:
            row += 1
            sheet.write_row(row, 0, [line.reason_id.name, line.qty])
            sheet.write(row, 2, line.share / 100.0, formats['percent'])
            sheet.write(row, 3, line.cumulative_share / 100.0, formats['percent'])
        row += 2
        sheet.write_row(row, 0, [_('Quarantine Age'), _('Units'), _('Value at Cost')],
                        bold)
        for line in self.aging_ids:
            row += 1
            sheet.write(row, 0, line.name)
            sheet.write(row, 1, line.qty, formats['number'])
            sheet.write(row, 2, line.value, formats['money'])
        workbook.close()
        return output.getvalue()


class OverseasReturnKpiDashboardPareto(models.TransientModel):
    _name = 'overseas.return.kpi.dashboard.pareto'
    _description = 'Overseas Returns KPI Dashboard: Reason Pareto'
    _order = 'sequence, id'

    dashboard_id = fields.Many2one('overseas.return.kpi.dashboard', required=True,
                                   ondelete='cascade')
    sequence = fields.Integer()
    reason_id = fields.Many2one('overseas.return.reason', string='Reason', readonly=True)
    qty = fields.Float(string='Returned Units', readonly=True)
    share = fields.Float(string='Share (%)', readonly=True)
    cumulative_share = fields.Float(string='Cumulative Share (%)', readonly=True)

    @api.multi
    def action_open_rows(self):
        ensure_one_record(self)
        return self.dashboard_id._open_rows('reason', reason_id=self.reason_id.id)


class OverseasReturnKpiDashboardAging(models.TransientModel):
    _name = 'overseas.return.kpi.dashboard.aging'
    _description = 'Overseas Returns KPI Dashboard: Quarantine Aging'
    _order = 'sequence, id'

    dashboard_id = fields.Many2one('overseas.return.kpi.dashboard', required=True,
                                   ondelete='cascade')
    sequence = fields.Integer()
    bucket = fields.Char(readonly=True)
    name = fields.Char(string='Age', readonly=True)
    qty = fields.Float(string='Units', readonly=True)
    value = fields.Float(string='Value at Cost', readonly=True)
    date_received_from = fields.Datetime(readonly=True)
    date_received_to = fields.Datetime(readonly=True)

    @api.multi
    def action_open_rows(self):
        ensure_one_record(self)
        return self.dashboard_id._open_rows(
            'aging', date_received_from=self.date_received_from,
            date_received_to=self.date_received_to)
