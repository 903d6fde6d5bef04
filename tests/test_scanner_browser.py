"""A warehouse worker at the returns scanner in Chromium, scanning with a keyboard wedge:
the scanner types the code key after key, faster than a person, then Enter."""
import re
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import NoSuchElementException, \
    StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import screenshot
from test_browser import login, settle, wait

PRODUCT_BARCODE = '5901234123457'


# (code, server time of the scan call, server time of the screen's reload) of each scan
SCAN_TIMES = []
SERVER_MS = """
var calls = performance.getEntriesByType('resource').filter(function (e) {
    return e.name.indexOf('/web/dataset/call_kw/') >= 0; });
var scan = 0, reload = 0;
calls.forEach(function (e) {
    var ms = e.responseStart - e.requestStart;
    if (e.name.indexOf('/overseas.return.scanner/scan') >= 0) { scan += ms; }
    else { reload += ms; }
});
performance.clearResourceTimings();
return [Math.round(scan), Math.round(reload)];
"""


def scan(driver, code):
    """Type a code the way a wedge scanner does: quick keystrokes, then Enter, into
    the page itself (no input has the focus on the scanner screen).  After the
    answer, the focus is on no link, button, list or input (the next scan's Enter
    would click it, its keys would change it)."""
    count = scan_count(driver)
    driver.execute_script('performance.clearResourceTimings();')
    chain = ActionChains(driver)
    for char in code:
        chain.send_keys(char)
    chain.send_keys(Keys.ENTER)
    chain.perform()
    wait(driver).until(lambda d: scan_count(d) > count)
    settle(driver)
    SCAN_TIMES.append((code,) + tuple(driver.execute_script(SERVER_MS)))
    focused = driver.execute_script('return document.activeElement.tagName;')
    assert focused not in ('A', 'BUTTON', 'SELECT', 'INPUT', 'TEXTAREA'), (code, focused)
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
    _wait_screen_lines(browser, lambda rows: [row['counted'] for row in rows] == [1.0])
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


def tr(rpc, lang, source):
    """The words the web client shows for ``source`` in ``lang``."""
    if lang == 'en_US':
        return source
    found = rpc.call('ir.translation', 'search_read', [
        ('lang', '=', lang), ('src', '=', source), ('module', '=', 'overseas_returns'),
        ('value', '!=', False), ('value', '!=', '')], fields=['value'], limit=1)
    return found[0]['value'] if found else source


def _selection_labels(rpc, lang, model, field):
    """{value: label} of a selection field as the web client shows it in ``lang``."""
    fields = rpc.call(model, 'fields_get', [field], attributes=['selection'],
                      context={'lang': lang})
    return dict(fields[field]['selection'])


# the columns of the scanner's lines list on a desk screen, the classes of a line's card
# on a handheld (overseas_return_scanner_views.xml)
LINE_COLUMNS = ('product', 'lpn', 'announced', 'counted', 'grade', 'disposition', 'state')
SCREEN_LINES = """
var widget = document.querySelector('.o_overseas_return_scanner .o_field_widget[name="line_ids"]');
if (!widget || !widget.offsetParent) { return null; }
var cards = widget.querySelectorAll('.o_kanban_record:not(.o_kanban_ghost)');
if (cards.length || widget.classList.contains('o_field_x2many_kanban')) {
    return Array.prototype.map.call(cards, function (card) {
        var line = {};
        ['product', 'announced', 'counted', 'state'].forEach(function (key) {
            var element = card.querySelector('.o_overseas_scanner_line_' + key);
            line[key] = element ? element.innerText.trim() : null;
        });
        return line;
    });
}
return Array.prototype.map.call(widget.querySelectorAll('tr.o_data_row'), function (row) {
    return Array.prototype.map.call(row.querySelectorAll('td.o_data_cell'), function (td) {
        return td.innerText.trim(); });
});
"""


def _screen_lines(driver):
    """The lines of the return on the scanner screen as shown, one dict a row
    (quantities as numbers); None when the list is not shown."""
    rows = driver.execute_script(SCREEN_LINES)
    if rows is None:
        return None
    lines = []
    for cells in rows:
        line = cells if isinstance(cells, dict) else dict(zip(LINE_COLUMNS, cells))
        line = {key: line.get(key) for key in ('product', 'announced', 'counted', 'state')}
        for key in ('announced', 'counted'):
            line[key] = float(line[key].replace(',', '')) if line.get(key) else None
        lines.append(line)
    return lines


