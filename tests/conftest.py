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
    process, server = _start_server(db, ['--max-cron-threads', '0'], 'e2e-server.log')
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


# ---------------------------------------------------------------------- attacker's suite
# (tests/test_attack_*.py) a multi-worker server, one user per profile, JSON-RPC, HTTP

ATTACK_PASSWORD = 'attack-pass-1'
# profile: the groups it has (besides base.group_user for the internal users)
ATTACK_PROFILES = {
    'portal': ['base.group_portal'],
    'inventory': ['base.group_user', 'stock.group_stock_user'],
    'returns_user': ['base.group_user', 'overseas_returns.group_returns_user'],
    'returns_manager': ['base.group_user', 'overseas_returns.group_returns_manager'],
    'billing': ['base.group_user', 'account.group_account_invoice'],
    'salesman': ['base.group_user', 'sales_team.group_sale_salesman'],
}
# the portal customer: a demo customer with returns of her own
ATTACK_PORTAL_PARTNER = 'overseas_returns.partner_us_miller_demo'


def _start_server(db, extra_args, log_name):
    port = _free_port()
    log_dir = os.path.join(ROOT, '.data', 'logs')
    os.makedirs(log_dir, exist_ok=True)
    log_path = os.path.join(log_dir, log_name)
    if os.path.exists(log_path):
        os.remove(log_path)  # Odoo appends: the log checked is this run's only
    cmd = [os.path.join(ROOT, '.venv', 'bin', 'odoo'), '-c', os.path.join(ROOT, 'odoo.conf'),
           '-d', db, '--db-filter', '^%s$' % db, '--http-port', str(port),
           '--http-interface', '127.0.0.1', '--logfile', log_path, '--log-level', 'info']
    process = subprocess.Popen(cmd + list(extra_args), cwd=ROOT, stdin=subprocess.DEVNULL)
    server = OdooServer(db, port, log_path)
    deadline = time.time() + 180
    while True:
        try:
            xmlrpc.client.ServerProxy(server.url + '/xmlrpc/2/common').version()
            break
        except (ConnectionError, OSError, xmlrpc.client.ProtocolError):
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.fail('Odoo did not start; see %s' % log_path)
            time.sleep(0.5)
    return process, server


@pytest.fixture(scope='session')
def odoo_workers_server():
    """The same database served by 3 worker processes (prefork), no cron: the races
    of the attacker's suite hit really concurrent transactions."""
    db = os.environ.get('ORT_E2E_DB')
    if not db:
        pytest.fail('ORT_E2E_DB is not set: run the whole-system tests through make test')
    process, server = _start_server(
        db, ['--workers', '3', '--max-cron-threads', '0',
             '--longpolling-port', str(_free_port()),
             '--limit-time-real', '120', '--limit-time-cpu', '90'],
        'e2e-workers-server.log')
    yield server
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


class JsonRpc(object):
    """The same calls over /jsonrpc (service 'object', method 'execute_kw')."""

    def __init__(self, server, uid, password):
        self.server, self.uid, self.password = server, uid, password
        self._id = 0

    def call(self, model, method, *args, **kwargs):
        import json
        import urllib.request
        self._id += 1
        payload = json.dumps({
            'jsonrpc': '2.0', 'method': 'call', 'id': self._id,
            'params': {'service': 'object', 'method': 'execute_kw',
                       'args': [self.server.db, self.uid, self.password, model, method,
                                list(args), kwargs]}}).encode()
        req = urllib.request.Request(self.server.url + '/jsonrpc', data=payload,
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=120) as answer:
            assert answer.status == 200
            body = json.loads(answer.read().decode())
        if 'error' in body:
            raise JsonRpcError(body['error'])
        return body['result']


class JsonRpcError(Exception):
    def __init__(self, error):
        data = error.get('data') or {}
        self.name = data.get('name', '')
        self.message = data.get('message') or error.get('message', '')
        self.debug = data.get('debug', '')
        super(JsonRpcError, self).__init__('%s: %s' % (self.name, self.message))


