"""A warehouse worker at the returns scanner in Chromium, scanning with a keyboard wedge:
the scanner types the code key after key, faster than a person, then Enter."""
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import NoSuchElementException, \
    StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from test_browser import login, settle, wait

PRODUCT_BARCODE = '5901234123457'


def scan(driver, code):
    """Type a code the way a wedge scanner does: quick keystrokes, then Enter, into
    the page itself (no input has the focus on the scanner screen)."""
    count = scan_count(driver)
    chain = ActionChains(driver)
    for char in code:
        chain.send_keys(char)
    chain.send_keys(Keys.ENTER)
    chain.perform()
    wait(driver).until(lambda d: scan_count(d) > count)
    settle(driver)
    return message(driver)


def feedback(driver):
    return driver.find_element(By.CSS_SELECTOR, '.o_overseas_scan_message')


def scan_count(driver):
    for _attempt in range(20):
        try:
            elements = driver.find_elements(By.CSS_SELECTOR, '.o_overseas_scan_message')
            return int(elements[0].get_attribute('data-scan-count') or 0) if elements else -1
        except StaleElementReferenceException:  # the screen is being drawn again
            time.sleep(0.2)
    return -1


def message(driver):
    for _attempt in range(20):
        try:
            element = feedback(driver)
            return element.text, element.get_attribute('class')
        except (StaleElementReferenceException, NoSuchElementException):
            time.sleep(0.2)  # the screen is being drawn again
    element = feedback(driver)
    return element.text, element.get_attribute('class')


# Chromium headless has no sound card: a stand-in AudioContext records the tones the
# screen plays, so the test hears what a worker would.
RECORD_TONES = """
window.ortTones = [];
window.AudioContext = function () { this.currentTime = 0; this.destination = {}; };
window.AudioContext.prototype.createGain = function () {
    return {gain: {}, connect: function () {}};
};
window.AudioContext.prototype.createOscillator = function () {
    var oscillator = {frequency: {}, connect: function () {}, stop: function () {}};
    oscillator.start = function () { window.ortTones.push(oscillator.frequency.value); };
    return oscillator;
};
"""


def tones(driver):
    played = driver.execute_script('var t = window.ortTones; window.ortTones = []; return t;')
    return played


def approved_kettle_returns(rpc, qty, count=1, **values):
    """Approved returns of the scanner test kettle (barcode PRODUCT_BARCODE)."""
    products = rpc.call('product.product', 'search', [('barcode', '=', PRODUCT_BARCODE)])
    product_id = products[0] if products else rpc.call('product.product', 'create', {
        'name': 'Scanner Test Kettle', 'default_code': 'KETTLE-SCAN', 'type': 'product',
        'barcode': PRODUCT_BARCODE, 'list_price': 30.0})
    values.update(
        partner_id=rpc.call('res.partner', 'create', {'name': 'Scan Test Customer'}),
        warehouse_id=rpc.call('stock.warehouse', 'search', [], limit=1)[0],
        line_ids=[(0, 0, {'product_id': product_id, 'product_qty': qty,
                          'reason_id': rpc.call('overseas.return.reason', 'search', [],
                                                limit=1)[0]})])
    order_ids = [rpc.call('overseas.return.order', 'create', values) for _i in range(count)]
    rpc.call('overseas.return.order', 'action_approve', order_ids)
    return rpc.call('overseas.return.order', 'read', order_ids, ['name', 'line_ids'])


def open_scanner(driver, server):
    login(driver, server)
    driver.get(server.url + '/web#action=overseas_returns.overseas_return_scanner_action_open')
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_overseas_return_scanner .o_overseas_scan_message')))
    settle(driver)


def test_scanning_a_parcel_and_its_product_counts_the_unit(odoo_server, browser, admin_rpc):
    rpc = admin_rpc
    tracking = 'SCANTEST%d' % time.time()
    order = approved_kettle_returns(rpc, 2.0, tracking_ref=tracking)[0]
    open_scanner(browser, odoo_server)
    browser.execute_script(RECORD_TONES)

    text, css = scan(browser, tracking)  # the carrier's label on the parcel
    assert order['name'] in text
    assert 'alert-success' in css
    assert tones(browser) == [880], 'one short high tone: done'

    text, css = scan(browser, PRODUCT_BARCODE)
    assert '1 of 2' in text, text
    assert 'alert-success' in css
    assert tones(browser) == [880]
    line = rpc.call('overseas.return.line', 'read', order['line_ids'], ['qty_received'])[0]
    assert line['qty_received'] == 1.0
    wait(browser).until(lambda d: any(
        cell.text.strip() == '1.000' for cell in d.find_elements(
            By.CSS_SELECTOR, '.o_field_many2many .o_data_row td')))
    screenshot(browser, 'scanner-receive.png')

    text, css = scan(browser, 'NO-SUCH-CODE-77')  # nothing known: red, nothing changed
    assert 'alert-danger' in css
    assert 'NO-SUCH-CODE-77' in text
    assert tones(browser) == [180], 'one long low tone: refused'
    line = rpc.call('overseas.return.line', 'read', order['line_ids'], ['qty_received'])[0]
    assert line['qty_received'] == 1.0
    screenshot(browser, 'scanner-refused.png')


