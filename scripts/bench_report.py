#!/usr/bin/env python
"""Reports benchmark: the reason pivot and the KPI computation over many return lines.

Usage (a scratch database with overseas_returns_reports installed; demo data not needed):
  .venv/bin/python scripts/bench_report.py -d ort_rep_bench --lines 200000

Fills the database with return orders, return lines and the deliveries they came from
through INSERT ... SELECT generate_series (no ORM per row), then times, warm, the median
of --runs calls of:
  pivot  the four read_group calls of the Returns Analysis pivot as the web client
         makes them (valid returns; total, reason categories, months, and reason
         category x month cells; returned qty and refunded amount);
  kpi    the KPI dashboard opened on the generated year, one company (every figure,
         return rate included, computed and stored on the dashboard record).
Between the load and the timings the report's materialized layer is refreshed, as its
cron does (printed, not part of the figures); --live times the reports before it.
The generated rows are rolled back at the end unless --keep is given.
Last line: ``bench-report: lines N, pivot X s, kpi Y s``.
"""
import argparse
import os
import statistics
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
YEAR_FROM, YEAR_TO = '2025-01-01', '2025-12-31'
LINES_PER_ORDER = 3
PRODUCTS = 100
PIVOT_DOMAIN = [('order_state', 'not in', ['cancel', 'rejected'])]


def setup_master_data(env):
    """A few products, categories and channels through the ORM (not timed)."""
    company = env.user.company_id
    warehouse = env['stock.warehouse'].search([('company_id', '=', company.id)], limit=1)
    warehouse._ensure_return_setup()
    partner = env['res.partner'].create({'name': 'Bench Report Customer',
                                         'country_id': env.ref('base.us').id})
    categories = [env['product.category'].create({'name': 'Bench Category %d' % i})
                  for i in range(5)]
    products = env['product.product']
    for i in range(PRODUCTS):
        products |= env['product.product'].create({
            'name': 'Bench Report Product %d' % i, 'type': 'product',
            'list_price': 10.0 + i, 'standard_price': 4.0 + i / 2.0,
            'categ_id': categories[i % len(categories)].id})
    channels = env['overseas.return.channel']
    for code in ('amazon', 'ebay', 'shopify'):
        channels |= env['overseas.return.channel'].search(
            [('code', '=', 'bench_%s' % code)]) or env['overseas.return.channel'].create(
                {'name': 'Bench %s' % code, 'code': 'bench_%s' % code})
    return company, warehouse, partner, products, channels


