#!/usr/bin/env python
"""Manifest import benchmark: one generic return manifest through the import wizard.

Usage (a scratch database with overseas_returns installed; demo data not needed):
  .venv/bin/python scripts/bench_import.py -c odoo.conf -d ort_imp_bench --rows 20000

Builds, in memory, a generic manifest of --rows rows (--per-order rows per marketplace
order, 4 by default: 20,000 rows are 5,000 returns) over 200 products as .xlsx
(XlsxWriter) or .csv, then times overseas.return.import.action_import() in one
transaction: reading, checking every row, and creating the returns. Everything is
rolled back at the end unless --keep is given.
Last line: ``bench-import: rows N, seconds X``.
"""
import argparse
import base64
import csv
import io
import os
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

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


def manifest_rows(tag, n_rows, per_order, reasons, customers):
    for i in range(n_rows):
        order = i // per_order
        customer = ('Bench Customer %s %d' % (tag, order % customers)
                    if customers else '')
        yield ['%s-ORD-%06d' % (tag, order), '1Z%s%08d' % (tag, order),
               '%s-%03d' % (tag, (order * 7 + i % per_order) % PRODUCTS),
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
    parser.add_argument('--keep', action='store_true',
                        help='commit the imported returns instead of rolling them back')
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
        content = build_file(list(manifest_rows(tag, args.rows, args.per_order, reasons,
                                               args.customers)),
                             args.format)
        print('manifest: %d rows, %d customers, %s, %.1f MB'
              % (args.rows, args.customers, args.format, len(content) / 1e6),
              flush=True)
        warehouse = env['stock.warehouse'].search(
            [('company_id', '=', env.user.company_id.id)], limit=1)
        wizard = env['overseas.return.import'].create({
            'data_file': base64.b64encode(content),
            'filename': 'bench-manifest.%s' % args.format,
            'warehouse_id': warehouse.id,
        })
        queries = cr.sql_log_count
        start = time.perf_counter()
        wizard.action_import()
        env['overseas.return.order'].recompute()
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - queries
        orders = wizard.order_ids
        lines = env['overseas.return.line'].search_count(
            [('order_id', 'in', orders.ids)])
        print('imported: %d returns, %d lines, %d queries (%.2f per row)'
              % (len(orders), lines, queries, queries / float(args.rows)), flush=True)
        if args.keep:
            cr.commit()
        else:
            cr.rollback()
        print('bench-import: rows %d, seconds %.1f' % (args.rows, seconds), flush=True)


if __name__ == '__main__':
    sys.exit(main())