class AttackUser(object):
    def __init__(self, server, profile, login, uid, partner_id):
        self.server, self.profile, self.login = server, profile, login
        self.uid, self.partner_id = uid, partner_id
        self.password = ATTACK_PASSWORD

    def rpc(self):
        """A fresh XML-RPC client (one per thread in the races)."""
        return self.server.rpc(self.login, self.password)

    def jsonrpc(self):
        return JsonRpc(self.server, self.uid, self.password)


def make_attack_users(server, admin):
    """One user per profile with a known password; logins unique per run."""
    stamp = '%d%03d' % (time.time(), os.getpid() % 1000)
    portal_partner = admin.call('ir.model.data', 'xmlid_to_res_id', ATTACK_PORTAL_PARTNER)
    users = {}
    for profile, xmlids in ATTACK_PROFILES.items():
        groups = [admin.call('ir.model.data', 'xmlid_to_res_id', xmlid) for xmlid in xmlids]
        login = 'attack-%s-%s@example.com' % (profile.replace('_', '-'), stamp)
        vals = {'name': 'Attack %s %s' % (profile, stamp), 'login': login,
                'password': ATTACK_PASSWORD, 'groups_id': [(6, 0, groups)]}
        if profile == 'portal':
            vals['partner_id'] = portal_partner
        else:
            # Odoo refuses to log a message whose author has no email address
            vals['email'] = login
        uid = admin.call('res.users', 'create', vals)
        partner_id = admin.call('res.users', 'read', [uid], ['partner_id'])[0]['partner_id'][0]
        users[profile] = AttackUser(server, profile, login, uid, partner_id)
    return users


@pytest.fixture(scope='session')
def attack_users(odoo_server, admin_rpc):
    return make_attack_users(odoo_server, admin_rpc)


@pytest.fixture(scope='session')
def workers_admin_rpc(odoo_workers_server):
    return odoo_workers_server.rpc()


@pytest.fixture(scope='session')
def workers_attack_users(odoo_workers_server, workers_admin_rpc):
    return make_attack_users(odoo_workers_server, workers_admin_rpc)


