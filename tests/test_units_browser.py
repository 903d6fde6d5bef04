"""A returns worker receives a serial-numbered return in Chromium: the serial typed
on the product line lands on the receipt and in the quarantine stock."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from test_browser import click, login, press, settle, status, visible, wait


def test_serial_return_typed_in_the_form(odoo_server, browser, admin_rpc):
    driver = browser
    serial = 'SN-BRW-%d' % (time.time() * 1000 % 10 ** 9)
    product_id = admin_rpc.call('product.product', 'create', {
        'name': 'Browser Serial Phone', 'type': 'product', 'tracking': 'serial',
        'list_price': 300.0})
    partner_id = admin_rpc.call('res.partner', 'create', {'name': 'Serial Customer'})
    reason_id = admin_rpc.call('overseas.return.reason', 'search', [], limit=1)[0]
    order_id = admin_rpc.call('overseas.return.order', 'create', {
        'partner_id': partner_id, 'return_method': 'ship_back',
        'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': 1.0,
                             'reason_id': reason_id})]})
    login(driver, odoo_server)
    driver.get(odoo_server.url + '/web#id=%d&model=overseas.return.order&view_type=form'
               % order_id)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_form_readonly')))
    settle(driver)
    click(driver, '.o_form_button_edit')
    click(driver, ".o_data_row td.o_data_cell[title=''], .o_data_row td.o_data_cell")
    field = visible(driver, ".o_data_row .o_field_widget[name='lot_names']")
    field.clear()
    field.send_keys(serial)
    click(driver, '.o_form_button_save')
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_form_readonly')))
    assert serial in driver.find_element(By.CSS_SELECTOR, '.o_field_one2many').text
    press(driver, 'Approve', 'Approved')
    # Receive asks for the count in a dialog (announced quantities proposed)
    click(driver, "//div[contains(@class, 'o_statusbar_buttons')]"
                  "//button[normalize-space(.)='Receive']", By.XPATH)
    click(driver, "//div[contains(@class, 'modal-footer')]"
                  "//button[normalize-space(.)='Receive']", By.XPATH)
    wait(driver).until(lambda d: 'Received' in status(d))
    screenshot(driver, 'return-serial.png')
    line = admin_rpc.call('overseas.return.line', 'search_read',
                          [('order_id', '=', order_id)], fields=['lot_ids', 'state'])[0]
    assert line['state'] == 'received'
    lots = admin_rpc.call('stock.production.lot', 'search_read',
                          [('id', 'in', line['lot_ids'])], fields=['name'])
    assert [lot['name'] for lot in lots] == [serial]
    quants = admin_rpc.call('stock.quant', 'search_read',
                            [('lot_id', 'in', line['lot_ids']),
                             ('location_id.usage', '=', 'internal')], fields=['quantity'])
    assert sum(q['quantity'] for q in quants) == 1
