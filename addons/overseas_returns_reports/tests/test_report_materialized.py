from odoo.exceptions import AccessError
from odoo.tests.common import at_install, post_install

from .common import NOW, ReportsCase

PERIOD = ('2026-01-01', '2026-02-28')
COLUMNS = ('id', 'order_id', 'state', 'order_state', 'date', 'date_received',
           'date_disposed', 'reason_id', 'reason_category_id', 'product_id', 'categ_id',
           'warehouse_id', 'channel_id', 'delivery_move_id', 'partner_id', 'country_id',
           'grade_id', 'disposition', 'rework_state', 'company_id', 'product_qty',
           'qty_received', 'amount_original', 'amount_refunded', 'cost_value',
           'amount_recovered', 'processing_days')


@at_install(False)
@post_install(True)
class TestReportMaterialized(ReportsCase):
    """The materialized rows of the Returns Analysis are the live rows, and a return
    changed after the refresh is read live until the next one."""

    def _rows(self, relation):
        self.env.cr.execute('SELECT %s FROM %s ORDER BY id' % (', '.join(COLUMNS), relation))
        return [tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                for row in self.env.cr.fetchall()]

    def _dirty_count(self):
        self.env.cr.execute('SELECT count(*) FROM overseas_return_report_dirty')
        return self.env.cr.fetchone()[0]

    def _kpis(self):
        kpis = self.env['overseas.return.kpi'].compute_kpis(
            PERIOD[0], PERIOD[1], self.company.id, now=NOW)
        return {key: value for key, value in kpis.items() if key != 'pareto'}, kpis['pareto']

    def test_refresh_gives_the_live_figures(self):
        Report = self.env['overseas.return.report']
        live = self._rows('overseas_return_report_live')
        self.assertTrue(live)
        self.assertTrue(self._dirty_count(), 'the returns of the data set are read live')
        self.assertEqual(self._rows('overseas_return_report'), live)
        kpis_live = self._kpis()
        pivot_live = Report.read_group(
            [], ['product_qty', 'amount_refunded', 'reason_category_id', 'date'],
            ['reason_category_id', 'date:month'], lazy=False)

        Report.refresh_materialized()
        self.assertEqual(self._dirty_count(), 0)
        self.assertEqual(self._rows('overseas_return_report_mat'), live)
        self.assertEqual(self._rows('overseas_return_report'), live)
        self.assertEqual(self._kpis(), kpis_live)
        self.assertEqual(Report.read_group(
            [], ['product_qty', 'amount_refunded', 'reason_category_id', 'date'],
            ['reason_category_id', 'date:month'], lazy=False), pivot_live)

    def test_change_after_refresh_read_live(self):
        Report = self.env['overseas.return.report']
        Report.refresh_materialized()
        line = self.r7.line_ids
        self.assertEqual(Report.browse(line.id).state, 'inspected')
        # the user disposes of R7 after the refresh: the report shows it at once
        line.action_dispose()
        self.assertEqual(self._dirty_count(), 1)
        Report.invalidate_cache()
        self.assertEqual(Report.browse(line.id).state, 'disposed')
        self.assertEqual(self._rows('overseas_return_report'),
                         self._rows('overseas_return_report_live'))
        stale = dict((row[0], row) for row in self._rows('overseas_return_report_mat'))
        self.assertEqual(stale[line.id][2], 'inspected', 'the old row stays until refreshed')
        Report.refresh_materialized()
        self.assertEqual(self._rows('overseas_return_report_mat'),
                         self._rows('overseas_return_report_live'))

    def test_refresh_needs_a_manager(self):
        user = self.env['res.users'].create({
            'name': 'Report Clerk', 'login': 'report_clerk_mat',
            'groups_id': [(6, 0, [self.env.ref('overseas_returns.group_returns_user').id])]})
        with self.assertRaises(AccessError):
            self.env['overseas.return.report'].sudo(user).refresh_materialized()
