#!/usr/bin/env python
"""Manifest import benchmark: one generic return manifest through the import wizard.

Usage (a scratch database with overseas_returns installed; demo data not needed):
  .venv/bin/python scripts/bench_import.py -c odoo.conf -d ort_imp_bench --rows 20000

Builds, in memory, a generic manifest of --rows rows (--per-order rows per marketplace
order, 4 by default: 20,000 rows are 5,000 returns) over 200 products as .xlsx
(XlsxWriter) or .csv.

1. Single process, inline: imports --profile-rows rows (default 2,000) in one
   transaction with the import forced inline, rolled back; prints the per-row cost
   (``bench-import-row: inline per row X ms, queries/row Q``). --cprofile FILE keeps a
   cProfile of it.
2. With the job runner (unless --inline-only): starts a server of the database with
   --job-workers HTTP workers (2) and queue_job's runner, uploads the manifest over
   XML-RPC (create the import record, action_import, which answers at once) and waits
   until the import record is done: the wall time from upload to the last return created.
Last line: ``bench-import: rows N, seconds X``. The returns of step 2 stay in the
(scratch) database.
"""
import argparse
import base64
import cProfile
import csv
import io
import os
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

from bench_server import Server, xmlrpc_login

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRODUCTS = 200
HEADER = ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code', 'return_date',
          'customer', 'condition', 'note']


def setup_master_data(env, tag):
    """Products through the ORM (not timed)."""
    for i in range(PRODUCTS):
        env['product.product'].create({
            'name': 'Bench Import Product %d' % i, 'type': 'product',
            'default_code': '%s-%03d' % (tag, i), 'list_price': 10.0 + i})
    return [reason.code for reason in env['overseas.return.reason'].search([])]


def manifest_rows(tag, n_rows, per_order, reasons, customers, sku_tag=None):
    sku_tag = sku_tag or tag
    for i in range(n_rows):
        order = i // per_order
        customer = ('Bench Customer %s %d' % (tag, order % customers)
                    if customers else '')
        yield ['%s-ORD-%06d' % (tag, order), '1Z%s%08d' % (tag, order),
               '%s-%03d' % (sku_tag, (order * 7 + i % per_order) % PRODUCTS),
               str(1 + i % 3), reasons[i % len(reasons)],
               '2026-%02d-%02d' % (1 + order % 12, 1 + order % 28),
               customer, 'intact', 'note %d' % i]


def build_file(rows, file_format):
    if file_format == 'csv':
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(HEADER)
        writer.writerows(rows)
        return output.getvalue().encode('utf-8')
    import xlsxwriter
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True, 'constant_memory': True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for index, row in enumerate(rows, 1):
        row[3] = int(row[3])  # quantities as number cells, as Excel would store them
        sheet.write_row(index, 0, row)
    book.close()
    return output.getvalue()


def inline_cost(env, content, args, warehouse):
    """Seconds and queries per row of one inline import (rolled back by the caller)."""
    wizard = env['overseas.return.import'].create({
        'data_file': base64.b64encode(content),
        'filename': 'bench-inline.%s' % args.format, 'warehouse_id': warehouse.id,
    })
    cr = env.cr
    queries = cr.sql_log_count
    profiler = cProfile.Profile() if args.cprofile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    # imported in this process whatever its size (the server's own switch, not a
    # context key an RPC caller could send)
    from odoo.addons.overseas_returns.wizards.overseas_return_import import import_inline
    with import_inline():
        wizard.action_import()
    env['overseas.return.order'].recompute()
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.cprofile)
    seconds = time.perf_counter() - start
    return seconds, cr.sql_log_count - queries, wizard.order_count


