"""The desk in Chromium, in English and in Chinese: a merchant registers a return from a
sale (lines, quantities, reasons), approves it and receives it with a count; a
billing-only accountant finds it under Invoicing and creates its credit note.

Prints the server time of Approve, Receive and Create Credit Note (the browser's own
measure of the button's request; no timing is asserted).
"""
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from test_browser import click, login, settle, visible, wait

LANGS = ['en_US', 'zh_CN']


def xmlid(rpc, name):
    return rpc.call('ir.model.data', 'xmlid_to_res_id', name)


def ensure_lang(rpc, lang):
    if lang != 'en_US' and not rpc.call('res.lang', 'search', [('code', '=', lang)]):
        rpc.call('base.language.install', 'lang_install', [
            rpc.call('base.language.install', 'create', {'lang': lang})])


def tr(rpc, lang, source, module=None):
    """The label the web client shows for ``source`` in ``lang`` (as ``module`` words
    it, when given)."""
    if lang == 'en_US':
        return source
    domain = [('lang', '=', lang), ('src', '=', source), ('value', '!=', False),
              ('value', '!=', '')]
    if module:
        domain.append(('module', '=', module))
    found = rpc.call('ir.translation', 'search_read', domain, fields=['value'], limit=1)
    return found[0]['value'] if found else source


def header_button(driver, label):
    click(driver, "//div[contains(@class, 'o_statusbar_buttons')]"
                  "//button[normalize-space(.)='%s']" % label, By.XPATH)


def dialog_button(driver, label):
    click(driver, "//div[contains(@class, 'modal-footer')]"
                  "//button[normalize-space(.)='%s']" % label, By.XPATH)


BUTTON_CALLS_JS = """
    performance.setResourceTimingBufferSize(5000);  // the web client loads many files
    return performance.getEntriesByType('resource').filter(function (e) {
        return e.name.indexOf('/web/dataset/call_button') >= 0; }).map(function (e) {
        return Math.round(e.duration); });"""


def button_calls(driver):
    """How many call_button requests the page has completed."""
    return len(driver.execute_script(BUTTON_CALLS_JS))


def button_ms(driver, before=None):
    """Duration of the last call_button request, as the browser measured it.

    With ``before`` (button_calls() taken before the click), waits in the browser for
    that click's request to complete first: no RPC polls the server while it works
    (they would compete with the request being timed)."""
    if before is not None:
        wait(driver).until(lambda d: len(d.execute_script(BUTTON_CALLS_JS)) > before)
    calls = driver.execute_script(BUTTON_CALLS_JS)
    return calls[-1] if calls else -1


def jobs_idle(rpc, seconds=30):
    """Wait until the job runner has no background job left to run (the status
    e-mail of the step before, with its PDF): a timed step then measures its own server
    time, not that of a job sharing the machine's two cores. A merchant does not
    receive a parcel within seconds of approving its return."""
    deadline = time.time() + seconds
    while time.time() < deadline and rpc.call('queue.job', 'search_count', [
            ('state', 'in', ('pending', 'enqueued', 'started'))]):
        time.sleep(0.3)


def wait_state(rpc, model, record_id, field, value):
    deadline = time.time() + 60
    while time.time() < deadline:
        if rpc.call(model, 'read', [record_id], [field])[0][field] == value:
            return
        time.sleep(0.3)
    pytest.fail('%s %s never reached %s=%s' % (model, record_id, field, value))


def no_error_dialog(driver):
    errors = [e.text for e in driver.find_elements(
        By.CSS_SELECTOR, '.modal .o_dialog_warning, .modal .o_error_detail')
        if e.is_displayed()]
    assert not errors, errors


def delivered_invoiced_sale(rpc, tag):
    sku = 'DSK-%s-%d' % (tag, time.time() * 1000 % 10 ** 9)
    product_ids = [rpc.call('product.product', 'create', {
        'name': 'Desk %s %s' % (name, sku), 'default_code': '%s-%s' % (sku, name[:3]),
        'type': 'product', 'list_price': price, 'invoice_policy': 'order'})
        for name, price in (('Earbuds', 40.0), ('Mug', 12.5))]
    partner_id = rpc.call('res.partner', 'create', {'name': 'Desk Customer %s' % tag})
    warehouse_id = rpc.call('stock.warehouse', 'search', [], limit=1)[0]
    stock_id = rpc.call('stock.warehouse', 'read', [warehouse_id], ['lot_stock_id'])[0][
        'lot_stock_id'][0]
    for product_id in product_ids:
        rpc.call('stock.quant', 'create', {'product_id': product_id, 'location_id': stock_id,
                                           'quantity': 10.0})
    sale_id = rpc.call('sale.order', 'create', {
        'partner_id': partner_id, 'warehouse_id': warehouse_id,
        'order_line': [(0, 0, {'product_id': product_id, 'product_uom_qty': 2.0})
                       for product_id in product_ids]})
    rpc.call('sale.order', 'action_confirm', [sale_id])
    picking_ids = rpc.call('sale.order', 'read', [sale_id], ['picking_ids'])[0]['picking_ids']
    for move in rpc.call('stock.move', 'search_read', [('picking_id', 'in', picking_ids)],
                         fields=['product_uom_qty']):
        rpc.call('stock.move', 'write', [move['id']], {'quantity_done': move['product_uom_qty']})
    rpc.call('stock.picking', 'action_done', picking_ids)
    invoice_ids = rpc.call('sale.order', 'action_invoice_create', [sale_id])
    rpc.call('account.invoice', 'action_invoice_open', invoice_ids)
    return sale_id, partner_id


