"""A merchant and a warehouse worker in Chromium: one return from creation to disposal."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot

TIMEOUT = 60


def wait(driver):
    return WebDriverWait(driver, TIMEOUT)


def login(driver, server, login='admin', password='admin'):
    driver.get(server.url + '/web/login')
    driver.find_element(By.NAME, 'login').send_keys(login)
    driver.find_element(By.NAME, 'password').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    wait(driver).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, 'body.o_web_client nav.navbar')))
    home_shown(driver)


def home_shown(driver):
    """Wait until the web client shows the user's home action. Odoo 11 does not cancel
    an action being loaded: a page asked for by changing the URL's hash while the home
    action (Discuss, for the administrator) still loads is replaced by it when it ends."""
    wait(driver).until(lambda d: d.execute_script(
        "var content = document.querySelector('.o_main_content > .o_content');"
        "return !!(content && content.children.length);"))
    settle(driver)


def settle(driver):
    """Wait until the web client has no RPC in flight (the 'Loading' indicator)."""
    time.sleep(0.3)
    wait(driver).until(lambda d: not [
        e for e in d.find_elements(By.CSS_SELECTOR, '.o_loading') if e.is_displayed()])
    time.sleep(0.2)


def visible(driver, css, by=By.CSS_SELECTOR):
    """The first displayed element matching css (Odoo keeps hidden copies in the DOM)."""
    def find(d):
        shown = [e for e in d.find_elements(by, css)
                 if e.is_displayed() and e.is_enabled()]
        return shown[0] if shown else False
    return wait(driver).until(find)


def click(driver, css, by=By.CSS_SELECTOR):
    settle(driver)
    element = visible(driver, css, by)
    element.click()
    settle(driver)
    return element


def press(driver, label, next_status):
    """Click a header button (Odoo 11 renders them without a name) and wait for the
    status bar to show the next state."""
    click(driver, "//div[contains(@class, 'o_statusbar_buttons')]"
                  "//button[normalize-space(.)='%s']" % label, By.XPATH)
    wait(driver).until(lambda d: next_status in status(d))


def fill_many2one(driver, css, text):
    field = visible(driver, css)
    field.clear()
    field.send_keys(text)
    option = wait(driver).until(EC.element_to_be_clickable(
        (By.XPATH, "//ul[contains(@class, 'ui-autocomplete')][not(contains(@style, 'display: none'))]"
                   "//li[1]/a")))
    option.click()
    settle(driver)


def breadcrumb(driver):
    return driver.find_element(By.CSS_SELECTOR, '.o_control_panel .breadcrumb').text


def status(driver):
    current = driver.find_elements(By.CSS_SELECTOR, '.o_statusbar_status .btn-primary')
    return current[0].text if current else ''


def test_return_from_creation_to_disposal(odoo_server, browser, admin_rpc):
    driver = browser
    sku = 'BRW-%d' % (time.time() * 1000 % 10 ** 9)
    product_id = admin_rpc.call('product.product', 'create', {
        'name': 'Browser Test Kettle', 'default_code': sku, 'type': 'product',
        'list_price': 30.0})
    admin_rpc.call('res.partner', 'create', {'name': 'Browser Test Customer'})
    login(driver, odoo_server)

    # the Returns app, list view
    click_xpath = "//nav//a[normalize-space(.)='Returns']"
    wait(driver).until(EC.element_to_be_clickable((By.XPATH, click_xpath))).click()
    wait(driver).until(lambda d: 'Returns' in breadcrumb(d))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_list_view')))
    settle(driver)
    screenshot(driver, 'returns-list.png')

    # register the return
    click(driver, '.o_list_button_add')
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_form_editable')))
    fill_many2one(driver, ".o_field_widget[name='partner_id'] input", 'Browser Test Customer')
    driver.find_element(By.CSS_SELECTOR, ".o_field_widget[name='origin_ref']").send_keys(
        '113-1111111-2222222')
    click(driver, '.o_field_x2many_list_row_add a')
    fill_many2one(driver, ".o_data_row .o_field_widget[name='product_id'] input", sku)
    fill_many2one(driver, ".o_data_row .o_field_widget[name='reason_id'] input",
                  'Manufacturing defect')
    click(driver, '.o_form_button_save')
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_form_readonly')))
    name = driver.find_element(By.CSS_SELECTOR, '.oe_title h1').text
    assert name.startswith('RMA/')

    # approve, receive
    press(driver, 'Approve', 'Approved')
    # Receive asks for the count in a dialog (announced quantities proposed)
    click(driver, "//div[contains(@class, 'o_statusbar_buttons')]"
                  "//button[normalize-space(.)='Receive']", By.XPATH)
    click(driver, "//div[contains(@class, 'modal-footer')]"
                  "//button[normalize-space(.)='Receive']", By.XPATH)
    wait(driver).until(lambda d: 'Received' in status(d))
    screenshot(driver, 'return-form.png')

    # inspect: the worker passes the checklist, grades it A and confirms
    click(driver, "//div[contains(@class, 'o_statusbar_buttons')]"
                  "//button[normalize-space(.)='Inspect']", By.XPATH)
    click(driver, "//div[contains(@class, 'o_statusbar_buttons')]"
                  "//button[normalize-space(.)='Pass Open Checks']", By.XPATH)
    click(driver, '.o_form_button_edit')
    fill_many2one(driver, ".o_field_widget[name='grade_id'] input", 'Unopened')
    click(driver, '.o_form_button_save')
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_form_readonly')))
    screenshot(driver, 'inspection-form.png')
    press(driver, 'Confirm Inspection', 'Confirmed')

    # back to the return, dispose
    click(driver, "//ol[contains(@class, 'breadcrumb')]//a[normalize-space(.)='%s']" % name,
          By.XPATH)
    wait(driver).until(lambda d: 'Inspected' in status(d))
    press(driver, 'Dispose', 'Done')
    screenshot(driver, 'return-done.png')

    order = admin_rpc.call('overseas.return.order', 'search_read', [('name', '=', name)],
                           fields=['state', 'picking_count'])[0]
    assert order['state'] == 'done'
    line = admin_rpc.call('overseas.return.line', 'search_read',
                          [('order_id.name', '=', name)],
                          fields=['grade_id', 'disposition', 'state'])[0]
    assert line['disposition'] == 'restock' and line['state'] == 'disposed'
    quants = admin_rpc.call('stock.quant', 'search_read',
                            [('product_id', '=', product_id), ('location_id.usage', '=', 'internal')],
                            fields=['quantity', 'location_id'])
    assert sum(q['quantity'] for q in quants) == 1
    severe = [entry for entry in driver.get_log('browser') if entry['level'] == 'SEVERE']
    assert not severe, severe
