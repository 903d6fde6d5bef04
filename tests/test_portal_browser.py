"""A customer in Chromium, in English and in Chinese: finds Returns on /my before any
return exists, requests one with a reason per product, follows it, and prints the slip
once the return is approved (not before)."""
import os
import re
import subprocess
import tempfile
import time

import pytest

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


def delivered_sale(admin_rpc, partner_id, product_ids, qty, client_ref=False):
    sale_id = admin_rpc.call('sale.order', 'create', {
        'partner_id': partner_id, 'client_order_ref': client_ref,
        'order_line': [(0, 0, {'product_id': product_id, 'product_uom_qty': qty,
                               'price_unit': 19.0}) for product_id in product_ids]})
    admin_rpc.call('sale.order', 'action_confirm', [sale_id])
    picking_ids = admin_rpc.call('sale.order', 'read', [sale_id], ['picking_ids'])[0][
        'picking_ids']
    admin_rpc.call('stock.picking', 'action_assign', picking_ids)
    move_line_ids = admin_rpc.call('stock.move.line', 'search',
                                   [('picking_id', 'in', picking_ids)])
    admin_rpc.call('stock.move.line', 'write', move_line_ids, {'qty_done': qty})
    admin_rpc.call('stock.picking', 'action_done', picking_ids)
    return admin_rpc.call('sale.order', 'read', [sale_id], ['name', 'order_line'])[0]


SCREENSHOT_SUFFIX = {'en_US': '', 'zh_CN': '-zh_CN'}
CJK = re.compile('[\u4e00-\u9fff]')


def pdf_text(content):
    handle, path = tempfile.mkstemp(suffix='.pdf')
    try:
        with os.fdopen(handle, 'wb') as pdf:
            pdf.write(content)
        return subprocess.check_output(['/usr/bin/pdftotext', '-layout', path, '-'],
                                       timeout=60).decode('utf-8')
    finally:
        os.unlink(path)


def ensure_lang(admin_rpc, lang):
    if lang == 'en_US' or admin_rpc.call('res.lang', 'search', [('code', '=', lang)]):
        return
    wizard = admin_rpc.call('base.language.install', 'create', {'lang': lang})
    admin_rpc.call('base.language.install', 'lang_install', [wizard])


