#!/usr/bin/env python
"""Scanner benchmark: what one scan costs on the returns scanner screen.

N approved returns of L lines (1 unit each) are set up first (not timed). Then each
return goes through the screen exactly as the web client drives it: every scan is one
scan() call on the saved scanner, then the form's reload (a read of the scanner and of
the rows of its lists), each request committed with a cleared cache:
  parcel    the return number
  count     each product's internal reference (qty_received + 1)
  validate  the VALIDATE command (the receipt transfer)
  select    each product again (opens its inspection)
  grade     GRADE-A
  checks    PASS-ALL
  confirm   CONFIRM
  dispose   DISPOSE (one transfer for the line)
Times and SQL queries are per scan, by kind.

Last line:
  bench-scan: scans S, X ms/scan, Y queries/scan, slowest <kind> Z ms, peak RSS M MB

Usage: .venv/bin/python scripts/bench_scan.py -c odoo.conf -d ort_bench [--returns 30] [--lines 3]
It writes to the database: use a scratch database.
"""
import argparse
import collections
import os
import sys

import odoo
from odoo import SUPERUSER_ID, api

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import Timer, commit, peak_rss_mb, setup_master_data  # noqa: E402

KINDS = ('parcel', 'count', 'validate', 'select', 'grade', 'checks', 'confirm', 'dispose')


def create_returns(env, wh, product_ids, partner_ids, n_returns, n_lines):
    reason = env.ref('overseas_returns.reason_changed_mind')
    Order = env['overseas.return.order'].with_context(tracking_disable=True)
    orders = Order
    for i in range(n_returns):
        orders |= Order.create({
            'partner_id': partner_ids[i % len(partner_ids)],
            'warehouse_id': wh.id,
            'line_ids': [(0, 0, {'product_id': product_ids[(i * n_lines + j) % len(product_ids)],
                                 'product_qty': 1.0, 'reason_id': reason.id})
                         for j in range(n_lines)],
        })
    orders.action_approve()
    commit(env)
    return orders.ids


# what the scanner form shows, read again after every scan: field -> its list's columns
SCREEN_FIELDS = ['message', 'message_type', 'scan_count', 'warehouse_id', 'order_id',
                 'order_state', 'partner_id', 'line_id', 'inspection_id',
                 'inspection_grade_id', 'inspection_fault_party', 'pending_disposition',
                 'allow_extra', 'candidate_order_ids', 'check_ids', 'line_ids',
                 'recent_log_ids']
SCREEN_LISTS = {
    'candidate_order_ids': ['name', 'partner_id', 'tracking_ref', 'origin_ref',
                            'warehouse_id', 'state'],
    'check_ids': ['name', 'result'],
    'line_ids': ['product_id', 'lpn', 'product_qty', 'qty_received', 'grade_id',
                 'disposition', 'state'],
    'recent_log_ids': ['date', 'user_id', 'code', 'message', 'result'],
}


class Screen(object):
    """The scanner form: scan() over RPC, then a reload of what it shows."""

    def __init__(self, scanner):
        self.scanner = scanner

    def scan(self, code):
        scanner = self.scanner.browse(self.scanner.id)
        result = scanner.scan(code)
        commit(scanner.env)
        values = scanner.read(SCREEN_FIELDS)[0]
        for name, columns in SCREEN_LISTS.items():
            comodel = scanner._fields[name].comodel_name
            scanner.env[comodel].browse(values[name]).read(columns)
        return result


def run(env, wh, order_ids):
    timer = Timer(env.cr)
    counts = collections.Counter()
    refused = []

    def scan(screen, kind, code):
        with timer.step(kind):
            result = screen.scan(code)
            commit(env)
        counts[kind] += 1
        if result['message_type'] == 'danger':
            refused.append((code, result['message']))

    scanner = env['overseas.return.scanner']._session_scanner(wh)
    commit(env)
    screen = Screen(scanner)
    for order_id in order_ids:
        order = env['overseas.return.order'].browse(order_id)
        name = order.name
        codes = order.line_ids.mapped('product_id.default_code')
        scan(screen, 'parcel', name)
        for code in codes:
            scan(screen, 'count', code)
        scan(screen, 'validate', 'ORT-VALIDATE')
        for code in codes:
            scan(screen, 'select', code)
            scan(screen, 'grade', 'ORT-GRADE-A')
            scan(screen, 'checks', 'ORT-PASS-ALL')
            scan(screen, 'confirm', 'ORT-CONFIRM')
            scan(screen, 'dispose', 'ORT-DISPOSE')
    return timer, counts, refused


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-c', '--config', default='odoo.conf')
    ap.add_argument('-d', '--database', required=True)
    ap.add_argument('--returns', type=int, default=30)
    ap.add_argument('--lines', type=int, default=3)
    args = ap.parse_args()
    if not args.database.startswith('ort_bench'):
        ap.error('use a scratch database whose name starts with ort_bench')
    odoo.tools.config.parse_config(['-c', args.config, '-d', args.database,
                                    '--log-level', 'warn'])
    registry = odoo.registry(args.database)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        n, l = args.returns, args.lines
        wh, product_ids, partner_ids = setup_master_data(
            env, n, l, max(4 * l, l), stock_per_product=float(n * l + 10))
        order_ids = create_returns(env, wh, product_ids, partner_ids, n, l)
        print('setup: %d approved returns x %d lines in %s' % (n, l, wh.name), flush=True)
        timer, counts, refused = run(env, wh, order_ids)
        if refused:
            print('refused scans (the benchmark expects none): %s' % refused[:5])
            sys.exit(1)
        scans = sum(counts.values())
        for kind in KINDS:
            print('scan %-9s %5d scans  %7.1f ms/scan  %6.1f queries/scan' % (
                kind, counts[kind], 1000.0 * timer.seconds[kind] / counts[kind],
                timer.queries[kind] / float(counts[kind])))
        slowest = max(KINDS, key=lambda kind: timer.seconds[kind] / counts[kind])
        print('bench-scan: scans %d, %.1f ms/scan, %d queries/scan, slowest %s %.0f ms, '
              'peak RSS %d MB' % (
                  scans, 1000.0 * timer.total / scans, round(timer.total_queries / scans),
                  slowest, 1000.0 * timer.seconds[slowest] / counts[slowest], peak_rss_mb()))


if __name__ == '__main__':
    main()