def test_pick_among_matches_then_inspect_and_dispose_by_scanning(odoo_server, browser,
                                                                admin_rpc):
    rpc = admin_rpc
    marketplace_order = 'MKT-%d' % time.time()
    orders = approved_kettle_returns(rpc, 1.0, count=2, origin_ref=marketplace_order)
    order_ids = [order['id'] for order in orders]
    second = orders[1]['name']
    open_scanner(browser, odoo_server)

    text, css = scan(browser, marketplace_order)
    assert 'alert-warning' in css and '2' in text
    rows = [row for row in browser.find_elements(By.CSS_SELECTOR, '.o_data_row')
            if second in row.text]
    rows[0].find_element(By.CSS_SELECTOR, 'button').click()  # Open
    wait(browser).until(lambda d: second in message(d)[0])
    settle(browser)

    for code in (PRODUCT_BARCODE, 'ORT-VALIDATE', PRODUCT_BARCODE, 'ORT-GRADE-B',
                 'ORT-PASS'):
        text, css = scan(browser, code)
        assert 'alert-danger' not in css, (code, text)
    text, css = scan(browser, 'ORT-FAIL')
    assert 'alert-warning' in css
    screenshot(browser, 'scanner-inspect.png')
    for code in ('ORT-PASS-ALL', 'ORT-FAULT-CARRIER', 'ORT-DISP-DONATE', 'ORT-CONFIRM',
                 'ORT-DISPOSE'):
        text, css = scan(browser, code)
        assert 'alert-danger' not in css, (code, text)
    line = rpc.call('overseas.return.line', 'search_read', [('order_id', '=', order_ids[1])],
                    ['state', 'disposition', 'fault_party', 'grade_id'])[0]
    assert (line['state'], line['disposition'], line['fault_party']) == (
        'disposed', 'donate', 'carrier')
    first = rpc.call('overseas.return.order', 'read', [order_ids[0]], ['state'])[0]
    assert first['state'] == 'approved', 'the other match was left alone'


# ---------------------------------------------------------------------------------------
# The scanner worker's journey on a handheld (issue 14): each trap a worker hit, done
# again the same way, and shown fixed; in English and in Chinese, at 360x640.
import re

import pytest
from selenium.webdriver.support.ui import Select

CUP_BARCODE = '2000000000015'
HANDHELD = {'width': 360, 'height': 640, 'deviceScaleFactor': 1, 'mobile': True}


def _xmlid(rpc, xmlid):
    return rpc.call('ir.model.data', 'xmlid_to_res_id', xmlid)


