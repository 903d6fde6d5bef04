# Copyright 2026 Overseas Returns contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    'name': 'Overseas Returns Reports',
    'summary': 'Return reasons, return rate and recovery analysis for overseas returns',
    'version': '11.0.1.0.0',
    'category': 'Warehouse',
    'author': 'Overseas Returns contributors',
    'website': 'https://github.com/overseas-returns/overseas-returns-odoo',
    'license': 'LGPL-3',
    'depends': ['overseas_returns'],
    'data': [
        'security/overseas_returns_reports_security.xml',
        'security/ir.model.access.csv',
        'data/overseas_returns_reports_data.xml',
        'data/overseas_return_report_cron.xml',
        'views/overseas_returns_reports_menus.xml',
        'report/overseas_return_report_views.xml',
        'report/overseas_return_rate_report_views.xml',
        'report/overseas_return_economics_report_views.xml',
        'report/overseas_return_unit_report_views.xml',
        'wizards/overseas_return_kpi_dashboard_views.xml',
    ],
    'installable': True,
    'application': False,
}
