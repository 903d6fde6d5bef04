"""A customer in Chromium: requests a return on the portal, then follows it."""
import time

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot

TIMEOUT = 60


def wait(driver):
    return WebDriverWait(driver, TIMEOUT)


def portal_login(driver, server, login, password):
    driver.delete_all_cookies()
    driver.get(server.url + '/web/login')
    driver.find_element(By.NAME, 'login').send_keys(login)
    driver.find_element(By.NAME, 'password').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(driver).until(lambda d: '/web/login' not in d.current_url)


def delivered_sale(admin_rpc, partner_id, product_id, qty):
    sale_id = admin_rpc.call('sale.order', 'create', {
        'partner_id': partner_id,
        'order_line': [(0, 0, {'product_id': product_id, 'product_uom_qty': qty,
                               'price_unit': 19.0})]})
    admin_rpc.call('sale.order', 'action_confirm', [sale_id])
    picking_ids = admin_rpc.call('sale.order', 'read', [sale_id], ['picking_ids'])[0][
        'picking_ids']
    admin_rpc.call('stock.picking', 'action_assign', picking_ids)
    move_line_ids = admin_rpc.call('stock.move.line', 'search',
                                   [('picking_id', 'in', picking_ids)])
    admin_rpc.call('stock.move.line', 'write', move_line_ids, {'qty_done': qty})
    admin_rpc.call('stock.picking', 'action_done', picking_ids)
    return admin_rpc.call('sale.order', 'read', [sale_id], ['name', 'order_line'])[0]


def test_customer_requests_and_follows_a_return(odoo_server, browser, admin_rpc):
    driver = browser
    stamp = int(time.time() * 1000 % 10 ** 9)
    login = 'portal-%d@example.com' % stamp
    portal_group = admin_rpc.call('ir.model.data', 'xmlid_to_res_id', 'base.group_portal')
    user_id = admin_rpc.call('res.users', 'create', {
        'name': 'Portal Customer %d' % stamp, 'login': login, 'email': login,
        'password': 'portal-pass', 'groups_id': [(6, 0, [portal_group])]})
    partner_id = admin_rpc.call('res.users', 'read', [user_id], ['partner_id'])[0][
        'partner_id'][0]
    product_id = admin_rpc.call('product.product', 'create', {
        'name': 'Portal Desk Lamp', 'default_code': 'PDL-%d' % stamp, 'type': 'consu',
        'list_price': 19.0})
    sale = delivered_sale(admin_rpc, partner_id, product_id, 2.0)
    reason_id = admin_rpc.call('ir.model.data', 'xmlid_to_res_id',
                               'overseas_returns.reason_manufacturing_defect')

    portal_login(driver, odoo_server, login, 'portal-pass')

    # the request form, reached from the portal
    driver.get(odoo_server.url + '/my/returns/new?order=%d' % sale['id'])
    form = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, 'form.o_return_request_form')))
    line_id = sale['order_line'][0]
    form.find_element(By.NAME, 'select_%d' % line_id).click()
    qty = form.find_element(By.NAME, 'qty_%d' % line_id)
    qty.clear()
    qty.send_keys('1')
    Select(form.find_element(By.NAME, 'reason_id')).select_by_value(str(reason_id))
    form.find_element(By.NAME, 'comment').send_keys('The lamp flickers after a minute.')
    form.find_element(By.CSS_SELECTOR, '.o_return_request_submit').click()

    # the detail page, with the confirmation and the timeline
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_return_requested')))
    name = driver.find_element(By.CSS_SELECTOR, '.o_return_name').text
    assert name.startswith('RMA/')
    assert driver.find_elements(By.CSS_SELECTOR, '.o_return_timeline .o_return_step')
    assert 'Portal Desk Lamp' in driver.find_element(By.CSS_SELECTOR, '.o_return_lines').text
    order = admin_rpc.call('overseas.return.order', 'search_read', [('name', '=', name)],
                           fields=['state', 'partner_id', 'sale_order_id',
                                   'create_uid'])[0]
    assert order['state'] == 'draft'
    # created by the customer themselves, not by the superuser
    assert order['create_uid'][0] == user_id
    assert order['partner_id'][0] == partner_id
    assert order['sale_order_id'][0] == sale['id']
    screenshot(driver, 'portal-return-detail.png')

    # the return slip, when the report is installed, is the customer's PDF
    slip_links = driver.find_elements(By.CSS_SELECTOR, 'a.o_return_slip')
    if slip_links:
        cookies = {c['name']: c['value'] for c in driver.get_cookies()}
        slip = requests.get(slip_links[0].get_attribute('href'), cookies=cookies, timeout=120)
        assert slip.status_code == 200
        assert slip.headers['Content-Type'] == 'application/pdf'
        assert slip.content.startswith(b'%PDF')

    # the list of the customer's returns, with the new one
    driver.get(odoo_server.url + '/my/returns')
    table = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_portal_my_returns_table')))
    assert name in table.text
    screenshot(driver, 'portal-returns.png')

    # the detail from the list
    driver.find_element(By.LINK_TEXT, name).click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_return_timeline')))
    assert driver.find_element(By.CSS_SELECTOR, '.o_return_name').text == name
