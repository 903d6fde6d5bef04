"""A returns manager in Chromium: the reason pivot and the KPI dashboard."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from test_browser import click, login, settle, wait

REASONS = [
    ('overseas_returns.reason_size_differs', 2.0),
    ('overseas_returns.reason_changed_mind', 1.0),
    ('overseas_returns.reason_manufacturing_defect', 1.0),
    ('overseas_returns.reason_damaged_in_transit', 3.0),
]


def xmlid(rpc, name):
    return rpc.call('ir.model.data', 'xmlid_to_res_id', name)


def make_returns(rpc):
    """A few received returns, one per reason, so the pivot has something to show."""
    sku = 'BRR-%d' % (time.time() * 1000 % 10 ** 9)
    product_id = rpc.call('product.product', 'create', {
        'name': 'Report Browser Lamp', 'default_code': sku, 'type': 'product',
        'list_price': 25.0, 'standard_price': 9.0})
    partner_id = rpc.call('res.partner', 'create', {'name': 'Report Browser Customer'})
    for reason, qty in REASONS:
        order_id = rpc.call('overseas.return.order', 'create', {
            'partner_id': partner_id,
            'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': qty,
                                 'reason_id': xmlid(rpc, reason)})]})
        rpc.call('overseas.return.order', 'action_approve', [order_id])
        rpc.call('overseas.return.order', 'action_receive', [order_id])


def open_action(driver, server, action_id):
    driver.get('%s/web#action=%d' % (server.url, action_id))
    settle(driver)


def test_reason_pivot_and_dashboard(odoo_server, browser, admin_rpc):
    driver = browser
    make_returns(admin_rpc)
    login(driver, odoo_server)

    # Returns > Reporting > Returns Analysis: reason categories by month
    open_action(driver, odoo_server,
                xmlid(admin_rpc, 'overseas_returns_reports.overseas_return_report_action'))
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_pivot table')))
    settle(driver)
    headers = driver.find_element(By.CSS_SELECTOR, '.o_pivot table').text
    assert 'Logistics' in headers or 'logistics' in headers.lower(), headers
    screenshot(driver, 'report-reason-pivot.png')

    # the KPI dashboard, from its menu (a server action building a fresh dashboard)
    open_action(driver, odoo_server, xmlid(
        admin_rpc, 'overseas_returns_reports.overseas_return_kpi_dashboard_action_server'))
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_form_view .o_stat_value')))
    settle(driver)
    assert 'Return Rate' in driver.find_element(By.CSS_SELECTOR, '.o_form_view').text
    screenshot(driver, 'kpi-dashboard.png')

    # a figure opens the rows behind it
    click(driver, "//button[@name='action_open_processing']", By.XPATH)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_pivot')))
    severe = [entry for entry in driver.get_log('browser') if entry['level'] == 'SEVERE']
    assert not severe, severe
