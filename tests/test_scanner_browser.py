"""A warehouse worker at the returns scanner in Chromium, scanning with a keyboard wedge:
the scanner types the code key after key, faster than a person, then Enter."""
import time

from selenium.webdriver.common.action_chains import ActionChains
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
    elements = driver.find_elements(By.CSS_SELECTOR, '.o_overseas_scan_message')
    return int(elements[0].get_attribute('data-scan-count') or 0) if elements else -1


def message(driver):
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
