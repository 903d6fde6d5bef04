from odoo.exceptions import AccessError, UserError
from odoo.tests.common import at_install, post_install

from .common import NOW, ReportsCase

PERIOD = ('2026-01-01', '2026-02-28')


@at_install(False)
@post_install(True)
class TestKpiAccess(ReportsCase):
    """The KPI methods read the report views with SQL: returns managers of the
    company only; bad arguments get a clear error."""

    @classmethod
    def setUpClass(cls):
        super(TestKpiAccess, cls).setUpClass()
        ref = cls.env.ref
        Users = cls.env['res.users'].with_context(no_reset_password=True)

        def user(login, groups, companies=None):
            companies = companies or cls.company
            return Users.create({
                'name': login, 'login': login, 'email': '%s@example.com' % login,
                'company_id': companies[0].id, 'company_ids': [(6, 0, companies.ids)],
                'groups_id': [(6, 0, [ref(group).id for group in groups])]})

        cls.portal = user('ort_kpi_portal', ['base.group_portal'])
        cls.stock_user = user('ort_kpi_stock', ['base.group_user', 'stock.group_stock_user'])
        cls.returns_user = user('ort_kpi_returns', ['base.group_user',
                                                    'overseas_returns.group_returns_user'])
        cls.kpi_manager = user('ort_kpi_manager', ['base.group_user',
                                                   'overseas_returns.group_returns_manager'])
        cls.kpi_manager_ab = user('ort_kpi_manager_ab', [
            'base.group_user', 'overseas_returns.group_returns_manager'],
            cls.company | cls.company_b)

    def _kpis(self, user, company_id=None, **kwargs):
        company_id = self.company.id if company_id is None else company_id
        args = dict(dict(date_from=PERIOD[0], date_to=PERIOD[1], company_id=company_id,
                         now=NOW), **kwargs)
        return self.env['overseas.return.kpi'].sudo(user).compute_kpis(**args)

    def test_non_managers_get_no_figures(self):
        dashboard = self.env['overseas.return.kpi.dashboard'].create({
            'date_from': PERIOD[0], 'date_to': PERIOD[1]})
        for user in (self.portal, self.stock_user, self.returns_user):
            with self.assertRaises(AccessError, msg=user.login):
                self._kpis(user)
            with self.assertRaises(AccessError, msg=user.login):
                self._kpis(user, company_id=False)
            Dashboard = self.env['overseas.return.kpi.dashboard'].sudo(user)
            with self.assertRaises(AccessError, msg=user.login):
                Dashboard.create({'date_from': PERIOD[0], 'date_to': PERIOD[1]})
            with self.assertRaises(AccessError, msg=user.login):
                Dashboard.action_open_dashboard()
            mine = dashboard.sudo(user)
            for method in ('action_refresh', 'action_open_return_rate',
                           'action_open_controllable', 'action_open_restock',
                           'action_open_recovery', 'action_open_processing',
                           'action_open_partial_refund', 'action_open_returnless',
                           'action_open_returns', 'action_export_xlsx'):
                with self.assertRaises(AccessError, msg='%s %s' % (user.login, method)):
                    getattr(mine, method)()
            for line in (dashboard.pareto_ids[:1], dashboard.aging_ids[:1]):
                with self.assertRaises(AccessError, msg=user.login):
                    line.sudo(user).action_open_rows()
        self.assertFalse(self.env['ir.attachment'].search(
            [('res_model', '=', dashboard._name), ('res_id', '=', dashboard.id)]))

    def test_report_views_are_rebuilt_by_the_server_only(self):
        for model in ('overseas.return.report', 'overseas.return.rate.report'):
            for user in (self.portal, self.kpi_manager):
                with self.assertRaises(AccessError):
                    self.env[model].sudo(user).init()

    def test_manager_of_another_company_is_refused(self):
        with self.assertRaises(AccessError):
            self._kpis(self.kpi_manager, company_id=self.company_b.id)
        with self.assertRaises(AccessError):
            self._kpis(self.kpi_manager, company_id=999999)
        Dashboard = self.env['overseas.return.kpi.dashboard'].sudo(self.kpi_manager)
        with self.assertRaises(AccessError):
            Dashboard.create({'date_from': PERIOD[0], 'date_to': PERIOD[1],
                              'company_id': self.company_b.id})
        # a company written afterwards is refused too, before any row is read
        dashboard = Dashboard.create({'date_from': PERIOD[0], 'date_to': PERIOD[1]})
        self.assertAlmostEqual(dashboard.qty_delivered, 40.0)
        dashboard.sudo().write({'company_id': self.company_b.id})
        for method in ('action_refresh', 'action_open_controllable', 'action_export_xlsx'):
            with self.assertRaises(AccessError, msg=method):
                getattr(dashboard, method)()
        # its own company: the figures, as plain values
        kpis = self._kpis(self.kpi_manager)
        self.assertEqual(kpis['company_id'], self.company.id)
        self.assertEqual((kpis['qty_delivered'], kpis['qty_returned']), (40.0, 7.0))
        self.assertEqual(self._kpis(self.kpi_manager, company_id=None)['qty_delivered'],
                         40.0)

    def test_manager_of_two_companies_gets_both(self):
        kpis_a = self._kpis(self.kpi_manager_ab, company_id=self.company.id)
        kpis_b = self._kpis(self.kpi_manager_ab, company_id=self.company_b.id)
        self.assertEqual((kpis_a['qty_delivered'], kpis_a['qty_returned']), (40.0, 7.0))
        self.assertEqual((kpis_b['qty_delivered'], kpis_b['qty_returned']), (10.0, 5.0))
        self.assertEqual(kpis_b['order_count'], 1)
        Dashboard = self.env['overseas.return.kpi.dashboard'].sudo(self.kpi_manager_ab)
        dashboard_b = Dashboard.create({'date_from': PERIOD[0], 'date_to': PERIOD[1],
                                        'company_id': self.company_b.id})
        self.assertAlmostEqual(dashboard_b.qty_delivered, 10.0)
        self.assertAlmostEqual(dashboard_b.return_rate, 50.0)

    def test_results_are_plain_values(self):
        kpis = self._kpis(self.kpi_manager)

        def check(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    self.assertIsInstance(key, str)
                    check(item)
            elif isinstance(value, list):
                for item in value:
                    check(item)
            else:
                self.assertIsInstance(value, (str, int, float, bool), repr(value))
        check(kpis)
        oldest = kpis['aging'][-1]
        self.assertIs(oldest['date_from'], False, 'no lower bound: False, not None')

    def test_bad_arguments_get_a_clear_error(self):
        for kwargs in (
                {'date_from': 'last monday'}, {'date_from': '2026-02-30'},
                {'date_to': 20260228}, {'date_to': None}, {'date_from': ['2026-01-01']},
                {'date_from': '2026-03-01', 'date_to': '2026-02-01'},
                {'company_id': str(self.company.id)}, {'company_id': [self.company.id]},
                {'company_id': True}, {'company_id': -1}, {'company_id': 1.5},
                {'now': 'now'}, {'now': 12},
                {'pareto_limit': 'ten'}, {'pareto_limit': -1}, {'pareto_limit': 10 ** 6},
                {'pareto_limit': True}, {'date_from': '0001-01-01'},
                {'date_from': '0999-12-31', 'date_to': '0999-12-31'}):
            with self.assertRaises(UserError, msg=repr(kwargs)):
                self._kpis(self.kpi_manager, **kwargs)