def generate(env, n_lines, company, warehouse, partner, products, channels):
    cr = env.cr
    n_orders = (n_lines + LINES_PER_ORDER - 1) // LINES_PER_ORDER
    params = {
        'orders': n_orders, 'lines': n_lines, 'per_order': LINES_PER_ORDER,
        'company': company.id, 'warehouse': warehouse.id, 'partner': partner.id,
        'currency': company.currency_id.id, 'products': products.ids,
        'channels': channels.ids, 'out_type': warehouse.out_type_id.id,
        'stock': warehouse.lot_stock_id.id,
        'customers': env.ref('stock.stock_location_customers').id,
        'returns': warehouse.return_location_id.id,
        'uom': products[0].uom_id.id,
        'reasons': env['overseas.return.reason'].search([]).ids,
        'grades': env['overseas.return.grade'].search([]).ids,
        'tag': 'BENCH%d' % int(time.time()),
    }
    # one delivery per order, shipped on a day of the generated year
    cr.execute("""
        CREATE TEMP TABLE bench_order ON COMMIT DROP AS
        SELECT g AS n, (DATE %(year_from)s + (g::bigint * 7919 %% 330)::integer) AS day
          FROM generate_series(1, %(orders)s) g
    """, dict(params, year_from=YEAR_FROM))
    cr.execute("""
        CREATE TEMP TABLE bench_picking ON COMMIT DROP AS
        WITH ins AS (
            INSERT INTO stock_picking (name, move_type, location_id, location_dest_id,
                                       picking_type_id, company_id, partner_id, state,
                                       date, date_done, origin)
            SELECT %(tag)s || '/OUT/' || o.n, 'direct', %(stock)s, %(customers)s,
                   %(out_type)s, %(company)s, %(partner)s, 'done', o.day, o.day,
                   %(tag)s || '-' || o.n
              FROM bench_order o
            RETURNING id, origin)
        SELECT id, split_part(origin, '-', 2)::integer AS n FROM ins
    """, params)
    # temporary tables are never analyzed by autovacuum: give the planner their sizes
    cr.execute('ANALYZE bench_order; ANALYZE bench_picking')
    # one delivery move per future return line, 5 units each
    cr.execute("""
        INSERT INTO stock_move (name, date, date_expected, company_id, product_id,
                                product_uom_qty, product_qty, product_uom, location_id,
                                location_dest_id, procure_method, state, picking_id,
                                picking_type_id, warehouse_id)
        SELECT 'bench delivery', o.day + interval '10 hours', o.day, %(company)s,
               (%(products)s::integer[])[1 + (l.k * 31 + o.n) %% array_length(%(products)s::integer[], 1)],
               5.0, 5.0, %(uom)s, %(stock)s, %(customers)s, 'make_to_stock', 'done',
               p.id, %(out_type)s, %(warehouse)s
          FROM bench_order o
          JOIN bench_picking p ON p.n = o.n
          CROSS JOIN generate_series(1, %(per_order)s) l(k)
    """, params)
    cr.execute("""
        CREATE TEMP TABLE bench_return ON COMMIT DROP AS
        WITH ins AS (
            INSERT INTO overseas_return_order (
                name, state, partner_id, company_id, warehouse_id, channel_id,
                return_method, currency_id, date_requested, date_received, date_done,
                delivery_id, create_date, write_date, create_uid, write_uid, origin_ref)
            SELECT %(tag)s || '/RMA/' || o.n,
                   (ARRAY['done', 'done', 'done', 'inspected', 'received', 'approved',
                          'cancel'])[1 + o.n %% 7],
                   %(partner)s, %(company)s, %(warehouse)s,
                   (%(channels)s::integer[])[1 + o.n %% 3],
                   (ARRAY['ship_back', 'ship_back', 'pickup', 'drop_off',
                          'returnless'])[1 + o.n %% 5],
                   %(currency)s, o.day + 12, o.day + 20 + (o.n %% 5),
                   o.day + 25 + (o.n %% 9), p.id, o.day + 12, o.day + 12, 1, 1,
                   %(tag)s || '-' || o.n
              FROM bench_order o JOIN bench_picking p ON p.n = o.n
            RETURNING id, state, date_received, delivery_id, origin_ref)
        SELECT id, state, date_received, delivery_id,
               split_part(origin_ref, '-', 2)::integer AS n
          FROM ins
    """, params)
    cr.execute('ANALYZE bench_return; ANALYZE stock_move')
    cr.execute("""
        INSERT INTO overseas_return_line (
            order_id, sequence, state, company_id, warehouse_id, partner_id, product_id,
            product_qty, qty_received, price_unit, price_subtotal, reason_id,
            reason_category_id, fault_party, grade_id, disposition, date_disposed,
            rework_state)
        SELECT r.id, 10,
               CASE r.state WHEN 'done' THEN 'disposed' WHEN 'inspected' THEN 'inspected'
                            WHEN 'received' THEN 'received' ELSE 'draft' END,
               %(company)s, %(warehouse)s, %(partner)s, m.product_id,
               1.0 + (x.k %% 2), CASE WHEN r.state IN ('done', 'inspected', 'received')
                                      THEN 1.0 + (x.k %% 2) ELSE 0 END,
               20.0, 20.0 * (1.0 + (x.k %% 2)), rs.id, rs.category_id, rs.fault_party,
               CASE WHEN r.state IN ('done', 'inspected')
                    THEN (%(grades)s::integer[])[1 + x.k %% array_length(%(grades)s::integer[], 1)]
               END,
               CASE WHEN r.state IN ('done', 'inspected')
                    THEN (ARRAY['restock', 'restock', 'rework', 'return_to_origin',
                                'donate', 'scrap'])[1 + x.k %% 6] END,
               CASE WHEN r.state = 'done'
                    THEN r.date_received + (x.k %% 240) * interval '1 hour' END,
               CASE WHEN r.state = 'done' AND x.k %% 6 = 2 THEN 'done' END
          FROM bench_return r
          JOIN LATERAL (
            SELECT row_number() OVER (ORDER BY sm.id) AS k, sm.product_id, sm.id AS move_id
              FROM stock_move sm WHERE sm.picking_id = r.delivery_id) m ON TRUE
          CROSS JOIN LATERAL (SELECT r.n * 3 + m.k AS k) x
          JOIN overseas_return_reason rs
            ON rs.id = (%(reasons)s::integer[])[1 + (x.k * 7 + r.n) %% array_length(%(reasons)s::integer[], 1)]
         WHERE (r.n - 1) * %(per_order)s + m.k <= %(lines)s
    """, params)
    # the receipt of every received line: an Odoo return of its delivery move (the
    # k-th line of a return came from the k-th move of its delivery)
    cr.execute("""
        INSERT INTO stock_move (name, date, date_expected, company_id, product_id,
                                product_uom_qty, product_qty, product_uom, location_id,
                                location_dest_id, procure_method, state, warehouse_id,
                                return_line_id, origin_returned_move_id, to_refund)
        SELECT 'bench return', r.date_received, r.date_received, %(company)s,
               l.product_id, l.qty_received, l.qty_received, %(uom)s, %(customers)s,
               %(returns)s, 'make_to_stock', 'done', %(warehouse)s, l.id, m.move_id, TRUE
          FROM (SELECT l.id, l.order_id, l.product_id, l.qty_received,
                       row_number() OVER (PARTITION BY l.order_id ORDER BY l.id) AS k
                  FROM overseas_return_line l
                  JOIN bench_return r ON r.id = l.order_id) l
          JOIN bench_return r ON r.id = l.order_id
          JOIN LATERAL (
            SELECT row_number() OVER (ORDER BY sm.id) AS k, sm.id AS move_id
              FROM stock_move sm WHERE sm.picking_id = r.delivery_id) m ON m.k = l.k
         WHERE l.qty_received > 0
    """, params)
    # what autovacuum does after a bulk load
    cr.execute('ANALYZE stock_picking; ANALYZE stock_move; ANALYZE stock_location; '
               'ANALYZE overseas_return_order; ANALYZE overseas_return_line; '
               'ANALYZE product_product; ANALYZE product_template')
    cr.execute('SELECT count(*) FROM overseas_return_line')
    return cr.fetchone()[0]


