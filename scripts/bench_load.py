#!/usr/bin/env python
"""Load benchmark: the multi-worker server under concurrent users.

Usage (a scratch database with both add-ons installed; it is written to):
  .venv/bin/python scripts/bench_load.py -c odoo.conf -d ort_bench [--users 50]
      [--seconds 120] [--workers 4]

Sets up (in-process, committed): products with stock, approved returns to scan, one
returns user with a scanner per scanner thread, portal customers with returns. Then
starts the database's server in the multi-process profile (--workers, longpolling port,
queue_job's runner) and runs --users threads for --seconds, each a user in a loop:
  scanner  (40 %)  scan() over XML-RPC on its own scanner: a return's number, then
                   one of its products, then the form's reload (read)
  creator  (20 %)  a return created over XML-RPC (create, then read)
  portal   (20 %)  a customer's portal pages: /my/returns and one return's page
  report   (20 %)  report reads: read_group of overseas.return.report by reason and
                   by product category
A request is one HTTP call; an error is any failed call (fault, HTTP error, timeout).
Last lines:
  bench-load-scan: scans N, p50 X ms, p95 Y ms
  bench-load: users U, requests N, errors E, p50 X ms, p95 Y ms
"""
import argparse
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import xmlrpc.client

import requests

import odoo
from odoo import SUPERUSER_ID, api

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = 'bench-load'


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def setup(env, n_scanners, n_portal, n_orders):
    """Everything the users need, committed; returns logins and ids."""
    tag = '%d' % (int(time.time()) % 100000)
    wh = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)],
                                       limit=1)
    products = env['product.product']
    for i in range(20):
        products |= products.create({'name': 'Load product %s-%d' % (tag, i),
                                     'type': 'product', 'list_price': 20.0 + i,
                                     'default_code': 'LOAD-%s-%02d' % (tag, i)})
    for product in products:
        env['stock.quant']._update_available_quantity(product, wh.lot_stock_id, 1000)
    reason = env.ref('overseas_returns.reason_changed_mind')
    group_user = env.ref('overseas_returns.group_returns_user')
    Users = env['res.users'].with_context(no_reset_password=True)
    clerks = []
    for i in range(n_scanners):
        user = Users.create({
            'name': 'Load clerk %s-%d' % (tag, i), 'login': 'load-clerk-%s-%d' % (tag, i),
            'password': PASSWORD,
            'groups_id': [(6, 0, [group_user.id, env.ref('base.group_user').id])]})
        scanner = env['overseas.return.scanner'].sudo(user).create(
            {'warehouse_id': wh.id})
        clerks.append((user.login, scanner.id))
    customers = []
    Order = env['overseas.return.order'].with_context(tracking_disable=True)
    for i in range(n_portal):
        user = Users.create({
            'name': 'Load customer %s-%d' % (tag, i),
            'login': 'load-customer-%s-%d' % (tag, i), 'password': PASSWORD,
            'email': 'load-%s-%d@example.com' % (tag, i),
            'groups_id': [(6, 0, [env.ref('base.group_portal').id])]})
        order_ids = [Order.create({
            'partner_id': user.partner_id.id, 'warehouse_id': wh.id,
            'line_ids': [(0, 0, {'product_id': products[(i + j) % len(products)].id,
                                 'product_qty': 1.0, 'reason_id': reason.id})]}).id
            for j in range(3)]
        customers.append((user.login, order_ids))
    partner = env['res.partner'].create({'name': 'Load customer %s' % tag,
                                         'customer': True})
    orders = Order
    for i in range(n_orders):
        orders |= Order.create({
            'partner_id': partner.id, 'warehouse_id': wh.id,
            'line_ids': [(0, 0, {'product_id': products[(i + j) % len(products)].id,
                                 'product_qty': 5.0, 'reason_id': reason.id})
                         for j in range(2)]})
    orders.action_approve()
    env.user.password = PASSWORD
    env.cr.commit()
    return {
        'warehouse': wh.id, 'reason': reason.id, 'partner': partner.id,
        'products': [(p.id, p.default_code) for p in products],
        'orders': [(o.name, [l.product_id.default_code for l in o.line_ids])
                   for o in orders],
        'clerks': clerks, 'customers': customers, 'admin': env.user.login,
    }