@pytest.mark.parametrize('lang', LANGS)
def test_merchant_registers_and_receives_with_a_count(odoo_server, browser, admin_rpc, lang):
    driver = browser
    ensure_lang(admin_rpc, lang)
    admin_id = admin_rpc.call('res.users', 'search', [('login', '=', 'admin')])[0]
    admin_rpc.call('res.users', 'write', [admin_id], {'lang': lang})
    try:
        sale_id, _partner = delivered_invoiced_sale(admin_rpc, 'M' + lang[:2])
        driver.delete_all_cookies()
        login(driver, odoo_server)
        driver.get('%s/web#id=%d&model=sale.order&view_type=form' % (odoo_server.url, sale_id))
        # a hash change right after the log-in may be lost to the default action: load it
        driver.refresh()
        settle(driver)
        header_button(driver, tr(admin_rpc, lang, 'Register Return'))
        # the wizard: the lines of the sale, nothing chosen; one earbud, with its reason
        visible(driver, '.modal .o_data_row')
        screenshot(driver, 'desk-register-wizard-%s.png' % lang)
        click(driver, ".modal .o_data_row:first-child td.o_data_cell:nth-of-type(3)")
        qty = visible(driver, ".modal .o_data_row .o_field_widget[name='qty']")
        qty.send_keys(Keys.CONTROL, 'a')
        qty.send_keys('1')
        reason = visible(driver, ".modal .o_data_row .o_field_widget[name='reason_id'] input")
        reason.send_keys(tr(admin_rpc, lang, 'Manufacturing defect')[:4])
        wait(driver).until(EC.element_to_be_clickable(
            (By.XPATH, "//ul[contains(@class, 'ui-autocomplete')]"
                       "[not(contains(@style, 'display: none'))]//li[1]/a"))).click()
        settle(driver)
        click(driver, '.modal-footer .btn-primary')  # Register Return
        deadline = time.time() + 60
        orders = []
        while not orders and time.time() < deadline:
            orders = admin_rpc.call('overseas.return.order', 'search_read',
                                    [('sale_order_id', '=', sale_id)],
                                    fields=['name', 'line_ids'], order='id desc', limit=1)
            time.sleep(0.3)
        order = orders[0]
        wait(driver).until(lambda d: order['name'] in d.find_element(
            By.CSS_SELECTOR, '.o_form_view .oe_title h1').text)
        line = admin_rpc.call('overseas.return.line', 'read', order['line_ids'],
                              ['product_qty', 'reason_id', 'fault_party'])
        assert len(line) == 1 and line[0]['product_qty'] == 1.0
        assert line[0]['fault_party'], 'the fault party follows the reason'

        jobs_idle(admin_rpc)
        before = button_calls(driver)
        header_button(driver, tr(admin_rpc, lang, 'Approve'))
        approve_ms = button_ms(driver, before)
        wait_state(admin_rpc, 'overseas.return.order', order['id'], 'state', 'approved')
        header_button(driver, tr(admin_rpc, lang, 'Receive'))
        visible(driver, ".modal .o_data_row")
        screenshot(driver, 'desk-receive-count-%s.png' % lang)
        jobs_idle(admin_rpc)
        before = button_calls(driver)
        click(driver, '.modal-footer .btn-primary')  # Receive
        receive_ms = button_ms(driver, before)
        wait_state(admin_rpc, 'overseas.return.order', order['id'], 'state', 'received')
        settle(driver)
        screenshot(driver, 'desk-received-%s.png' % lang)
        no_error_dialog(driver)
        print('\n[desk %s] server time: Approve %d ms, Receive %d ms'
              % (lang, approve_ms, receive_ms))
    finally:
        admin_rpc.call('res.users', 'write', [admin_id], {'lang': 'en_US'})