def timed(fn, runs):
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--lines', type=int, default=200000)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--keep', action='store_true',
                        help='commit the generated rows instead of rolling them back')
    parser.add_argument('--live', action='store_true',
                        help='also time the reports before refreshing the materialized layer')
    parser.add_argument('-c', '--config', default=os.path.join(ROOT, 'odoo.conf'))
    args = parser.parse_args()

    os.chdir(ROOT)  # odoo.conf paths are relative to the project root
    odoo.tools.config.parse_config(['-c', args.config, '-d', args.database,
                                    '--log-level', 'warn'])
    registry = odoo.registry(args.database)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if 'overseas.return.kpi' not in env:
            sys.exit('install overseas_returns_reports in %s first' % args.database)
        start = time.perf_counter()
        master = setup_master_data(env)
        total = generate(env, args.lines, *master)
        print('generated %d return lines (%d in the table) in %.1f s'
              % (args.lines, total, time.perf_counter() - start), flush=True)
        company = master[0]
        Report = env['overseas.return.report']

        def pivot():
            # the calls of the web client's pivot (Returns Analysis, "Valid Returns"):
            # the total, the rows, the columns and the cells
            fields = ['reason_category_id', 'date', 'product_qty', 'amount_refunded']
            return [Report.read_group(PIVOT_DOMAIN, fields, groupby, lazy=False)
                    for groupby in ([], ['reason_category_id'], ['date:month'],
                                    ['reason_category_id', 'date:month'])]

        def kpi():
            # the KPI dashboard as it opens: its figures computed and stored
            return env['overseas.return.kpi.dashboard'].create({
                'date_from': YEAR_FROM, 'date_to': YEAR_TO, 'company_id': company.id})

        if args.live:
            pivot()
            kpi()
            print('before the refresh (every return changed): pivot %.3f s, kpi %.3f s'
                  % (timed(pivot, 1)[0], timed(kpi, 1)[0]), flush=True)
        start = time.perf_counter()
        Report.refresh_materialized()
        print('materialized layer refreshed in %.1f s' % (time.perf_counter() - start),
              flush=True)
        pivot()
        kpi()
        pivot_s, pivot_runs = timed(pivot, args.runs)
        kpi_s, kpi_runs = timed(kpi, args.runs)
        figures = env['overseas.return.kpi'].compute_kpis(YEAR_FROM, YEAR_TO, company.id)
        print('pivot runs: %s' % ', '.join('%.3f' % t for t in pivot_runs))
        print('kpi runs: %s' % ', '.join('%.3f' % t for t in kpi_runs))
        print('kpi: return rate %.3f, restock rate %.3f, p90 %.1f days, top reason %s'
              % (figures['return_rate'], figures['restock_rate'],
                 figures['processing_days_p90'],
                 figures['pareto'][0]['name'] if figures['pareto'] else '-'))
        if args.keep:
            cr.commit()
        else:
            cr.rollback()
        print('bench-report: lines %d, pivot %.3f s, kpi %.3f s'
              % (args.lines, pivot_s, kpi_s), flush=True)


if __name__ == '__main__':
    sys.exit(main())