class Stats(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.times = []
        self.scan_times = []
        self.errors = 0
        self.error_kinds = {}
        self.samples = []

    def add(self, seconds, kind, error=None):
        with self.lock:
            self.times.append(seconds)
            if kind == 'scan':
                self.scan_times.append(seconds)
            if error is not None:
                self.errors += 1
                self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
                if len(self.samples) < 5:
                    self.samples.append('%s: %s' % (kind, str(error)[:300]))


def percentile(values, share):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


class User(threading.Thread):
    def __init__(self, url, db, kind, data, stats, stop, index):
        super(User, self).__init__(daemon=True)
        self.url, self.db, self.kind, self.data = url, db, kind, data
        self.stats, self.stop, self.index = stats, stop, index
        self.random = random.Random(index)

    def timed(self, kind, func, *args):
        start = time.perf_counter()
        try:
            result = func(*args)
        except Exception as error:  # every failure of a call counts
            self.stats.add(time.perf_counter() - start, kind, error)
            return None
        self.stats.add(time.perf_counter() - start, kind)
        return result

    def rpc(self, login):
        common = xmlrpc.client.ServerProxy(self.url + '/xmlrpc/2/common')
        uid = common.authenticate(self.db, login, PASSWORD, {})
        models = xmlrpc.client.ServerProxy(self.url + '/xmlrpc/2/object', allow_none=True)

        def call(model, method, *params, **kw):
            return models.execute_kw(self.db, uid, PASSWORD, model, method, list(params),
                                     kw)
        return call

    def run(self):
        try:
            getattr(self, 'run_' + self.kind)()
        except Exception as error:  # a user that cannot even start is an error
            self.stats.add(0.0, self.kind, error)

    def run_scanner(self):
        login, scanner = self.data['clerks'][self.index % len(self.data['clerks'])]
        call = self.rpc(login)
        while not self.stop.is_set():
            name, codes = self.random.choice(self.data['orders'])
            for code in [name, self.random.choice(codes)]:
                self.timed('scan', call, 'overseas.return.scanner', 'scan', [scanner], code)
                self.timed('read', call, 'overseas.return.scanner', 'read', [scanner],
                           ['message', 'message_type', 'order_id', 'line_ids'])

    def run_creator(self):
        call = self.rpc(self.data['admin'])
        while not self.stop.is_set():
            product = self.random.choice(self.data['products'])[0]
            order = self.timed('create', call, 'overseas.return.order', 'create', {
                'partner_id': self.data['partner'], 'warehouse_id': self.data['warehouse'],
                'line_ids': [(0, 0, {'product_id': product, 'product_qty': 1.0,
                                     'reason_id': self.data['reason']})]})
            if order:
                self.timed('read', call, 'overseas.return.order', 'read', [order],
                           ['name', 'state', 'amount_refundable'])

    def run_portal(self):
        login, order_ids = self.data['customers'][self.index % len(self.data['customers'])]
        session = requests.Session()

        def login_page():
            page = session.get(self.url + '/web/login', timeout=60)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            answer = session.post(self.url + '/web/login', timeout=60, data={
                'login': login, 'password': PASSWORD, 'csrf_token': token,
                'db': self.db, 'redirect': '/my/returns'})
            answer.raise_for_status()
            if 'o_login' in answer.url or '/web/login' in answer.url:
                raise RuntimeError('portal login failed')
        self.timed('portal', login_page)

        def get(path):
            answer = session.get(self.url + path, timeout=60)
            answer.raise_for_status()
            if '/web/login' in answer.url:
                raise RuntimeError('%s: logged out' % path)
        while not self.stop.is_set():
            self.timed('portal', get, '/my/returns')
            self.timed('portal', get, '/my/returns/%d' % self.random.choice(order_ids))

    def run_report(self):
        call = self.rpc(self.data['admin'])
        while not self.stop.is_set():
            for groupby in ('reason_id', 'categ_id'):
                self.timed('report', lambda g=groupby: call(
                    'overseas.return.report', 'read_group', [], ['product_qty', g], [g],
                    lazy=False))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default=os.path.join(ROOT, 'odoo.conf'))
    parser.add_argument('--users', type=int, default=50)
    parser.add_argument('--seconds', type=float, default=120)
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--orders', type=int, default=200,
                        help='approved returns the scanners scan')
    args = parser.parse_args()
    os.chdir(ROOT)
    odoo.tools.config.parse_config(['-c', args.config, '-d', args.database,
                                    '--log-level', 'warn'])
    kinds = (['scanner'] * 4 + ['creator'] * 2 + ['portal'] * 2 + ['report'] * 2)
    plan = [kinds[i % len(kinds)] for i in range(args.users)]
    with api.Environment.manage(), odoo.registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        data = setup(env, max(1, plan.count('scanner')), max(1, plan.count('portal')),
                     args.orders)
    port = free_port()
    os.makedirs(os.path.join(ROOT, '.data'), exist_ok=True)
    log = open(os.path.join(ROOT, '.data', 'bench-load-server.log'), 'w')
    server = subprocess.Popen(
        [os.path.join(ROOT, '.venv', 'bin', 'odoo'), '-c', args.config,
         '-d', args.database, '--db-filter', '^%s$' % args.database,
         '--http-interface', '127.0.0.1', '--http-port', str(port),
         '--longpolling-port', str(free_port()), '--workers', str(args.workers),
         '--max-cron-threads', '1', '--log-level', 'warn',
         '--limit-time-real', '600', '--limit-time-cpu', '300'],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = 'http://127.0.0.1:%d' % port
    try:
        for _attempt in range(600):
            try:
                requests.get(url + '/web/login', timeout=30).raise_for_status()
                break
            except (requests.RequestException, OSError):
                time.sleep(0.2)
        else:
            sys.exit('the server did not start (see .data/bench-load-server.log)')
        # the first requests build the assets and warm the workers (not measured)
        for _i in range(args.workers):
            requests.get(url + '/web/login', timeout=120)
        stats, stop = Stats(), threading.Event()
        users = [User(url, args.database, kind, data, stats, stop, index)
                 for index, kind in enumerate(plan)]
        print('load: %d users (%s) for %d s on %d workers' % (
            len(users), ', '.join('%d %s' % (plan.count(k), k)
                                  for k in ('scanner', 'creator', 'portal', 'report')),
            args.seconds, args.workers), flush=True)
        for user in users:
            user.start()
        time.sleep(args.seconds)
        stop.set()
        for user in users:
            user.join(120)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    for sample in stats.samples:
        print('error sample: %s' % sample)
    if stats.error_kinds:
        print('errors by kind: %s' % stats.error_kinds)
    print('bench-load-scan: scans %d, p50 %.0f ms, p95 %.0f ms' % (
        len(stats.scan_times), 1000 * percentile(stats.scan_times, 0.5),
        1000 * percentile(stats.scan_times, 0.95)))
    print('bench-load: users %d, requests %d, errors %d, p50 %.0f ms, p95 %.0f ms' % (
        len(plan), len(stats.times), stats.errors, 1000 * percentile(stats.times, 0.5),
        1000 * percentile(stats.times, 0.95)), flush=True)


if __name__ == '__main__':
    sys.exit(main())