def _journey_data(rpc, lang, stamp):
    """A worker of the returns team in ``lang``, a second warehouse (Frankfurt), an
    approved return of two products at each warehouse."""
    frankfurt = rpc.call('stock.warehouse', 'search', [('code', '=', 'FRSC')])
    frankfurt_id = frankfurt[0] if frankfurt else rpc.call('stock.warehouse', 'create', {
        'name': 'Frankfurt Scan Bench', 'code': 'FRSC'})
    admin = rpc.call('res.users', 'search_read', [('login', '=', 'admin')], ['company_id'])[0]
    # the scanner's default the very first time: the user's company's first warehouse
    main_id = rpc.call('stock.warehouse', 'search',
                       [('company_id', '=', admin['company_id'][0])], limit=1)[0]
    kettle = approved_kettle_returns(rpc, 1.0)  # makes sure the kettle exists
    kettle_id = rpc.call('product.product', 'search', [('barcode', '=', PRODUCT_BARCODE)])[0]
    cups = rpc.call('product.product', 'search', [('barcode', '=', CUP_BARCODE)])
    cup_id = cups[0] if cups else rpc.call('product.product', 'create', {
        'name': 'Scanner Test Cup', 'default_code': 'CUP-SCAN', 'type': 'product',
        'barcode': CUP_BARCODE, 'list_price': 8.0})
    reason_id = rpc.call('overseas.return.reason', 'search', [], limit=1)[0]
    partner_id = rpc.call('res.partner', 'create', {'name': 'Handheld Customer %s' % lang})
    orders = {}
    for key, warehouse_id in (('main', main_id), ('frankfurt', frankfurt_id)):
        tracking = 'HH%s%s%s' % (lang.upper()[:2], key[:3].upper(), stamp)
        order_id = rpc.call('overseas.return.order', 'create', {
            'partner_id': partner_id, 'warehouse_id': warehouse_id, 'tracking_ref': tracking,
            'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 1.0,
                                 'reason_id': reason_id})
                         for product_id in (kettle_id, cup_id)]})
        rpc.call('overseas.return.order', 'action_approve', [order_id])
        orders[key] = dict(rpc.call('overseas.return.order', 'read', [order_id],
                                    ['name', 'line_ids'])[0], tracking=tracking)
    assert kettle
    if lang == 'zh_CN':
        rpc.call('base.language.install', 'lang_install', [
            rpc.call('base.language.install', 'create', {'lang': 'zh_CN'})])
    login = 'scan_worker_%s_%s' % (lang.lower(), stamp)
    rpc.call('res.users', 'create', {
        'name': 'Scan Worker %s' % lang, 'login': login, 'password': login, 'lang': lang,
        # an address: mail must not block a receipt (the desk part of issue 14), but
        # that is not what this journey tests
        'email': '%s@example.com' % login,
        'groups_id': [(6, 0, [_xmlid(rpc, 'overseas_returns.group_returns_user')])]})
    return login, main_id, frankfurt_id, orders


def _warehouse_select(driver):
    return Select(driver.find_element(By.CSS_SELECTOR, '.o_overseas_scanner_warehouse_select'))


def _shown_warehouse(driver):
    try:
        return int(_warehouse_select(driver).first_selected_option.get_attribute('value'))
    except Exception:  # the screen is being replaced
        return None


def _pick_warehouse(driver, warehouse_id):
    _warehouse_select(driver).select_by_value(str(warehouse_id))
    wait(driver).until(lambda d: _shown_warehouse(d) == warehouse_id)
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, '.o_overseas_return_scanner .o_overseas_scan_message')))
    settle(driver)


def _xmlid_product(rpc):
    return rpc.call('product.product', 'search', [('barcode', '=', PRODUCT_BARCODE)])[0]


def _count(rpc, model, domain):
    return rpc.call(model, 'search_count', domain)


def _lines(rpc, order):
    return {line['product_id'][1]: line for line in rpc.call(
        'overseas.return.line', 'read', order['line_ids'],
        ['product_id', 'qty_received', 'state'])}