def run_with_jobs(args, content):
    """Upload over XML-RPC to a server with its job runner; wall seconds until done."""
    env = {'ODOO_QUEUE_JOB_CHANNELS': 'root:%d,root.overseas_import:%d' % (
        args.job_workers, args.job_workers)}
    with Server(args.database, args.config, workers=args.job_workers,
                log_name='bench-import-server.log', env=env) as server:
        call = xmlrpc_login(server.url, args.database, 'admin', args.password)
        warehouse = call('stock.warehouse', 'search', [])[0]
        start = time.perf_counter()
        wizard = call('overseas.return.import', 'create', {
            'data_file': base64.b64encode(content).decode(),
            'filename': 'bench-jobs.%s' % args.format, 'warehouse_id': warehouse})
        call('overseas.return.import', 'action_import', [wizard])
        answered = time.perf_counter() - start
        while True:
            record = call('overseas.return.import', 'read', [wizard],
                          ['state', 'row_done', 'row_total', 'order_count',
                           'job_message'])[0]
            if record['state'] in ('done', 'failed'):
                break
            if time.perf_counter() - start > args.timeout:
                sys.exit('the import did not finish in %s s' % args.timeout)
            time.sleep(0.25)
        seconds = time.perf_counter() - start
        if record['state'] != 'done':
            sys.exit('the import failed: %s' % record['job_message'])
        print('jobs: action_import answered in %.2f s; %d returns; %d job workers'
              % (answered, record['order_count'], args.job_workers), flush=True)
        return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default=os.path.join(ROOT, 'odoo.conf'))
    parser.add_argument('--rows', type=int, default=20000)
    parser.add_argument('--per-order', type=int, default=4)
    parser.add_argument('--format', choices=('xlsx', 'csv'), default='xlsx')
    parser.add_argument('--customers', type=int, default=0,
                        help='distinct customer names in the file (a name alone is '
                             'no key: each order gets a new partner; 0: no customer '
                             'column values, one partner per channel)')
    parser.add_argument('--profile-rows', type=int, default=2000)
    parser.add_argument('--cprofile', help='write a cProfile of the inline import here')
    parser.add_argument('--inline-only', action='store_true')
    parser.add_argument('--job-workers', type=int, default=2)
    parser.add_argument('--password', default='admin')
    parser.add_argument('--timeout', type=float, default=1800)
    args = parser.parse_args()

    os.chdir(ROOT)  # odoo.conf paths are relative to the project root
    odoo.tools.config.parse_config(['-c', args.config, '-d', args.database,
                                    '--log-level', 'warn'])
    registry = odoo.registry(args.database)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if 'overseas.return.import' not in env:
            sys.exit('install overseas_returns (with the import) in %s first'
                     % args.database)
        tag = 'BI%d' % (int(time.time()) % 100000)
        reasons = setup_master_data(env, tag)
        env.user.password = args.password  # the XML-RPC upload logs in as admin
        cr.commit()
        warehouse = env['stock.warehouse'].search(
            [('company_id', '=', env.user.company_id.id)], limit=1)
        if args.profile_rows:
            small = build_file(list(manifest_rows(tag + 'P', args.profile_rows,
                                                  args.per_order, reasons,
                                                  args.customers, tag)), args.format)
            seconds, queries, orders = inline_cost(env, small, args, warehouse)
            cr.rollback()
            print('bench-import-row: inline per row %.2f ms, queries/row %.1f '
                  '(%d rows, %d returns, one process)'
                  % (1000.0 * seconds / args.profile_rows, queries / args.profile_rows,
                     args.profile_rows, orders), flush=True)
    if args.inline_only:
        return
    content = build_file(list(manifest_rows(tag, args.rows, args.per_order, reasons,
                                           args.customers)), args.format)
    print('manifest: %d rows, %d customers, %s, %.1f MB'
          % (args.rows, args.customers, args.format, len(content) / 1e6), flush=True)
    seconds = run_with_jobs(args, content)
    print('bench-import: rows %d, seconds %.1f' % (args.rows, seconds), flush=True)


if __name__ == '__main__':
    sys.exit(main())
