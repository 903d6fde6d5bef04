#!/usr/bin/env python
"""Load benchmark: the multi-worker server under concurrent users.

Usage (a scratch database with both add-ons installed; it is written to):
  .venv/bin/python scripts/bench_load.py -c odoo.conf -d ort_bench [--users 50]
      [--seconds 120] [--warmup 15] [--workers 4] [--think 1.0]

Sets up (in-process, committed, not measured): products with stock, approved returns
for each scanner, a returns clerk per scanner, an integration user, returns managers,
portal customers with returns of their own. Then starts the database's server in the
multi-process profile of a production node (--workers HTTP workers, the longpolling
process, a cron worker and queue_job's runner; scripts/bench_server.py) and runs --users
threads, each a user in a loop with a think time between actions. The users arrive one
by one over the first 80 % of --warmup (not measured: logging in, each worker's first
request of a kind), then --seconds are measured:
  scanner  (40 %)  a clerk at a handheld, logged in to the web client: per parcel, scan
                   the return's number, then each of its units (``scan`` through
                   /web/dataset/call_kw, as the screen's ``_rpc`` does), each scan
                   followed by the screen's reload (the scanner, its lines, its last
                   scans); 2-4 s between scans (a unit taken out of the parcel and
                   looked at: about 1,000 scans an hour).
  creator  (20 %)  a marketplace integration over XML-RPC: creates a return (one or
                   two lines) for one of its customers, reads it back; 8-16 s between
                   (the 10 of them feed ~2,400 returns an hour, about what 20 clerks
                   receive).
  portal   (20 %)  a customer's visit: logs in through the /web/login form (a session,
                   CSRF token), one of their returns, /my/returns, logs out; 5-15 s
                   between pages (reading).
  report   (20 %)  a returns manager in the web client: the analysis pivot (read_group
                   by reason, then by product category) and the KPI values
                   (``compute_kpis`` over the last 90 days); 10-20 s between (reading
                   the figures).
--think scales every think time (0: none). A request is one HTTP call; an error is any
failed call (RPC fault, HTTP error, time-out, a refused login), warm-up included. A
refused scan (red screen) is an answer, not an error; the scan results are counted. The
server's error lines and serialization retries (odoo.service.model) are counted too.
Last lines:
  bench-load-kinds: <kind> n N p95 X ms, ...
  bench-load-scan: scans N, p50 X ms, p95 Y ms
  bench-load: users U, requests N, errors E, p50 X ms, p95 Y ms
"""
import argparse
import datetime
import os
import random
import sys
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api

from bench_server import Server, portal_login, web_login, xmlrpc_login

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = 'bench-load'
UNITS_PER_LINE = 3
# think times (seconds, uniform between the two) per kind of user
THINK = {'scanner': (2.0, 4.0), 'creator': (8.0, 16.0), 'portal': (5.0, 15.0),
         'report': (10.0, 20.0)}
# what the scanner screen reads back after a scan (its form and two of its lists)
SCANNER_FIELDS = ['message', 'message_type', 'order_id', 'order_state', 'partner_id',
                  'line_id', 'line_ids', 'inspection_id', 'allow_extra',
                  'pending_disposition', 'scan_count', 'recent_log_ids',
                  'candidate_order_ids', 'warehouse_id', 'display_name']
LINE_FIELDS = ['product_id', 'product_qty', 'qty_received', 'state']
LOG_FIELDS = ['date', 'code', 'message', 'result']