def _wait_screen_lines(driver, condition):
    """The lines on the screen once ``condition(lines)`` holds (the screen shows
    the server's truth without a Save)."""
    shown = []

    def ready(d):
        shown[:] = [_screen_lines(d)]
        return shown[0] is not None and condition(shown[0])
    try:
        wait(driver).until(ready)
    except Exception:
        pytest.fail('the scanner screen shows these lines: %r' % (shown,))
    return shown[0]


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
    SCAN_TIMES[:] = []
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
        # the parcel's lines, as the worker sees them, agree with the message
        kettle_name = '[KETTLE-SCAN] Scanner Test Kettle'
        assert kettle_name in text, text
        rows = _wait_screen_lines(browser, lambda rows: len(rows) == 1)
        assert (rows[0]['product'], rows[0]['counted']) == (kettle_name, 2.0), rows
        assert '2' in text.replace(kettle_name, ''), text
        parcel = rpc.call('overseas.return.order', 'search_read',
                          [('tracking_ref', '=', unknown)], ['name', 'line_ids', 'state'])[0]
        counted = rpc.call('overseas.return.line', 'read', parcel['line_ids'],
                           ['product_id', 'qty_received'])
        assert [(line['product_id'][0], line['qty_received']) for line in counted] == \
            [(_xmlid_product(rpc), 2.0)], counted
        # ORT-VALIDATE on it says what to do instead, in red, and changes nothing
        text, css = scan(browser, 'ORT-VALIDATE')
        assert 'alert-danger' in css, text
        assert parcel['name'] in text and 'ORT-NEXT' in text, text
        assert not english or ('unidentified parcel' in text
                               and 'Unidentified Parcels' in text), text
        assert english or tr(rpc, lang, 'Unidentified Parcels') in text, text
        assert _screen_lines(browser) == rows, 'the list is unchanged'
        assert rpc.call('overseas.return.order', 'read', [parcel['id']],
                        ['state'])[0]['state'] == 'draft'
        screenshot(browser, shot % '4-unidentified-lines-and-validate')

        # Trap 5: ORT-DISPOSE disposed of the current line without a word about the others
        scan(browser, 'ORT-NEXT')
        _pick_warehouse(browser, main_id)
        cup_name = '[CUP-SCAN] Scanner Test Cup'
        for code in (main['tracking'], CUP_BARCODE, 'ORT-VALIDATE', PRODUCT_BARCODE,
                     'ORT-GRADE-A', 'ORT-PASS-ALL', 'ORT-CONFIRM', 'ORT-DISP-RESTOCK'):
            text, css = scan(browser, code)
            assert 'alert-danger' not in css, (code, text)
        text, css = scan(browser, 'ORT-DISPOSE')
        assert 'alert-success' in css, text
        assert kettle_name in text and cup_name in text and main['name'] in text, text
        assert tr(rpc, lang, 'to inspect') in text, text
        assert ('line 1 of 2' in text) if english else ('1 / 2' in text), text
        lines = _lines(rpc, main)
        assert lines[kettle_name]['state'] == 'disposed'
        assert lines[cup_name]['state'] == 'received'
        # the screen shows the same: the kettle disposed of, the cup still to inspect
        states = _selection_labels(rpc, lang, 'overseas.return.line', 'state')
        rows = _wait_screen_lines(browser, lambda rows: len(rows) == 2 and any(
            row['state'] == states['disposed'] for row in rows))
        assert {row['product']: (row['counted'], row['state']) for row in rows} == {
            kettle_name: (1.0, states['disposed']),
            cup_name: (1.0, states['received'])}, rows
        screenshot(browser, shot % '5-dispose-names-what-remains')
        print('\n[scanner %s] server time per scan (scan call + screen reload, ms): %s'
              % (lang, ', '.join('%s %d+%d' % step for step in SCAN_TIMES)))
    finally:
        browser.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
        browser.get(odoo_server.url + '/web/session/logout')
