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
        'views/overseas_returns_menus.xml',
        'views/overseas_return_reason_views.xml',
    ],
    'installable': True,
    'application': True,
}