def returned_to_refund(rpc, tag):
    sale_id, partner_id = delivered_invoiced_sale(rpc, 'A' + tag)
    order_id = rpc.call('overseas.return.order', 'create_from_sale_order', sale_id)
    reason_id = xmlid(rpc, 'overseas_returns.reason_manufacturing_defect')
    line_ids = rpc.call('overseas.return.order', 'read', [order_id], ['line_ids'])[0]['line_ids']
    rpc.call('overseas.return.line', 'write', line_ids, {'reason_id': reason_id})
    rpc.call('overseas.return.order', 'action_approve', [order_id])
    rpc.call('overseas.return.order', 'action_receive', [order_id])
    rpc.call('overseas.return.line', 'action_inspect', line_ids)
    inspections = rpc.call('overseas.return.inspection', 'search',
                           [('line_id', 'in', line_ids), ('state', '=', 'draft')])
    rpc.call('overseas.return.inspection', 'action_pass_open_checks', inspections)
    rpc.call('overseas.return.inspection', 'write', inspections,
             {'grade_id': xmlid(rpc, 'overseas_returns.grade_f')})
    rpc.call('overseas.return.inspection', 'action_confirm', inspections)
    rpc.call('overseas.return.line', 'action_dispose', line_ids)  # scraps: stock.scrap
    return order_id


@pytest.mark.parametrize('lang', LANGS)
def test_billing_accountant_refunds_from_the_invoicing_menu(odoo_server, browser,
                                                            admin_rpc, lang):
    driver = browser
    ensure_lang(admin_rpc, lang)
    login_name = 'desk_billing_%s_%d' % (lang, time.time())
    admin_rpc.call('res.users', 'create', {
        'name': 'Billing Only %s' % lang, 'login': login_name, 'password': 'billing',
        'lang': lang, 'email': False,
        'groups_id': [(6, 0, [xmlid(admin_rpc, 'account.group_account_invoice'),
                              xmlid(admin_rpc, 'base.group_user')])]})
    # two returns to refund: the first credit note of a new user fills the server's
    # caches of that user (record rules, access rights); the second is every later one
    order_ids = [returned_to_refund(admin_rpc, lang[:2]) for _i in range(2)]
    driver.delete_all_cookies()
    login(driver, odoo_server, login_name, 'billing')
    refund_ms, validate_ms = [], []
    for order_id in order_ids:
        create_ms, open_ms = _refund_from_the_invoicing_menu(
            driver, odoo_server, admin_rpc, lang, order_id, shots=not refund_ms)
        refund_ms.append(create_ms)
        validate_ms.append(open_ms)
    print('\n[desk %s] server time: Create Credit Note %d ms (the new user\'s first), '
          '%d ms (the next); Validate %d ms, %d ms' % (
              lang, refund_ms[0], refund_ms[1], validate_ms[0], validate_ms[1]))


def _refund_from_the_invoicing_menu(driver, odoo_server, admin_rpc, lang, order_id, shots):
    """Invoicing > Customers > Returns to Refund, the return, Refund, Create Credit
    Note, then Validate on the credit note: the server time of those two clicks."""
    name = admin_rpc.call('overseas.return.order', 'read', [order_id], ['name'])[0]['name']
    # Invoicing > Customers > Returns to Refund
    menu_id = xmlid(admin_rpc, 'overseas_returns.overseas_return_order_menu_to_refund')
    action_id = xmlid(admin_rpc, 'overseas_returns.overseas_return_order_action_to_refund')
    driver.get('%s/web#menu_id=%d&action=%d' % (odoo_server.url, menu_id, action_id))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_list_view')))
    settle(driver)
    if shots:
        screenshot(driver, 'desk-accountant-to-refund-%s.png' % lang)
    click(driver, "//td[normalize-space(.)='%s']" % name, By.XPATH)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.oe_title h1')))
    settle(driver)
    no_error_dialog(driver)
    if shots:
        screenshot(driver, 'desk-accountant-return-%s.png' % lang)
    header_button(driver, tr(admin_rpc, lang, 'Refund'))
    visible(driver, '.modal-footer')
    label = tr(admin_rpc, lang, 'Create Credit Note')
    jobs_idle(admin_rpc)
    before = button_calls(driver)
    dialog_button(driver, label)
    server_ms = button_ms(driver, before)
    settle(driver)
    refunds = admin_rpc.call('account.invoice', 'search_read',
                             [('overseas_return_id', '=', order_id)], fields=['type', 'state'])
    assert refunds and refunds[0]['type'] == 'out_refund'
    no_error_dialog(driver)
    if shots:
        screenshot(driver, 'desk-accountant-credit-note-%s.png' % lang)
    # Odoo's own Validate: the journal entry, and the credit note applied to the invoice
    label = tr(admin_rpc, lang, 'Validate', module='account')
    jobs_idle(admin_rpc)
    before = button_calls(driver)
    header_button(driver, label)
    validate_ms = button_ms(driver, before)
    settle(driver)
    no_error_dialog(driver)
    refund = admin_rpc.call('account.invoice', 'read', [refunds[0]['id']],
                            ['state', 'residual', 'refund_invoice_id'])[0]
    assert refund['state'] == 'paid' and refund['residual'] == 0.0, \
        'applied to the open invoice it refunds'
    return server_ms, validate_ms

