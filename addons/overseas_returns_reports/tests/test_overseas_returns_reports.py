import base64

from odoo.exceptions import AccessError
from odoo.tests.common import at_install, post_install

from odoo.addons.overseas_returns.models.overseas_return_order_mail import \
    FEEDBACK_RATING_VALUES

from .common import NOW, TODAY, ReportsCase

PERIOD = ('2026-01-01', '2026-02-28')


@at_install(False)
@post_install(True)
class TestReturnsReports(ReportsCase):

    def _kpis(self, company=None):
        return self.env['overseas.return.kpi'].compute_kpis(
            PERIOD[0], PERIOD[1], (company or self.company).id, now=NOW)

    # ------------------------------------------------------------------ line report
    def test_report_row_per_line(self):
        Report = self.env['overseas.return.report']
        line = self.r1.line_ids
        row = Report.browse(line.id)
        self.assertEqual(row.product_id, self.earbuds)
        self.assertEqual(row.categ_id, self.categ)
        self.assertEqual(row.reason_category_id.code, 'mismatch')
        self.assertEqual(row.country_id, self.env.ref('base.us'))
        self.assertEqual(row.date, '2026-02-05')
        self.assertEqual(row.disposition, 'restock')
        self.assertEqual(row.grade_id, self.grade['A'])
        self.assertAlmostEqual(row.amount_original, 80.0)
        self.assertAlmostEqual(row.amount_refunded, 80.0)
        self.assertAlmostEqual(row.amount_recovered, 20.0)
        self.assertAlmostEqual(row.processing_days, 1.0)
        partial = Report.browse(self.r2.line_ids.id)
        self.assertAlmostEqual(partial.amount_refunded, 30.0, msg='40 less a 10 fee')
        self.assertAlmostEqual(partial.amount_recovered, 0.0, msg='returned to origin')
        reworked = Report.browse(self.r4.line_ids.id)
        self.assertAlmostEqual(reworked.amount_recovered, 10.0)

    def test_customer_feedback_counted(self):
        # the customers' ratings, through rating.mixin as the e-mail links give them
        for order, level in ((self.r1, '4'), (self.r4, '2')):
            token = order.rating_get_access_token(order.partner_id)
            order.rating_apply(FEEDBACK_RATING_VALUES[level], token=token)
        Report = self.env['overseas.return.report']
        self.assertEqual(Report.browse(self.r1.line_ids.id).feedback_rating, '4')
        rated = Report.read_group(
            [('order_id', 'in', (self.r1 | self.r4 | self.r2).ids),
             ('feedback_rating', '!=', False)],
            ['feedback_score'], [])
        self.assertEqual(rated[0]['__count'], 2)
        self.assertAlmostEqual(rated[0]['feedback_score'], 3.0)

    def test_reason_pivot_read_group(self):
        groups = self.env['overseas.return.report'].read_group(
            [('company_id', '=', self.company.id), ('warehouse_id', '=', self.warehouse.id),
             ('order_state', 'not in', ('cancel', 'rejected'))],
            ['product_qty', 'amount_refunded', 'reason_category_id', 'date'],
            ['reason_category_id', 'date:month'], lazy=False)
        qty = {}
        for group in groups:
            code = self.env['overseas.return.reason.category'].browse(
                group['reason_category_id'][0]).code
            qty[code, group['date:month']] = group['product_qty']
        self.assertEqual(qty[('mismatch', 'February 2026')], 4.0)   # R1 2 + R7 2
        self.assertEqual(qty[('mismatch', 'March 2026')], 1.0)      # R5
        self.assertEqual(qty[('expectation', 'February 2026')], 4.0)  # R3 3 + R6 1
        self.assertEqual(qty[('quality', 'February 2026')], 1.0)
        self.assertEqual(qty[('logistics', 'February 2026')], 1.0)
        self.assertAlmostEqual(sum(g['amount_refunded'] for g in groups), 110.0)

    # ------------------------------------------------------------------ return rate
    def test_return_rate_by_delivery_cohort(self):
        # the test's own products (the demo's sales share the company)
        groups = self.env['overseas.return.rate.report'].read_group(
            [('company_id', '=', self.company.id),
             ('product_id', 'in', (self.earbuds | self.mug).ids)],
            ['qty_delivered', 'qty_returned', 'return_rate', 'product_id', 'date'],
            ['product_id', 'date:month'], lazy=False)
        rows = {(g['product_id'][0], g['date:month']):
                (g['qty_delivered'], g['qty_returned'], g['return_rate']) for g in groups}
        earbuds, mug = self.earbuds.id, self.mug.id
        # R1 and R4 (requested in February) count in D1's January cohort
        self.assertEqual(rows[(earbuds, 'January 2026')], (20.0, 3.0, 15.0))
        self.assertEqual(rows[(earbuds, 'February 2026')], (10.0, 1.0, 10.0))
        self.assertEqual(rows[(mug, 'January 2026')], (10.0, 3.0, 30.0))
        # R5 is linked through its sale line to the sale's March delivery
        self.assertEqual(rows[(mug, 'March 2026')], (5.0, 1.0, 20.0))
        self.assertEqual(len(rows), 4, 'R6 and R7 have no delivery: not in the rate')

    def test_rate_report_dimensions(self):
        groups = self.env['overseas.return.rate.report'].read_group(
            [], ['qty_delivered', 'qty_returned', 'return_rate', 'warehouse_id'],
            ['warehouse_id'], lazy=False)
        by_warehouse = {g['warehouse_id'][0]: g for g in groups}
        self.assertEqual(by_warehouse[self.warehouse.id]['qty_delivered'], 45.0)
        self.assertEqual(by_warehouse[self.warehouse.id]['qty_returned'], 8.0)
        self.assertEqual(by_warehouse[self.warehouse_b.id]['return_rate'], 50.0)

    # ------------------------------------------------------------------ KPIs
    def test_kpi_rates(self):
        kpis = self._kpis()
        self.assertEqual(kpis['qty_delivered'], 40.0)
        self.assertEqual(kpis['qty_returned'], 7.0)
        self.assertAlmostEqual(kpis['return_rate'], 0.175)
        # seller (R1 2, R2 1) and carrier (R4 1): 4 of 40
        self.assertAlmostEqual(kpis['controllable_rate'], 0.1)

    def test_kpi_restock_recovery_refunds(self):
        kpis = self._kpis()
        self.assertEqual(kpis['units'], 10.0)
        self.assertEqual(kpis['qty_finished'], 7.0)
        self.assertEqual(kpis['qty_restocked'], 3.0)
        self.assertAlmostEqual(kpis['restock_rate'], 3.0 / 7.0)
        self.assertAlmostEqual(kpis['recovery_rate'], 30.0 / 52.0)
        self.assertAlmostEqual(kpis['amount_original'], 317.5)
        self.assertAlmostEqual(kpis['amount_refunded'], 110.0)
        self.assertEqual(kpis['order_count'], 6)
        self.assertAlmostEqual(kpis['returnless_share'], 1.0 / 6.0)
        self.assertEqual(kpis['refunded_count'], 2)
        self.assertAlmostEqual(kpis['partial_refund_share'], 0.5)

    def test_kpi_processing_days(self):
        kpis = self._kpis()
        # 1, 2, 3 and 10 days
        self.assertAlmostEqual(kpis['processing_days_avg'], 4.0)
        self.assertAlmostEqual(kpis['processing_days_p90'], 7.9)

    def test_kpi_pareto(self):
        pareto = self._kpis()['pareto']
        reason = self.reason
        tied = sorted([reason['size_differs'], reason['colour_differs']], key=lambda r: r.id)
        tail = sorted([reason['manufacturing_defect'], reason['damaged_in_transit']],
                      key=lambda r: r.id)
        expected = [reason['changed_mind']] + tied + tail
        self.assertEqual([row['reason_id'] for row in pareto], [r.id for r in expected])
        self.assertEqual([row['qty'] for row in pareto], [4.0, 2.0, 2.0, 1.0, 1.0])
        for row, share, cumulative in zip(pareto, [0.4, 0.2, 0.2, 0.1, 0.1],
                                          [0.4, 0.6, 0.8, 0.9, 1.0]):
            self.assertAlmostEqual(row['share'], share)
            self.assertAlmostEqual(row['cumulative_share'], cumulative)

    def test_kpi_quarantine_aging(self):
        aging = {row['bucket']: row for row in self._kpis()['aging']}
        self.assertEqual([row['bucket'] for row in self._kpis()['aging']],
                         ['0_7', '8_14', '15_30', '31_60', '61_plus'])
        self.assertEqual((aging['15_30']['qty'], aging['15_30']['value']), (1.0, 4.0))
        self.assertEqual((aging['61_plus']['qty'], aging['61_plus']['value']), (2.0, 20.0))
        for bucket in ('0_7', '8_14', '31_60'):
            self.assertEqual(aging[bucket]['qty'], 0.0)
        self.assertEqual(self.qty_in_quarantine(), 3.0, 'the buckets match the stock')

    def qty_in_quarantine(self):
        Quant = self.env['stock.quant']
        location = self.warehouse.return_location_id
        return (Quant._get_available_quantity(self.earbuds, location)
                + Quant._get_available_quantity(self.mug, location))

    def test_companies_kept_apart(self):
        kpis_b = self._kpis(self.company_b)
        self.assertEqual((kpis_b['qty_delivered'], kpis_b['qty_returned']), (10.0, 5.0))
        self.assertAlmostEqual(kpis_b['return_rate'], 0.5)
        self.assertEqual(kpis_b['order_count'], 1)
        self.assertAlmostEqual(kpis_b['restock_rate'], 1.0)
        self.assertEqual([row['reason_id'] for row in kpis_b['pareto']],
                         [self.reason['changed_mind'].id])
        user_b = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Manager B', 'login': 'ort_rep_manager_b', 'email': 'b@example.com',
            'company_id': self.company_b.id, 'company_ids': [(6, 0, [self.company_b.id])],
            'groups_id': [(6, 0, [self.env.ref('overseas_returns.group_returns_manager').id,
                                  self.env.ref('base.group_user').id])]})
        rows = self.env['overseas.return.report'].sudo(user_b).search([])
        self.assertEqual(rows.mapped('order_id'), self.r9)
        rates = self.env['overseas.return.rate.report'].sudo(user_b).read_group(
            [], ['qty_delivered', 'qty_returned'], [])
        self.assertEqual((rates[0]['qty_delivered'], rates[0]['qty_returned']), (10.0, 5.0))
        Dashboard = self.env['overseas.return.kpi.dashboard'].sudo(user_b)
        with self.assertRaises(AccessError):
            Dashboard.create({'date_from': PERIOD[0], 'date_to': PERIOD[1],
                              'company_id': self.company.id})

    # ------------------------------------------------------------------ dashboard
    def test_dashboard_figures_open_their_rows(self):
        dashboard = self.env['overseas.return.kpi.dashboard'].create({
            'date_from': PERIOD[0], 'date_to': PERIOD[1], 'company_id': self.company.id})
        self.assertAlmostEqual(dashboard.return_rate, 17.5)
        self.assertAlmostEqual(dashboard.partial_refund_share, 50.0)
        self.assertEqual(len(dashboard.pareto_ids), 5)
        self.assertEqual(len(dashboard.aging_ids), 5)

        def rows(action):
            return self.env[action['res_model']].search(action['domain'])

        self.assertEqual(len(rows(dashboard.action_open_returns())), 6)
        self.assertEqual(rows(dashboard.action_open_returnless()).mapped('order_id'),
                         self.r6)
        self.assertEqual(rows(dashboard.action_open_partial_refund()).mapped('order_id'),
                         self.r1 | self.r2)
        # R7 (seller's fault too) has no delivery: not behind the cohort figure
        self.assertEqual(rows(dashboard.action_open_controllable()).mapped('order_id'),
                         self.r1 | self.r2 | self.r4)
        self.assertEqual(len(rows(dashboard.action_open_processing())), 4)
        rate_rows = rows(dashboard.action_open_return_rate())
        self.assertEqual(sum(rate_rows.mapped('qty_delivered')), 40.0)
        top = dashboard.pareto_ids[0]
        self.assertEqual(rows(top.action_open_rows()).mapped('order_id'), self.r3 | self.r6)

    def test_dashboard_aging_rows_and_xlsx(self):
        dashboard = self.env['overseas.return.kpi.dashboard'].create({
            'date_from': PERIOD[0], 'date_to': PERIOD[1], 'company_id': self.company.id})
        # the dashboard's own aging is as of now: the data set's receipts are older
        oldest = dashboard.aging_ids.filtered(lambda line: line.bucket == '61_plus')
        action = oldest.action_open_rows()
        orders = self.env[action['res_model']].search(action['domain']).mapped('order_id')
        self.assertEqual(orders, self.r7 | self.r5)
        result = dashboard.action_export_xlsx()
        self.assertEqual(result['type'], 'ir.actions.act_url')
        # a new window: an act_url with target self leaves the tab without error dialogs
        self.assertEqual(result['target'], 'new')
        self.assertEqual(dashboard.action_open_dashboard()['target'], 'inline',
                         'no Edit / Create buttons on the dashboard')
        attachment = self.env['ir.attachment'].search(
            [('res_model', '=', dashboard._name), ('res_id', '=', dashboard.id)])
        content = base64.b64decode(attachment.datas)
        self.assertTrue(content.startswith(b'PK'), 'an XLSX (zip) file')

    # ------------------------------------------------------------------ alerts
    def test_product_alert_raised_once(self):
        Alert = self.env['overseas.return.product.alert']
        Activity = self.env['mail.activity']
        activity_type = self.env.ref(
            'overseas_returns_reports.mail_activity_type_return_alert')
        domain = [('res_model', '=', 'product.template'),
                  ('activity_type_id', '=', activity_type.id)]
        templates = (self.earbuds | self.mug).mapped('product_tmpl_id')
        domain.append(('res_id', 'in', templates.ids))
        Activity.search(domain).unlink()

        def run():
            """The cron's activities on this data set's products (the database may
            hold other products, e.g. from the browser tests)."""
            return Alert._cron_product_alerts(today=TODAY).filtered(
                lambda activity: activity.res_id in templates.ids)

        created = run()
        self.assertEqual(len(created), 1)
        self.assertEqual(created.res_id, self.earbuds.product_tmpl_id.id)
        self.assertEqual(created.user_id, self.responsible)
        self.assertIn(self.reason['changed_mind'].name, created.summary)
        self.assertIn('22.5', created.note)
        self.assertFalse(run(), 'not one a day')
        self.assertEqual(Activity.search_count(domain), 1)

        # a stricter mismatch threshold alerts the mug (R5) and still not the earbuds again
        self.env['ir.config_parameter'].sudo().set_param(
            'overseas_returns_reports.alert_mismatch_threshold', '1')
        created = run()
        self.assertEqual(created.res_id, self.mug.product_tmpl_id.id)
        # R3 brought back 3 mugs for a change of mind, R5 1 for its size
        self.assertIn(self.reason['changed_mind'].name, created.summary)
        self.assertIn('1', created.note)
        self.assertEqual(Activity.search_count(domain), 2)

        # once the alert is dealt with, a product still over the threshold alerts again
        Activity.search(domain + [('res_id', '=', self.earbuds.product_tmpl_id.id)]
                        ).action_done()
        created = run()
        self.assertEqual(created.res_id, self.earbuds.product_tmpl_id.id)

    def test_product_alert_window(self):
        """Long after the deliveries, nothing is over the threshold."""
        alerts = self.env['overseas.return.product.alert']._find_alerts(today='2026-12-31')
        self.assertFalse(set(alerts) & set((self.earbuds | self.mug).ids))