@pytest.mark.parametrize('lang', ['en_US', 'zh_CN'])
def test_customer_requests_and_follows_a_return(odoo_server, browser, admin_rpc, lang):
    driver = browser
    ensure_lang(admin_rpc, lang)
    suffix = SCREENSHOT_SUFFIX[lang]
    stamp = int(time.time() * 1000 % 10 ** 9)
    login = 'portal-%s-%d@example.com' % (lang, stamp)
    portal_group = admin_rpc.call('ir.model.data', 'xmlid_to_res_id', 'base.group_portal')
    user_id = admin_rpc.call('res.users', 'create', {
        'name': 'Portal Customer %d' % stamp, 'login': login, 'email': login,
        'password': 'portal-pass', 'lang': lang, 'groups_id': [(6, 0, [portal_group])]})
    partner_id = admin_rpc.call('res.users', 'read', [user_id], ['partner_id'])[0][
        'partner_id'][0]
    product_ids = [admin_rpc.call('product.product', 'create', {
        'name': name, 'default_code': '%s-%d' % (code, stamp), 'type': 'consu',
        'list_price': 19.0}) for name, code in (('Portal Desk Lamp', 'PDL'),
                                                ('Portal Lamp Shade', 'PLS'))]
    sale = delivered_sale(admin_rpc, partner_id, product_ids, 2.0,
                          client_ref='MY-PO-%d' % stamp)
    reasons = [admin_rpc.call('ir.model.data', 'xmlid_to_res_id', xmlid) for xmlid in (
        'overseas_returns.reason_manufacturing_defect', 'overseas_returns.reason_changed_mind')]

    portal_login(driver, odoo_server, login, 'portal-pass')

    # trap 1: Returns on /my before the first return, with a way to request one
    driver.get(odoo_server.url + '/my/home')
    entry = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_portal_my_returns')))
    assert entry.find_elements(By.CSS_SELECTOR, 'a[href="/my/returns/new"]')
    screenshot(driver, 'portal-home%s.png' % suffix)
    entry.find_element(By.CSS_SELECTOR, 'a[href="/my/returns/new"]').click()
    choose = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_return_request_orders')))
    assert sale['name'] in choose.text
    choose.find_element(By.PARTIAL_LINK_TEXT, sale['name']).click()

    # trap 4: a reason per product
    form = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, 'form.o_return_request_form')))
    for line_id, reason_id in zip(sale['order_line'], reasons):
        form.find_element(By.NAME, 'select_%d' % line_id).click()
        qty = form.find_element(By.NAME, 'qty_%d' % line_id)
        qty.clear()
        qty.send_keys('1')
        Select(form.find_element(By.NAME, 'reason_%d' % line_id)).select_by_value(
            str(reason_id))
    form.find_element(By.NAME, 'comment').send_keys('The lamp flickers after a minute.')
    screenshot(driver, 'portal-request%s.png' % suffix)
    form.find_element(By.CSS_SELECTOR, '.o_return_request_submit').click()

    # the detail page, with the confirmation and the timeline
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_return_requested')))
    name = driver.find_element(By.CSS_SELECTOR, '.o_return_name').text
    assert name.startswith('RMA/')
    assert driver.find_elements(By.CSS_SELECTOR, '.o_return_timeline .o_return_step')
    assert 'Portal Desk Lamp' in driver.find_element(By.CSS_SELECTOR, '.o_return_lines').text
    # trap 3: the order as the customer knows it (the order name), not the client reference
    assert driver.find_element(By.CSS_SELECTOR, '.o_return_order_name').text == sale['name']
    order = admin_rpc.call('overseas.return.order', 'search_read', [('name', '=', name)],
                           fields=['state', 'partner_id', 'sale_order_id',
                                   'create_uid', 'line_ids'])[0]
    assert order['state'] == 'draft'
    # created by the customer themselves, not by the superuser
    assert order['create_uid'][0] == user_id
    assert order['partner_id'][0] == partner_id
    assert order['sale_order_id'][0] == sale['id']
    lines = admin_rpc.call('overseas.return.line', 'read', order['line_ids'],
                           ['sale_line_id', 'reason_id'])
    assert {line['sale_line_id'][0]: line['reason_id'][0] for line in lines} == \
        dict(zip(sale['order_line'], reasons))
    # trap 2: no slip before approval
    assert not driver.find_elements(By.CSS_SELECTOR, 'a.o_return_slip')
    screenshot(driver, 'portal-return-detail%s.png' % suffix)

    # approved by the desk: now the slip is offered, and prints in the customer's language
    admin_rpc.call('overseas.return.order', 'action_approve', [order['id']])
    driver.refresh()
    slip_link = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, 'a.o_return_slip')))
    screenshot(driver, 'portal-return-approved%s.png' % suffix)
    cookies = {c['name']: c['value'] for c in driver.get_cookies()}
    slip = requests.get(slip_link.get_attribute('href'), cookies=cookies, timeout=180)
    assert slip.status_code == 200
    assert slip.headers['Content-Type'] == 'application/pdf'
    assert slip.content.startswith(b'%PDF')
    text = pdf_text(slip.content)
    assert name in text
    if lang == 'zh_CN':
        assert '退货单' in text, text[:500]
    else:
        assert not CJK.search(text), text[:500]

    # the list of the customer's returns, with the new one, by the order's name
    driver.get(odoo_server.url + '/my/returns')
    table = wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_portal_my_returns_table')))
    assert name in table.text
    assert sale['name'] in table.text
    assert 'MY-PO-%d' % stamp not in table.text
    screenshot(driver, 'portal-returns%s.png' % suffix)

    # the detail from the list
    driver.find_element(By.LINK_TEXT, name).click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_return_timeline')))
    assert driver.find_element(By.CSS_SELECTOR, '.o_return_name').text == name
