from odoo.tests.common import at_install, post_install

from .common import NOW, ReportsCase

PERIOD = ('2026-01-01', '2026-03-31')
EXCLUDED = ('cancel', 'rejected')


@at_install(False)
@post_install(True)
class TestReportAggregates(ReportsCase):
    """The pre-aggregated figures (the pivot's cube, the KPI sums, the return rate
    per day) equal the figures computed from the documents: after creates, writes
    and deletes of returns, lines and deliveries, and after a refresh."""

    # ------------------------------------------------------------------ live figures
    def _fetch(self, query, params=None):
        self.env.cr.execute(query, params or {})
        return self.env.cr.fetchall()

    def _live_pivot(self):
        rows = self._fetch("""
            SELECT reason_category_id, state, count(*), SUM(product_qty),
                   SUM(amount_refunded), AVG(processing_days)
              FROM overseas_return_report_live
             WHERE order_state NOT IN %s GROUP BY 1, 2""", (EXCLUDED,))
        return {(cat, state): (count, round(qty, 4), round(refunded, 4),
                               round(days or 0.0, 4))
                for cat, state, count, qty, refunded, days in rows}

    def _pivot(self):
        groups = self.env['overseas.return.report'].read_group(
            [('order_state', 'not in', list(EXCLUDED))],
            ['reason_category_id', 'state', 'product_qty', 'amount_refunded',
             'processing_days'],
            ['reason_category_id', 'state'], lazy=False)
        return {(group['reason_category_id'] and group['reason_category_id'][0] or None,
                 group['state']): (group['__count'], round(group['product_qty'], 4),
                                   round(group['amount_refunded'], 4),
                                   round(group['processing_days'] or 0.0, 4))
                for group in groups}

    def _live_kpis(self):
        params = {'company': self.company.id, 'date_from': PERIOD[0],
                  'date_to': PERIOD[1], 'excluded': EXCLUDED}
        where = """company_id = %(company)s AND date >= %(date_from)s
                   AND date <= %(date_to)s AND order_state NOT IN %(excluded)s"""
        (units, original, refunded, recovered, days_count, days_avg, days_p90,
         orders) = self._fetch("""
            SELECT COALESCE(SUM(product_qty), 0), COALESCE(SUM(amount_original), 0),
                   COALESCE(SUM(amount_refunded), 0), COALESCE(SUM(amount_recovered), 0),
                   COUNT(processing_days), COALESCE(AVG(processing_days), 0),
                   COALESCE(percentile_cont(0.9) WITHIN GROUP (
                       ORDER BY round((processing_days * 1440)::numeric) / 1440), 0),
                   COUNT(DISTINCT order_id)
              FROM overseas_return_report_live WHERE """ + where, params)[0]
        pareto = self._fetch("""
            SELECT reason_id, SUM(product_qty) FROM overseas_return_report_live
             WHERE reason_id IS NOT NULL AND """ + where + """
             GROUP BY 1 ORDER BY 2 DESC, 1""", params)
        quarantine = self._fetch("""
            SELECT COALESCE(SUM(qty_received), 0), COALESCE(SUM(cost_value), 0)
              FROM overseas_return_report_live
             WHERE company_id = %(company)s AND state IN ('received', 'inspected')
               AND order_state NOT IN %(excluded)s AND date_received <= %(now)s
        """, dict(params, now=NOW))[0]
        delivered, returned = self._fetch("""
            SELECT COALESCE(SUM(qty_delivered), 0), COALESCE(SUM(qty_returned), 0)
              FROM overseas_return_rate_report_live
             WHERE company_id = %(company)s AND date >= %(date_from)s
               AND date <= %(date_to)s""", params)[0]
        return {
            'units': units, 'amount_original': original, 'amount_refunded': refunded,
            'amount_recovered': recovered, 'processing_count': days_count,
            'processing_days_avg': days_avg, 'processing_days_p90': days_p90,
            'order_count': orders, 'qty_delivered': delivered, 'qty_returned': returned,
            'pareto': [(reason, round(qty, 4)) for reason, qty in pareto],
            'quarantine': tuple(round(value, 4) for value in quarantine),
        }

    def _kpis(self):
        kpis = self.env['overseas.return.kpi'].compute_kpis(
            PERIOD[0], PERIOD[1], self.company.id, now=NOW)
        figures = {key: kpis[key] for key in (
            'units', 'amount_original', 'amount_refunded', 'amount_recovered',
            'processing_count', 'processing_days_avg', 'processing_days_p90',
            'order_count', 'qty_delivered', 'qty_returned')}
        figures['pareto'] = [(row['reason_id'], round(row['qty'], 4))
                             for row in kpis['pareto']]
        figures['quarantine'] = (round(sum(row['qty'] for row in kpis['aging']), 4),
                                 round(sum(row['value'] for row in kpis['aging']), 4))
        return figures

    def _rate_rows(self, relation):
        return sorted(self._fetch("""
            SELECT id, date, product_id, channel_id, warehouse_id, company_id,
                   round(qty_delivered::numeric, 4), round(qty_returned::numeric, 4),
                   round(qty_returned_controllable::numeric, 4)
              FROM %s""" % relation))

    def assertLayerIsLive(self):
        Report = self.env['overseas.return.report']
        Report.invalidate_cache()
        self.assertEqual(self._pivot(), self._live_pivot())
        total = Report.read_group([], ['product_qty'], [])
        live_count = self._fetch('SELECT count(*) FROM overseas_return_report_live')[0][0]
        self.assertEqual(total[0]['__count'], live_count)
        kpis, live = self._kpis(), self._live_kpis()
        self.assertEqual(set(kpis), set(live))
        for key, value in live.items():
            if isinstance(value, float):
                self.assertAlmostEqual(kpis[key], value, places=6, msg=key)
            else:
                self.assertEqual(kpis[key], value, key)
        self.assertEqual(self._rate_rows('overseas_return_rate_report'),
                         self._rate_rows('overseas_return_rate_report_live'))

    def _dirty(self):
        return (self._fetch('SELECT count(*) FROM overseas_return_report_dirty')[0][0],
                self._fetch('SELECT count(*) FROM overseas_return_rate_dirty')[0][0])

    # ------------------------------------------------------------------ tests
    def test_figures_follow_changes_and_refresh(self):
        Report = self.env['overseas.return.report']
        reason = self.reason
        draft = self.env['overseas.return.order'].create({
            'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
            'company_id': self.company.id, 'date_requested': '2026-03-02',
            'line_ids': [(0, 0, {'product_id': self.mug.id, 'product_qty': 1.0,
                                 'reason_id': reason['size_differs'].id}),
                         (0, 0, {'product_id': self.earbuds.id, 'product_qty': 2.0,
                                 'reason_id': reason['changed_mind'].id})]})
        # every return of the data set changed since the install: read live
        self.assertTrue(all(self._dirty()))
        self.assertLayerIsLive()
        Report.refresh_materialized()
        self.assertEqual(self._dirty(), (0, 0))
        self.assertLayerIsLive()
        kpis_refreshed = self._kpis()

        # creates: a delivery and a return of it, received (a new cohort)
        d10 = self._deliver(self.warehouse, self.mug, 8.0, '2026-02-03 09:00:00')
        r10 = self._return(self.mug, 3.0, reason['damaged_in_transit'], '2026-02-14',
                           delivery_id=d10.id)
        self._receive(r10, '2026-02-18 10:00:00')
        self._inspect(r10.line_ids, 'C', 'carrier')
        # writes: a line's reason and quantity, a delivery's day, a return's state
        self.r7.line_ids.write({'reason_id': reason['manufacturing_defect'].id})
        draft.line_ids[0].write({'product_qty': 4.0})
        self.d2.move_lines.write({'date': '2026-02-12 10:00:00'})
        self.r6.action_cancel()
        # deletes: a line, and a (cancelled) return
        draft.line_ids[1].unlink()
        self.r6.unlink()
        report_dirty, rate_dirty = self._dirty()
        self.assertTrue(report_dirty and rate_dirty)
        self.assertLayerIsLive()
        self.assertNotEqual(self._kpis(), kpis_refreshed)
        self.assertEqual(Report.browse(r10.line_ids.id).fault_party, 'carrier')

        Report.refresh_materialized()
        self.assertEqual(self._dirty(), (0, 0))
        self.assertLayerIsLive()

    def test_pivot_filters_outside_the_cube_read_the_lines(self):
        """A filter or group on a field the cube does not hold reads the lines."""
        Report = self.env['overseas.return.report']
        Report.refresh_materialized()
        by_product = Report.read_group(
            [('amount_refunded', '!=', 0), ('warehouse_id', '=', self.warehouse.id)],
            ['product_id', 'amount_refunded'],
            ['product_id'])
        self.assertEqual([(g['product_id'][0], g['amount_refunded'], g['product_id_count'])
                          for g in by_product], [(self.earbuds.id, 110.0, 2)])
        by_reason = Report.read_group(
            [('warehouse_id', '=', self.warehouse.id)], ['reason_id', 'product_qty'],
            ['reason_id'], orderby='product_qty desc')
        self.assertEqual(by_reason[0]['reason_id'][0], self.reason['changed_mind'].id)
        self.assertEqual(by_reason[0]['product_qty'], 4.0)
        self.assertEqual(by_reason[0]['reason_id_count'], 2)
        # a filter on a figure the cube only sums (the dashboard's processing-time
        # drill-down) reads the lines too
        groups = Report.read_group(
            [('processing_days', '!=', False), ('warehouse_id', '=', self.warehouse.id)],
            ['reason_category_id', 'product_qty'], ['reason_category_id'])
        live = self._fetch(
            'SELECT count(*) FROM overseas_return_report_live '
            'WHERE processing_days IS NOT NULL AND warehouse_id = %d' % self.warehouse.id)
        self.assertEqual(sum(group['reason_category_id_count'] for group in groups),
                         live[0][0])
