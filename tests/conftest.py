"""Whole-system fixtures: a real Odoo server on a free local port, XML-RPC, Chromium.

The server runs the project's own launcher (.venv/bin/odoo) against the database named by
ORT_E2E_DB (scripts/test.sh makes it a fresh copy of an installed template with demo data).
"""
import os
import socket
import subprocess
import tempfile
import time
import xmlrpc.client

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENSHOTS = os.path.join(ROOT, 'docs', 'screenshots')
ADMIN = ('admin', 'admin')


def _free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class OdooServer(object):
    def __init__(self, db, port, log_path):
        self.db = db
        self.port = port
        self.url = 'http://127.0.0.1:%d' % port
        self.log_path = log_path

    def rpc(self, login=ADMIN[0], password=ADMIN[1]):
        return OdooRpc(self, login, password)


class OdooRpc(object):
    """The calls a marketplace connector makes: authenticate, then execute_kw."""

    def __init__(self, server, login, password):
        self.server = server
        common = xmlrpc.client.ServerProxy(server.url + '/xmlrpc/2/common')
        self.uid = common.authenticate(server.db, login, password, {})
        assert self.uid, 'login %s refused' % login
        self.password = password
        self.models = xmlrpc.client.ServerProxy(server.url + '/xmlrpc/2/object', allow_none=True)

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            self.server.db, self.uid, self.password, model, method, list(args), kwargs)


@pytest.fixture(scope='session')
def odoo_server():
    db = os.environ.get('ORT_E2E_DB')
    if not db:
        pytest.fail('ORT_E2E_DB is not set: run the whole-system tests through make test')
    port = _free_port()
    log_dir = os.path.join(ROOT, '.data', 'logs')
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, 'e2e-server.log')
    cmd = [os.path.join(ROOT, '.venv', 'bin', 'odoo'), '-c', os.path.join(ROOT, 'odoo.conf'),
           '-d', db, '--db-filter', '^%s$' % db, '--http-port', str(port),
           '--http-interface', '127.0.0.1', '--logfile', log_path, '--log-level', 'info',
           '--max-cron-threads', '0']
    process = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL)
    server = OdooServer(db, port, log_path)
    deadline = time.time() + 180
    while True:
        try:
            xmlrpc.client.ServerProxy(server.url + '/xmlrpc/2/common').version()
            break
        except (ConnectionError, OSError):
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.fail('Odoo did not start; see %s' % log_path)
            time.sleep(0.5)
    yield server
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope='session')
def admin_rpc(odoo_server):
    return odoo_server.rpc()


@pytest.fixture(scope='session')
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = '/usr/bin/chromium'
    for flag in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                 '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-quic', '--hide-scrollbars',
                 '--window-size=1366,850', '--lang=en-US',
                 '--user-data-dir=' + tempfile.mkdtemp(prefix='ort_chrome_')):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, name)
    driver.save_screenshot(path)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of the browser when a browser test fails."""
    outcome = yield
    report = outcome.get_result()
    driver = item.funcargs.get('browser') if hasattr(item, 'funcargs') else None
    if report.when == 'call' and report.failed and driver is not None:
        path = os.path.join(ROOT, '.data', 'logs', 'failure-%s.png' % item.name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        driver.save_screenshot(path)
        report.sections.append(('browser', 'screenshot of the failure: %s' % path))