def setup(env, plan, orders_per_scanner):
    """Everything the users need, committed; returns logins and ids."""
    started = time.perf_counter()

    def log(step):
        print('setup: %s (%.0f s)' % (step, time.perf_counter() - started), flush=True)
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
    log('products')
    reason = env.ref('overseas_returns.reason_changed_mind')
    group_user = env.ref('base.group_user')
    returns_user = env.ref('overseas_returns.group_returns_user')
    returns_manager = env.ref('overseas_returns.group_returns_manager')
    Users = env['res.users'].with_context(no_reset_password=True)
    Order = env['overseas.return.order'].with_context(tracking_disable=True)

    def user(kind, i, groups, **values):
        values.update({
            'name': 'Load %s %s-%d' % (kind, tag, i),
            'login': 'load-%s-%s-%d' % (kind, tag, i), 'password': PASSWORD,
            'email': 'load-%s-%s-%d@example.com' % (kind, tag, i),
            'groups_id': [(6, 0, [group.id for group in groups])]})
        return Users.create(values)

    partners = env['res.partner']
    for i in range(20):
        partners |= partners.create({
            'name': 'Load customer %s-%d' % (tag, i), 'customer': True})

    def new_order(partner, first, n_lines, qty):
        return Order.create({
            'partner_id': partner.id, 'warehouse_id': wh.id,
            'line_ids': [(0, 0, {'product_id': products[(first + j) % len(products)].id,
                                 'product_qty': qty, 'reason_id': reason.id})
                         for j in range(n_lines)]})

    clerks, all_orders = [], Order
    for i in range(plan.count('scanner')):
        clerk = user('clerk', i, [group_user, returns_user])
        orders = Order
        for j in range(orders_per_scanner):
            orders |= new_order(partners[(i + j) % len(partners)], i * 7 + j, 2,
                                UNITS_PER_LINE)
        all_orders |= orders
        clerks.append({'login': clerk.login, 'orders': orders})
    log('%d returns to scan' % len(all_orders))
    all_orders.action_approve()  # one batch (its e-mails: the partners have no address)
    log('approved')
    for clerk in clerks:
        clerk['parcels'] = [
            (order.name, [code for line in order.line_ids
                          for code in [line.product_id.default_code] * int(line.product_qty)])
            for order in clerk.pop('orders')]
    customers = []
    for i in range(plan.count('portal')):
        customer = user('customer', i, [env.ref('base.group_portal')])
        orders = Order
        for j in range(3):
            orders |= new_order(customer.partner_id, i + j, 1, 1.0)
        customers.append({'login': customer.login, 'orders': orders.ids})
    integration = user('integration', 0, [group_user, returns_user])
    managers = [user('manager', i, [group_user, returns_manager]).login
                for i in range(plan.count('report'))]
    env.cr.commit()
    log('users and portal returns')
    print('setup: tag %s' % tag, flush=True)
    return {
        'warehouse': wh.id, 'reason': reason.id, 'partners': partners.ids,
        'products': products.ids, 'clerks': clerks, 'customers': customers,
        'integration': integration.login, 'managers': managers,
    }


def load_setup(env, tag, plan):
    """What setup(tag) made, read back (--tag: a copy of a database set up before with
    --setup-only, so that runs need not wait for the setup again)."""
    Users = env['res.users']

    def logins(kind):
        return Users.search([('login', '=like', 'load-%s-%s-%%' % (kind, tag))],
                            order='id').mapped('login')
    clerks, customers = logins('clerk'), logins('customer')
    if len(clerks) < plan.count('scanner') or len(customers) < plan.count('portal') \
            or len(logins('manager')) < plan.count('report'):
        sys.exit('the setup of tag %s has fewer users than this plan' % tag)
    partners = env['res.partner'].search([('name', '=like', 'Load customer %s-%%' % tag),
                                          ('user_ids', '=', False)], order='id')
    Order = env['overseas.return.order']
    orders = Order.search([('partner_id', 'in', partners.ids),
                           ('state', '=', 'approved')], order='id')
    per_clerk = len(orders) // len(clerks)
    parcels = [(order.name, [code for line in order.line_ids
                             for code in [line.product_id.default_code] * int(
                                 line.product_qty)]) for order in orders]
    return {
        'warehouse': orders[:1].warehouse_id.id,
        'reason': env.ref('overseas_returns.reason_changed_mind').id,
        'partners': partners.ids,
        'products': env['product.product'].search(
            [('default_code', '=like', 'LOAD-%s-%%' % tag)], order='id').ids,
        'clerks': [{'login': login, 'parcels': parcels[i * per_clerk:(i + 1) * per_clerk]}
                   for i, login in enumerate(clerks)],
        'customers': [{'login': login, 'orders': Order.search([
            ('partner_id.user_ids.login', '=', login)]).ids} for login in customers],
        'integration': logins('integration')[0], 'managers': logins('manager'),
    }


class Stats(object):
    def __init__(self):
        self.lock = threading.Lock()
        self.times = {}  # kind: [seconds]
        self.errors = {}  # kind: count
        self.samples = []
        self.scan_results = {}
        self.measuring = False  # times are kept after the warm-up; errors always

    def add(self, seconds, kind, error=None):
        with self.lock:
            if self.measuring:
                self.times.setdefault(kind, []).append(seconds)
            if error is not None:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 8:
                    self.samples.append('%s: %s: %s' % (kind, type(error).__name__,
                                                        str(error)[:400]))

    def scan_result(self, result):
        with self.lock:
            if self.measuring:
                self.scan_results[result] = self.scan_results.get(result, 0) + 1

    def all_times(self):
        return [t for times in self.times.values() for t in times]


def percentile(values, share):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


