"""A merchant in Chromium: log in, open the Returns app."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot


def login(driver, server, login='admin', password='admin'):
    driver.get(server.url + '/web/login')
    driver.find_element(By.NAME, 'login').send_keys(login)
    driver.find_element(By.NAME, 'password').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    WebDriverWait(driver, 60).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, 'body.o_web_client nav.navbar')))


def test_login_and_open_returns_menu(odoo_server, browser):
    login(browser, odoo_server)
    wait = WebDriverWait(browser, 60)
    menu = wait.until(EC.element_to_be_clickable(
        (By.XPATH, "//nav//a[contains(@class, 'dropdown-toggle') or @data-menu]"
                   "[normalize-space(.)='Returns']")))
    menu.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, '.o_view_manager_content .o_view_controller, .o_control_panel')))
    screenshot(browser, 'returns-menu.png')
    severe = [entry for entry in browser.get_log('browser') if entry['level'] == 'SEVERE']
    assert not severe, severe