class AttackKit(object):
    """What the attacker's tests set up as admin over XML-RPC: products in stock,
    delivered sales, returns in a given state."""

    def __init__(self, admin):
        self.admin = admin
        self.warehouse_id = admin.call('stock.warehouse', 'search', [('code', '=', 'WH')],
                                       limit=1)[0]
        self.reason_id = admin.call('overseas.return.reason', 'search',
                                    [('code', '=', 'changed_mind')], limit=1)[0]
        self.grade_a = admin.call('overseas.return.grade', 'search', [('code', '=', 'A')],
                                  limit=1)[0]
        self.portal_partner_id = admin.call('ir.model.data', 'xmlid_to_res_id',
                                            ATTACK_PORTAL_PARTNER)
        self.other_partner_id = admin.call('ir.model.data', 'xmlid_to_res_id',
                                           'overseas_returns.partner_us_johnson_demo')
        self._count = 0

    def unique(self, prefix):
        self._count += 1
        return '%s-%d%03d-%d' % (prefix, time.time(), os.getpid() % 1000, self._count)

    def product(self, qty=50.0, price=25.0):
        sku = self.unique('ATK')
        product_id = self.admin.call('product.product', 'create', {
            'name': 'Attack Widget %s' % sku, 'default_code': sku, 'type': 'product',
            'list_price': price, 'invoice_policy': 'order'})
        if qty:
            location_id = self.admin.call('stock.warehouse', 'read', [self.warehouse_id],
                                          ['lot_stock_id'])[0]['lot_stock_id'][0]
            wizard = self.admin.call('stock.change.product.qty', 'create', {
                'product_id': product_id, 'new_quantity': qty, 'location_id': location_id})
            self.admin.call('stock.change.product.qty', 'change_product_qty', [wizard])
        return product_id

    def sku(self, product_id):
        return self.admin.call('product.product', 'read', [product_id],
                               ['default_code'])[0]['default_code']

    def delivered_sale(self, partner_id=None, qty=2.0, product_id=None):
        """A confirmed sale whose delivery is done: (sale id, product id)."""
        product_id = product_id or self.product()
        sale_id = self.admin.call('sale.order', 'create', {
            'partner_id': partner_id or self.portal_partner_id,
            'warehouse_id': self.warehouse_id,
            'order_line': [(0, 0, {'product_id': product_id, 'product_uom_qty': qty,
                                   'price_unit': 25.0})]})
        self.admin.call('sale.order', 'action_confirm', [sale_id])
        picking_ids = self.admin.call('sale.order', 'read', [sale_id],
                                      ['picking_ids'])[0]['picking_ids']
        self.admin.call('stock.picking', 'action_assign', picking_ids)
        move_lines = self.admin.call('stock.move.line', 'search',
                                     [('picking_id', 'in', picking_ids)])
        for line in self.admin.call('stock.move.line', 'read', move_lines,
                                    ['product_uom_qty']):
            self.admin.call('stock.move.line', 'write', [line['id']],
                            {'qty_done': line['product_uom_qty']})
        self.admin.call('stock.picking', 'action_done', picking_ids)
        return sale_id, product_id

    def return_order(self, state='draft', partner_id=None, qty=2.0, warehouse_id=None,
                     product_id=None):
        """A return of ``qty`` units, taken by admin to ``state`` (draft, approved,
        received, inspected); answers (return id, line id)."""
        product_id = product_id or self.product(qty=0)
        order_id = self.admin.call('overseas.return.order', 'create', {
            'partner_id': partner_id or self.portal_partner_id,
            'warehouse_id': warehouse_id or self.warehouse_id,
            'return_method': 'ship_back',
            'line_ids': [(0, 0, {'product_id': product_id, 'product_qty': qty,
                                 'price_unit': 25.0, 'reason_id': self.reason_id})]})
        line_id = self.admin.call('overseas.return.order', 'read', [order_id],
                                  ['line_ids'])[0]['line_ids'][0]
        steps = ['draft', 'approved', 'received', 'inspected']
        target = steps.index(state)
        if target >= 1:
            self.admin.call('overseas.return.order', 'action_approve', [order_id])
        if target >= 2:
            self.admin.call('overseas.return.order', 'action_receive', [order_id])
        if target >= 3:
            self.inspect(line_id)
        return order_id, line_id

    def inspect(self, line_id):
        self.admin.call('overseas.return.line', 'action_inspect', [line_id])
        inspection_id = self.admin.call('overseas.return.inspection', 'search',
                                        [('line_id', '=', line_id), ('state', '=', 'draft')])[0]
        check_ids = self.admin.call('overseas.return.inspection', 'read', [inspection_id],
                                    ['check_ids'])[0]['check_ids']
        if check_ids:
            self.admin.call('overseas.return.inspection.check', 'write', check_ids,
                            {'result': 'pass'})
        self.admin.call('overseas.return.inspection', 'write', [inspection_id],
                        {'grade_id': self.grade_a})
        self.admin.call('overseas.return.inspection', 'action_confirm', [inspection_id])

    def scanner_for(self, user):
        """A scanner of ``user`` (created by admin: the scan itself is what is tested)."""
        return self.admin.call('overseas.return.scanner', 'create', {
            'user_id': user.uid, 'warehouse_id': self.warehouse_id})

    def count(self, model, domain):
        return self.admin.call(model, 'search_count', domain)

    def read(self, model, record_id, field_names):
        return self.admin.call(model, 'read', [record_id], field_names)[0]


@pytest.fixture(scope='session')
def attack_kit(admin_rpc):
    return AttackKit(admin_rpc)


@pytest.fixture(scope='session')
def workers_attack_kit(workers_admin_rpc):
    return AttackKit(workers_admin_rpc)


def clear_refusal(fault):
    """An xmlrpc Fault a user understands: Odoo's AccessError/UserError (fault codes 4
    and 2) or a ValidationError (code 1, Odoo 11 sends it with its traceback) — never a
    database error or a crash."""
    text = fault.faultString
    assert 'psycopg2' not in text and 'could not serialize' not in text, text
    if fault.faultCode in (2, 4):
        return True
    last = text.strip().splitlines()[-1] if text.strip() else ''
    assert 'odoo.exceptions.ValidationError' in last or 'odoo.exceptions.UserError' in last \
        or 'odoo.exceptions.AccessError' in last, text
    return True


@pytest.fixture(scope='session')
def clear_fault():
    return clear_refusal