@pytest.mark.parametrize('lang', ['en_US', 'zh_CN'])
def test_scanner_worker_on_a_handheld(odoo_server, browser, admin_rpc, lang):
    rpc = admin_rpc
    english = lang == 'en_US'
    stamp = '%d' % (time.time() * 1000 % 10 ** 9)
    login_name, main_id, frankfurt_id, orders = _journey_data(rpc, lang, stamp)
    main, german = orders['main'], orders['frankfurt']
    shot = 'scanner-360-%s-%%s.png' % ('en' if english else 'zh')
    browser.get(odoo_server.url + '/web/session/logout')
    login(browser, odoo_server, login_name, login_name)
    try:
        # Trap 1: opened from the menu, the menu link kept the focus and the first
        # Enter of a scan reopened a blank scanner.  Click the menu as a worker does.
        root = _xmlid(rpc, 'overseas_returns.overseas_returns_menu_root')
        browser.get(odoo_server.url + '/web#menu_id=%d' % root)
        link = wait(browser).until(EC.element_to_be_clickable((
            By.CSS_SELECTOR,
            'a[data-menu-xmlid="overseas_returns.overseas_return_scanner_menu"]')))
        link.click()
        wait(browser).until(EC.presence_of_element_located(
            (By.CSS_SELECTOR, '.o_overseas_return_scanner .o_overseas_scan_message')))
        settle(browser)
        browser.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', HANDHELD)
        settle(browser)
        focused = browser.execute_script('return document.activeElement.tagName;')
        assert focused != 'A', 'the menu link must not keep the focus'
        if not english:
            assert re.search('[\u4e00-\u9fff]', browser.execute_script(
                'return document.body.textContent;')), 'the web client is in Chinese'
        # the warehouse is shown and can be picked; first time: the company's first
        assert _shown_warehouse(browser) == main_id
        text, css = scan(browser, main['tracking'])
        assert 'alert-success' in css and main['name'] in text, text
        assert browser.find_element(By.CSS_SELECTOR, '.o_overseas_scan_feedback') \
            .is_displayed()
        width = browser.execute_script(
            "return document.querySelector('.o_form_sheet').getBoundingClientRect().width;")
        assert width <= 360, 'the screen fits a handheld: %s px' % width
        screenshot(browser, shot % '1-focus-and-warehouse')

        # Trap 2: Save/Discard/New/Edit, scans ignored after a click, "discard changes?"
        for button in ('.o_form_button_save', '.o_form_button_edit',
                       '.o_form_button_create', '.o_form_button_cancel'):
            assert not [b for b in browser.find_elements(By.CSS_SELECTOR, button)
                        if b.is_displayed()], button
        feedback(browser).click()  # anything the worker touches keeps the scans coming
        text, css = scan(browser, PRODUCT_BARCODE)
        assert 'alert-success' in css and ('1 of 1' in text or not english), text
        assert _lines(rpc, main)['[KETTLE-SCAN] Scanner Test Kettle']['qty_received'] == 1.0
        browser.execute_script(
            "window.location.hash = '#action=overseas_returns.overseas_return_scan_log_action';")
        wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_list_view')))
        settle(browser)
        assert not browser.find_elements(By.CSS_SELECTOR, '.modal'), 'nothing to discard'
        browser.get(odoo_server.url +
                    '/web#action=overseas_returns.overseas_return_scanner_action_open')
        wait(browser).until(EC.presence_of_element_located(
            (By.CSS_SELECTOR, '.o_overseas_return_scanner .o_overseas_scan_message')))
        settle(browser)

        # Trap 3: a Frankfurt parcel at the US bench was booked into Frankfurt
        text, css = scan(browser, german['tracking'])
        assert 'alert-danger' in css, text
        assert 'Frankfurt Scan Bench' in text
        state = rpc.call('overseas.return.order', 'read', [orders['frankfurt']['id']],
                         ['state'])[0]['state']
        assert state == 'approved'
        assert all(line['qty_received'] == 0.0 for line in _lines(rpc, german).values())
        screenshot(browser, shot % '2-wrong-warehouse-refused')
        _pick_warehouse(browser, frankfurt_id)
        text, css = scan(browser, german['tracking'])
        assert 'alert-success' in css and german['name'] in text, text
        # opened again from the menu: the warehouse of the last scans, not the first
        browser.get(odoo_server.url +
                    '/web#action=overseas_returns.overseas_return_scanner_action_open')
        wait(browser).until(lambda d: _shown_warehouse(d) == frankfurt_id)
        settle(browser)

        # Trap 4: a mis-scan registered an unidentified parcel; its lines stayed empty
        unknown = 'HHUNKNOWN%s%s' % (lang[:2].upper(), stamp)
        text, css = scan(browser, 'ORT-NEXT')
        text, css = scan(browser, unknown)
        assert 'alert-warning' in css and unknown in text, text
        assert not english or 'again' in text
        assert _count(rpc, 'overseas.return.order', [('tracking_ref', '=', unknown)]) == 0
        screenshot(browser, shot % '3-unknown-code-asks-again')
        text, css = scan(browser, unknown)
        assert _count(rpc, 'overseas.return.order', [('tracking_ref', '=', unknown)]) == 1
        scan(browser, PRODUCT_BARCODE)
        text, css = scan(browser, PRODUCT_BARCODE)
        assert not english or '2 in the parcel' in text, text
        # the parcel's lines hold what was counted (the screen's messages and the
        # ORT-VALIDATE / ORT-DISPOSE wording are checked in test_scanner.py)
        parcel = rpc.call('overseas.return.order', 'search_read',
                          [('tracking_ref', '=', unknown)], ['line_ids'])[0]
        counted = rpc.call('overseas.return.line', 'read', parcel['line_ids'],
                           ['product_id', 'qty_received'])
        assert [(line['product_id'][0], line['qty_received']) for line in counted] == \
            [(_xmlid_product(rpc), 2.0)], counted
        screenshot(browser, shot % '4-unidentified-parcel-counted')
    finally:
        browser.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
        browser.get(odoo_server.url + '/web/session/logout')
