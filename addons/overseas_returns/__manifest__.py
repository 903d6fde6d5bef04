# Copyright 2026 Overseas Returns contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    'name': 'Overseas Returns',
    'summary': 'Returns desk for overseas (3PL) warehouses: receive, inspect, '
               'grade, dispose and refund customer returns',
    'version': '11.0.1.0.0',
    'category': 'Warehouse',
    'author': 'Overseas Returns contributors',
    'website': 'https://github.com/overseas-returns/overseas-returns-odoo',
    'license': 'LGPL-3',
    'depends': [
        'sale_stock',
        'account_invoicing',
        'barcodes',
        'portal',
    ],
    'data': [
        'security/overseas_returns_security.xml',
        'security/ir.model.access.csv',
        'data/overseas_return_reason_data.xml',
        'data/overseas_return_data.xml',
        'data/overseas_return_refund_data.xml',
        'data/overseas_return_unidentified_data.xml',
        'views/overseas_return_order_views.xml',
        'views/overseas_return_line_views.xml',
        'views/overseas_returns_config_views.xml',
        'views/stock_warehouse_views.xml',
        'views/overseas_returns_menus.xml',
        'views/overseas_return_reason_views.xml',
        'views/overseas_return_refund_views.xml',
        'views/overseas_return_import_views.xml',
        'views/overseas_return_rule_views.xml',
        'views/overseas_return_match_views.xml',
    ],
    'demo': [
        'demo/overseas_returns_demo.xml',
    ],
    'post_init_hook': 'post_init_hook',
    'installable': True,
    'application': True,
}