class User(threading.Thread):
    def __init__(self, url, db, kind, data, stats, stop, index, think):
        super(User, self).__init__(daemon=True)
        self.url, self.db, self.kind, self.data = url, db, kind, data
        self.stats, self.stop, self.index, self.think_scale = stats, stop, index, think
        self.random = random.Random(index)
        self.number = 0  # this user's rank among the users of its kind
        self.arrival = 0.0  # seconds within which the user starts

    def timed(self, kind, func, *args, **kwargs):
        start = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except Exception as error:  # every failure of a call counts
            self.stats.add(time.perf_counter() - start, kind, error)
            return None, False
        self.stats.add(time.perf_counter() - start, kind)
        return result, True

    def think(self):
        low, high = THINK[self.kind]
        self.stop.wait(self.think_scale * self.random.uniform(low, high))

    def run(self):
        # users arrive one after the other over the warm-up, not all in one second
        self.stop.wait(self.random.uniform(0, self.arrival))
        try:
            getattr(self, 'run_' + self.kind)()
        except Exception as error:  # a user that cannot go on is an error
            self.stats.add(0.0, self.kind + '-crash', error)

    def login(self, kind, func, *args):
        while not self.stop.is_set():
            session, ok = self.timed(kind, func, *args)
            if ok:
                return session
            self.think()
        return None

    def run_scanner(self):
        clerk = self.data['clerks'][self.number]
        web = self.login('login', web_login, self.url, self.db, clerk['login'], PASSWORD)
        if web is None:
            return
        action, ok = self.timed('open', web.call, 'overseas.return.scanner',
                                'action_open_scanner', self.data['warehouse'])
        if not ok:
            return
        scanner = action['res_id']
        parcels = list(clerk['parcels'])
        while not self.stop.is_set():
            name, units = parcels.pop(0)
            parcels.append((name, units))  # once all are done, they come round again
            for code in [name] + units:
                if self.stop.is_set():
                    break
                answer, ok = self.timed('scan', web.call, 'overseas.return.scanner',
                                        'scan', [scanner], code)
                if ok:
                    self.stats.scan_result(answer['result'])
                    self.reload(web, scanner)
                self.think()

    def reload(self, web, scanner):
        """The screen's reload after a scan: the form, then its lists."""
        records, ok = self.timed('reload', web.call, 'overseas.return.scanner', 'read',
                                 [scanner], SCANNER_FIELDS)
        if not ok:
            return
        record = records[0]
        if record['line_ids']:
            self.timed('reload', web.call, 'overseas.return.line', 'read',
                       record['line_ids'], LINE_FIELDS)
        if record['recent_log_ids']:
            self.timed('reload', web.call, 'overseas.return.scan.log', 'read',
                       record['recent_log_ids'], LOG_FIELDS)

    def run_creator(self):
        call = self.login('login', xmlrpc_login, self.url, self.db,
                          self.data['integration'], PASSWORD)
        while call is not None and not self.stop.is_set():
            products = self.random.sample(self.data['products'], self.random.randint(1, 2))
            order, ok = self.timed('create', call, 'overseas.return.order', 'create', {
                'partner_id': self.random.choice(self.data['partners']),
                'warehouse_id': self.data['warehouse'],
                'line_ids': [(0, 0, {'product_id': product, 'product_qty': 1.0,
                                     'reason_id': self.data['reason']})
                             for product in products]})
            if ok:
                self.timed('create-read', call, 'overseas.return.order', 'read', [order],
                           ['name', 'state', 'amount_refundable'])
            self.think()

    def run_portal(self):
        """Visits: log in, the list, one return, log out; come back later."""
        customer = self.data['customers'][self.number]

        def get(session, path):
            answer = session.get(self.url + path, timeout=120)
            answer.raise_for_status()
            if '/web/login' in answer.url:
                raise RuntimeError('%s: sent back to the login page' % path)
        while not self.stop.is_set():
            session, ok = self.timed('portal-login', portal_login, self.url, self.db,
                                     customer['login'], PASSWORD, '/my/returns')
            self.think()
            if ok and not self.stop.is_set():
                self.timed('portal', get, session, '/my/returns/%d' % self.random.choice(
                    customer['orders']))
                self.think()
                if not self.stop.is_set():
                    self.timed('portal', get, session, '/my/returns')
                    self.think()
                    self.timed('portal', session.get, self.url + '/web/session/logout',
                               timeout=120)
            self.think()

    def run_report(self):
        manager = self.data['managers'][self.number]
        web = self.login('login', web_login, self.url, self.db, manager, PASSWORD)
        today = datetime.date.today()
        date_from = (today - datetime.timedelta(days=89)).isoformat()
        while web is not None and not self.stop.is_set():
            for groupby in ('reason_id', 'categ_id'):
                self.timed('report', web.call, 'overseas.return.report', 'read_group',
                           [], ['product_qty', 'amount_original', groupby], [groupby],
                           lazy=False)
            self.think()
            if self.stop.is_set():
                break
            self.timed('kpi', web.call, 'overseas.return.kpi', 'compute_kpis',
                       date_from, today.isoformat())
            self.think()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default=os.path.join(ROOT, 'odoo.conf'))
    parser.add_argument('--users', type=int, default=50)
    parser.add_argument('--seconds', type=float, default=120)
    parser.add_argument('--workers', type=int, default=4)
    parser.add_argument('--think', type=float, default=1.0,
                        help='factor on every think time (0: none)')
    parser.add_argument('--warmup', type=float, default=30,
                        help='seconds of load before the measure (errors count)')
    parser.add_argument('--setup-only', action='store_true',
                        help='set up, print the tag and stop')
    parser.add_argument('--tag', help='reuse the setup of this tag (see load_setup)')
    parser.add_argument('--orders-per-scanner', type=int, default=8,
                        help='approved returns (2 lines of %d units) each scanner '
                             'works through' % UNITS_PER_LINE)
    args = parser.parse_args()
    os.chdir(ROOT)
    odoo.tools.config.parse_config(['-c', args.config, '-d', args.database,
                                    '--log-level', 'warn'])
    kinds = (['scanner'] * 4 + ['creator'] * 2 + ['portal'] * 2 + ['report'] * 2)
    plan = [kinds[i % len(kinds)] for i in range(args.users)]
    started = time.perf_counter()
    with api.Environment.manage(), odoo.registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if args.tag:
            data = load_setup(env, args.tag, plan)
        else:
            data = setup(env, plan, args.orders_per_scanner)
    if args.setup_only:
        return 0
    print('setup: %.0f s' % (time.perf_counter() - started), flush=True)
    stats, stop = Stats(), threading.Event()
    # odoo.service.model logs each serialization retry at INFO
    options = ['--log-handler', 'odoo.service.model:INFO']
    with Server(args.database, args.config, workers=args.workers, max_cron_threads=1,
                log_name='bench-load-server.log', options=options, warm=True) as server:
        users, seen = [], {}
        for index, kind in enumerate(plan):
            user = User(server.url, args.database, kind, data, stats, stop, index,
                        args.think)
            user.number = seen[kind] = seen.get(kind, -1) + 1
            user.arrival = 0.8 * args.warmup
            users.append(user)
        print('load: %d users (%s) for %d s (after %d s of warm-up) on %d workers, '
              'think x%.1f' % (
                  len(users), ', '.join('%d %s' % (plan.count(k), k)
                                        for k in ('scanner', 'creator', 'portal', 'report')),
                  args.seconds, args.warmup, args.workers, args.think), flush=True)
        for user in users:
            user.start()
        stop.wait(args.warmup)  # the workers' first requests of each kind: not measured
        stats.measuring = True
        cpu = server.cpu_seconds()
        stop.wait(args.seconds)
        stats.measuring = False
        cpu = server.cpu_seconds() - cpu
        stop.set()
        for user in users:
            user.join(300)
        server_errors = server.errors_logged()
        with open(server.log_path) as log:
            retries = sum(1 for line in log if ', retry ' in line)
    for sample in stats.samples:
        print('error sample: %s' % sample)
    for line in server_errors[:10]:
        print('server: %s' % line[:300])
    if stats.errors:
        print('errors by kind: %s' % stats.errors)
    print('scan results: %s; server error lines %d, serialization retries %d' % (
        ', '.join('%s %d' % item for item in sorted(stats.scan_results.items())),
        len(server_errors), retries))
    measured = len(stats.all_times())
    print('server CPU: %.1f s in %d s for %d requests, %.0f ms a request (Odoo and '
          'PostgreSQL); load average %s' % (
              cpu, args.seconds, measured, 1000 * cpu / max(1, measured),
              ' '.join('%.2f' % value for value in os.getloadavg())))
    print('bench-load-kinds: %s' % ', '.join(
        '%s n %d p95 %.0f ms' % (kind, len(times), 1000 * percentile(times, 0.95))
        for kind, times in sorted(stats.times.items())))
    scans = stats.times.get('scan', [])
    print('bench-load-scan: scans %d, p50 %.0f ms, p95 %.0f ms' % (
        len(scans), 1000 * percentile(scans, 0.5), 1000 * percentile(scans, 0.95)))
    times = stats.all_times()
    errors = sum(stats.errors.values())
    print('bench-load: users %d, requests %d, errors %d, p50 %.0f ms, p95 %.0f ms' % (
        len(plan), len(times), errors, 1000 * percentile(times, 0.5),
        1000 * percentile(times, 0.95)), flush=True)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
