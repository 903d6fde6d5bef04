#!/usr/bin/env python
"""Returns desk benchmark: our batch flow against Odoo's native return flow.

OURS (overseas_returns): N returns of L lines (1 unit each). Creating and approving
them is setup. Timed, in batches of --batch returns (one transaction per step and
batch, committed, cache cleared, like one request each):
  receive   orders.action_receive()
  inspect   lines.action_inspect(); per inspection one write (grade + every check
            'pass'), like a saved form; inspections.action_confirm()
  dispose   lines.action_dispose()
The grades and reasons are mixed so that the proposed dispositions cover restock,
rework, return_to_origin, donate and scrap.

NATIVE (stock only): the same N x L units. For each return a done delivery of its L
products to the customer is set up first (not timed). Timed, one transaction per
return: stock.return.picking wizard on the delivery (into the warehouse's returns
quarantine location) + create_returns(), validation of the return picking, then per
unit the same disposition as ours: one stock.scrap (action_validate) or one internal
transfer (create, confirm, assign, qty_done, button_validate).

ODOO-STOCK (stock only, unless --skip-odoo-stock): the stock moves of ours (the receipts, the
disposal moves and scraps of the same units to the same places, in the same batches)
made with Odoo's own stock API in the leanest batch it allows, none of the desk's code
calling it (run_odoo_stock): what Odoo 11 itself costs for the moves the desk must make.
The add-ons' overrides of stock models still run, as for any transfer; the same moves
in a database with only stock_account cost the same (README, Benchmarks).
  bench-odoo-stock: odoo batched X ms/line, Q queries/line (...); ours receive+dispose ...

SQL queries: the cursor's own sql_log_count plus odoo.sql_db.sql_counter (which Odoo 11
only increases when some other cursor is closed). --sql-profile N also prints, per step
of ours, the N most repeated queries grouped by their normalised SQL text (numbers,
literals and IN lists folded), with their count per line: what repeats per line.

Last line:
  bench: ours X lines/s, native Y lines/s, ratio R, queries/line Q, peak RSS M MB

Usage: .venv/bin/python scripts/bench.py -c odoo.conf -d ort_bench [--returns 200] [--lines 5]
It writes to the database: use a scratch database.
"""
import argparse
import collections
import re
import resource
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

# (grade xml id, reason xml id, expected disposition): a 10-slot cycle over the lines
MIX = [
    ('grade_a', 'reason_size_differs', 'restock'),
    ('grade_b', 'reason_not_needed', 'restock'),
    ('grade_c', 'reason_colour_differs', 'rework'),
    ('grade_d', 'reason_manufacturing_defect', 'return_to_origin'),
    ('grade_e', 'reason_other', 'scrap'),
    ('grade_a', 'reason_wrong_item', 'restock'),
    ('grade_b', 'reason_packaging_problem', 'rework'),        # B + logistics -> rework
    ('grade_d', 'reason_unsuitable', 'donate'),               # D + expectation -> donate
    ('grade_f', 'reason_manufacturing_defect', 'scrap'),
    ('grade_a', 'reason_changed_mind', 'restock'),
]


def queries(cr):
    return cr.sql_log_count + odoo.sql_db.sql_counter


_NORMALISE = [
    (re.compile(r"'(?:[^']|'')*'"), "?"),                  # string literals
    (re.compile(r"\b\d+(\.\d+)?\b"), "?"),                # numbers
    (re.compile(r"\((\s*\?\s*,)+\s*\?\s*\)"), "(?...)"),      # IN (?, ?, ...)
    (re.compile(r"\s+"), " "),
]


def normalise_sql(query):
    if isinstance(query, bytes):
        query = query.decode('utf-8', 'replace')
    query = str(query)
    for pattern, repl in _NORMALISE:
        query = pattern.sub(repl, query)
    return query.strip()


class SqlProfile(object):
    """Counts the executed queries per step, keyed by their normalised SQL text."""

    def __init__(self, stack_pattern=None):
        self.step = None
        self.counts = collections.defaultdict(collections.Counter)
        # --sql-stack REGEX: where the matching queries come from (first few per step)
        self.stack_pattern = stack_pattern and re.compile(stack_pattern)
        self.stacks = collections.defaultdict(collections.Counter)

    def _where(self):
        import traceback
        frames = [f for f in traceback.extract_stack()[:-3]
                  if '/odoo/' in f.filename or '/addons/' in f.filename]
        return ' < '.join('%s:%d %s' % (f.filename.split('/')[-1], f.lineno, f.name)
                          for f in reversed(frames[-8:]))

    def install(self):
        profile = self
        original = odoo.sql_db.Cursor.execute

        def execute(cr, query, params=None, log_exceptions=None):
            if profile.step:
                text = normalise_sql(query)
                profile.counts[profile.step][text] += 1
                if profile.stack_pattern and profile.stack_pattern.search(text):
                    profile.stacks[profile.step][profile._where()] += 1
            if log_exceptions is None:
                return original(cr, query, params)
            return original(cr, query, params, log_exceptions)
        odoo.sql_db.Cursor.execute = execute

    def report(self, units, top):
        for step, counter in self.counts.items():
            total = sum(counter.values())
            print('sql    %s: %d queries, %.1f a line; the %d most repeated:'
                  % (step, total, total / float(units), top))
            for query, count in counter.most_common(top):
                print('sql      %6.2f/line %5d  %s' % (count / float(units), count, query[:230]))
            for where, count in self.stacks[step].most_common(12):
                print('stack    %5d  %s' % (count, where))


PROFILE = None


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024   # KiB on Linux


class Timer(object):
    """Accumulates wall seconds and SQL queries per named step."""

    def __init__(self, cr):
        self.cr = cr
        self.seconds = collections.OrderedDict()
        self.queries = collections.OrderedDict()

    def step(self, name):
        timer = self

        class _Step(object):
            def __enter__(self):
                if PROFILE:
                    PROFILE.step = name
                self.t0 = time.perf_counter()
                self.q0 = queries(timer.cr)

            def __exit__(self, *exc):
                if PROFILE:
                    PROFILE.step = None
                timer.seconds[name] = timer.seconds.get(name, 0.0) + time.perf_counter() - self.t0
                timer.queries[name] = timer.queries.get(name, 0) + queries(timer.cr) - self.q0
                return False
        return _Step()

    @property
    def total(self):
        return sum(self.seconds.values())

    @property
    def total_queries(self):
        return sum(self.queries.values())


def commit(env):
    env.cr.commit()
    env.clear()          # fresh cache, as the next request would have


def setup_master_data(env, n_returns, n_lines, n_products, stock_per_product):
    tag = '%d' % int(time.time())
    wh = env['stock.warehouse'].search([('company_id', '=', env.user.company_id.id)], limit=1)
    if not wh.return_location_id or not wh.return_type_id:
        wh._ensure_return_setup()
    products = env['product.product']
    for i in range(n_products):
        products |= env['product.product'].create({
            'name': 'Bench product %s-%02d' % (tag, i), 'type': 'product',
            'default_code': 'BENCH-%s-%02d' % (tag, i), 'lst_price': 10.0 + i})
    partners = env['res.partner']
    for i in range(10):
        partners |= env['res.partner'].create({'name': 'Bench customer %s-%d' % (tag, i),
                                               'customer': True})
    Quant = env['stock.quant']
    for product in products:
        Quant._update_available_quantity(product, wh.lot_stock_id, stock_per_product)
    commit(env)
    return wh, products.ids, partners.ids


def products_of(i, n_lines, product_ids):
    """The L distinct products of return i (consecutive, wrapping round the pool)."""
    return [product_ids[(i * n_lines + j) % len(product_ids)] for j in range(n_lines)]


def mix_of(i, j, n_lines):
    return MIX[(i * n_lines + j) % len(MIX)]


# ---------------------------------------------------------------------------------- ours
def run_ours(env, wh, product_ids, partner_ids, n_returns, n_lines, batch):
    ref = env.ref
    grade_ids = {g: ref('overseas_returns.%s' % g).id for g, _r, _d in MIX}
    reason_ids = {r: ref('overseas_returns.%s' % r).id for _g, r, _d in MIX}
    Order = env['overseas.return.order']

    # setup (not timed): create + approve, committed per batch
    t0 = time.perf_counter()
    order_ids = []
    expected = {}          # line id -> (grade xml id, disposition)
    for start in range(0, n_returns, batch):
        orders = Order
        for i in range(start, min(start + batch, n_returns)):
            orders |= Order.create({
                'partner_id': partner_ids[i % len(partner_ids)],
                'warehouse_id': wh.id,
                'origin_ref': 'BENCH-%d' % i,
                'line_ids': [(0, 0, {
                    'product_id': product_id,
                    'product_qty': 1.0,
                    'reason_id': reason_ids[mix_of(i, j, n_lines)[1]],
                    'sequence': j,
                }) for j, product_id in enumerate(products_of(i, n_lines, product_ids))],
            })
            for j, line in enumerate(orders[-1].line_ids.sorted('sequence')):
                grade, _reason, disposition = mix_of(i, j, n_lines)
                expected[line.id] = (grade, disposition)
        orders.action_approve()
        order_ids.append(orders.ids)
        commit(env)
    print('ours   setup: %d returns x %d lines created and approved in %.1f s'
          % (n_returns, n_lines, time.perf_counter() - t0), flush=True)

    timer = Timer(env.cr)
    for b, ids in enumerate(order_ids):
        orders = Order.browse(ids)
        with timer.step('receive'):
            orders.action_receive()
            commit(env)
        with timer.step('inspect'):
            lines = orders.mapped('line_ids')
            lines.action_inspect()
            inspections = env['overseas.return.inspection'].search(
                [('line_id', 'in', lines.ids), ('state', '=', 'draft')])
            for inspection in inspections:
                inspection.write({
                    'grade_id': grade_ids[expected[inspection.line_id.id][0]],
                    'check_ids': [(1, check.id, {'result': 'pass'})
                                  for check in inspection.check_ids],
                })
            inspections.action_confirm()
            commit(env)
        with timer.step('dispose'):
            orders.mapped('line_ids').action_dispose()
            commit(env)
        done = min((b + 1) * batch, n_returns)
        print('ours   batch %3d/%d: %4d returns done, %6.1f s so far (receive %.1f, inspect %.1f, '
              'dispose %.1f)' % (b + 1, len(order_ids), done, timer.total,
                                 timer.seconds['receive'], timer.seconds['inspect'],
                                 timer.seconds['dispose']), flush=True)

    # check the outcome (not timed)
    lines = env['overseas.return.line'].browse(list(expected))
    bad = [line for line in lines
           if line.state != 'disposed' or line.disposition != expected[line.id][1]]
    if bad:
        raise AssertionError('%d lines not disposed as expected, e.g. line %d: state %s, '
                             'disposition %s, expected %s' % (
                                 len(bad), bad[0].id, bad[0].state, bad[0].disposition,
                                 expected[bad[0].id][1]))
    mix = collections.Counter(d for _g, d in expected.values())
    n_pickings = env['stock.picking'].search_count(
        [('return_order_id', 'in', [i for ids in order_ids for i in ids])])
    n_disp = env['stock.move'].search_count([('return_line_id', 'in', list(expected)),
                                             ('picking_id.picking_type_id', '=',
                                              wh.return_disposition_type_id.id)])
    n_scraps = env['stock.scrap'].search_count([('return_line_id', 'in', list(expected))])
    print('ours   checked: %d lines disposed (%s); %d receipts, %d disposition moves, %d scraps'
          % (len(lines), ', '.join('%s %d' % kv for kv in sorted(mix.items())),
             n_pickings, n_disp, n_scraps), flush=True)
    return timer, mix


# -------------------------------------------------------------------------------- native
def make_picking(env, picking_type, src, dst, product_ids, partner_id, qty=1.0):
    Product = env['product.product']
    picking = env['stock.picking'].create({
        'picking_type_id': picking_type.id,
        'location_id': src.id,
        'location_dest_id': dst.id,
        'partner_id': partner_id,
        'move_lines': [(0, 0, {
            'name': product.name,
            'product_id': product.id,
            'product_uom': product.uom_id.id,
            'product_uom_qty': qty,
            'location_id': src.id,
            'location_dest_id': dst.id,
        }) for product in Product.browse(product_ids)],
    })
    picking.action_confirm()
    picking.action_assign()
    for ml in picking.move_line_ids:
        ml.qty_done = ml.product_uom_qty
    res = picking.button_validate()
    assert res is None or res is True or res is False, 'validation opened a wizard: %r' % (res,)
    assert picking.state == 'done', picking.state
    return picking


def disposal_destinations(wh):
    """Where each disposition other than scrap takes a unit, on both paths."""
    return {
        'restock': wh.lot_stock_id,
        'rework': wh.return_rework_location_id,
        'return_to_origin': wh.return_origin_location_id,
        'donate': wh.return_donation_location_id,
    }


def run_native(env, wh, product_ids, partner_ids, n_returns, n_lines):
    customer = env.ref('stock.stock_location_customers')
    quarantine = wh.return_location_id
    destinations = disposal_destinations(wh)

    # setup (not timed): one done delivery of the return's L products per return
    t0 = time.perf_counter()
    deliveries = []
    for i in range(n_returns):
        deliveries.append(make_picking(
            env, wh.out_type_id, wh.lot_stock_id, customer,
            products_of(i, n_lines, product_ids), partner_ids[i % len(partner_ids)]).id)
        commit(env)
    print('native setup: %d deliveries of %d products done in %.1f s'
          % (n_returns, n_lines, time.perf_counter() - t0), flush=True)

    timer = Timer(env.cr)
    mix = collections.Counter()
    Scrap = env['stock.scrap']
    for i in range(n_returns):
        with timer.step('wizard'):
            ctx = {'active_id': deliveries[i], 'active_ids': [deliveries[i]],
                   'active_model': 'stock.picking'}
            wiz = env['stock.return.picking'].with_context(ctx).create(
                {'location_id': quarantine.id})
            assert len(wiz.product_return_moves) == n_lines, 'nothing to return'
            action = wiz.create_returns()
            picking = env['stock.picking'].browse(action['res_id'])
        with timer.step('validate'):
            for ml in picking.move_line_ids:
                ml.qty_done = ml.product_uom_qty
            res = picking.button_validate()
            assert res is None or res is True or res is False, 'wizard: %r' % (res,)
            assert picking.state == 'done', picking.state
            assert picking.location_dest_id == quarantine, picking.location_dest_id.name
        moves = picking.move_lines
        for j, product_id in enumerate(products_of(i, n_lines, product_ids)):
            disposition = mix_of(i, j, n_lines)[2]
            mix[disposition] += 1
            product = moves.filtered(lambda m: m.product_id.id == product_id)[:1].product_id
            assert product, 'product %d not returned' % product_id
            if disposition == 'scrap':
                with timer.step('scrap'):
                    scrap = Scrap.create({
                        'product_id': product.id, 'product_uom_id': product.uom_id.id,
                        'scrap_qty': 1.0, 'location_id': quarantine.id,
                        'origin': picking.name})
                    res = scrap.action_validate()
                    assert scrap.state == 'done', (scrap.state, res)
            else:
                with timer.step('transfer'):
                    make_picking(env, wh.int_type_id, quarantine, destinations[disposition],
                                 [product.id], False)
        with timer.step('commit'):
            commit(env)
        if (i + 1) % 20 == 0 or i + 1 == n_returns:
            print('native %4d/%d returns done, %6.1f s so far (%s)' % (
                i + 1, n_returns, timer.total,
                ', '.join('%s %.1f' % kv for kv in timer.seconds.items())), flush=True)
    return timer, mix


# ------------------------------------------------------------- odoo's own stock moves
def run_odoo_stock(env, wh, product_ids, partner_ids, n_returns, n_lines, batch):
    """The stock work of ours, done with Odoo's own stock API in the leanest batch it
    allows, none of the desk's code calling it: what Odoo 11 itself costs to make these
    moves. Per batch of returns, in one transaction each like ours: receive (one
    receipt per return from the customer into the quarantine, then confirm, reserve,
    one write of the done quantities and validation for the whole batch), then dispose
    (one stock move per unit to the same destination as ours, confirmed, reserved and
    done together; one validated scrap per scrapped unit). Chatter and tracking are off,
    as on the desk's machine transfers."""
    env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True,
                           mail_create_nolog=True))
    customer = env.ref('stock.stock_location_customers')
    quarantine = wh.return_location_id
    destinations = disposal_destinations(wh)
    Product = env['product.product']
    Move = env['stock.move']
    timer = Timer(env.cr)
    for start in range(0, n_returns, batch):
        returns = range(start, min(start + batch, n_returns))
        with timer.step('receive'):
            receipts = env['stock.picking']
            for i in returns:
                receipts |= env['stock.picking'].create({
                    'picking_type_id': wh.return_type_id.id,
                    'partner_id': partner_ids[i % len(partner_ids)],
                    'location_id': customer.id, 'location_dest_id': quarantine.id,
                    'move_lines': [(0, 0, {
                        'name': product.name, 'product_id': product.id,
                        'product_uom': product.uom_id.id, 'product_uom_qty': 1.0,
                        'location_id': customer.id, 'location_dest_id': quarantine.id,
                    }) for product in Product.browse(products_of(i, n_lines, product_ids))],
                })
            receipts.action_confirm()
            receipts.action_assign()
            receipts.mapped('move_line_ids').write({'qty_done': 1.0})
            receipts.action_done()
            commit(env)
        with timer.step('dispose'):
            moves, scraps = Move, []
            for i in returns:
                for j, product in enumerate(Product.browse(products_of(i, n_lines,
                                                                      product_ids))):
                    disposition = mix_of(i, j, n_lines)[2]
                    if disposition == 'scrap':
                        scraps.append(product)
                        continue
                    moves |= Move.create({
                        'name': product.name, 'product_id': product.id,
                        'product_uom': product.uom_id.id, 'product_uom_qty': 1.0,
                        'location_id': quarantine.id,
                        'location_dest_id': destinations[disposition].id})
            moves._action_confirm()
            moves._action_assign()
            moves.mapped('move_line_ids').write({'qty_done': 1.0})
            moves._action_done()
            for product in scraps:
                env['stock.scrap'].create({
                    'product_id': product.id, 'product_uom_id': product.uom_id.id,
                    'scrap_qty': 1.0, 'location_id': quarantine.id}).action_validate()
            assert set(moves.mapped('state')) == {'done'}, moves.mapped('state')
            commit(env)
    return timer


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-c', '--config', default='odoo.conf')
    ap.add_argument('-d', '--database', required=True)
    ap.add_argument('--returns', type=int, default=200)
    ap.add_argument('--lines', type=int, default=5)
    ap.add_argument('--batch', type=int, default=20, help='returns per transaction (ours)')
    ap.add_argument('--products', type=int, default=0,
                    help='size of the product pool (default 4 x lines)')
    ap.add_argument('--skip-native', action='store_true')
    ap.add_argument('--skip-odoo-stock', action='store_true',
                    help="do not measure Odoo's own batched stock API on the same moves")
    ap.add_argument('--sql-profile', type=int, default=0, metavar='N',
                    help='print the N most repeated queries of each step of ours')
    ap.add_argument('--sql-stack', metavar='REGEX',
                    help='with --sql-profile: the callers of the queries matching REGEX')
    args = ap.parse_args()
    if not args.database.startswith('ort_bench'):
        ap.error('use a scratch database whose name starts with ort_bench')
    n, l = args.returns, args.lines
    n_products = max(args.products or 4 * l, l)

    odoo.tools.config.parse_config(['-c', args.config, '-d', args.database,
                                    '--log-level', 'warn'])
    if args.sql_profile:
        global PROFILE
        PROFILE = SqlProfile(args.sql_stack)
        PROFILE.install()
    registry = odoo.registry(args.database)
    with api.Environment.manage(), registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        wh, product_ids, partner_ids = setup_master_data(
            env, n, l, n_products, stock_per_product=float(n * l + 10))
        print('setup: warehouse %s, %d products, %d customers; %d returns x %d lines, '
              'batches of %d' % (wh.name, len(product_ids), len(partner_ids), n, l, args.batch),
              flush=True)

        ours, mix = run_ours(env, wh, product_ids, partner_ids, n, l, args.batch)
        units = n * l
        ours_rate = units / ours.total
        ours_q = ours.total_queries / float(units)
        print('ours   total %.1f s for %d lines: %.1f lines/s, %.1f ms/line, %.1f queries/line'
              % (ours.total, units, ours_rate, ours.total * 1000 / units, ours_q))
        for step, seconds in ours.seconds.items():
            print('ours     %-9s %7.2f s  %5.1f %%  %7.1f ms/line  %6.1f queries/line' % (
                step, seconds, 100 * seconds / ours.total, seconds * 1000 / units,
                ours.queries[step] / float(units)))
        print('peak RSS after ours: %d MB' % peak_rss_mb(), flush=True)
        if PROFILE:
            PROFILE.report(units, args.sql_profile)
            PROFILE.step = None
            PROFILE.counts.clear()
            PROFILE.stacks.clear()
        if not args.skip_odoo_stock:
            odoo_stock = run_odoo_stock(env, wh, product_ids, partner_ids, n, l, args.batch)
            stock_steps = ('receive', 'dispose')
            ours_stock_s = sum(ours.seconds[s] for s in stock_steps)
            ours_stock_q = sum(ours.queries[s] for s in stock_steps)
            # the last line of this part: Odoo's own cost of the desk's stock moves
            print('bench-odoo-stock: odoo batched %.1f ms/line, %.1f queries/line (receive %.1f, '
                  'dispose %.1f); ours receive+dispose %.1f ms/line, %.1f queries/line'
                  % (odoo_stock.total * 1000 / units, odoo_stock.total_queries / float(units),
                     odoo_stock.queries['receive'] / float(units),
                     odoo_stock.queries['dispose'] / float(units),
                     ours_stock_s * 1000 / units, ours_stock_q / float(units)), flush=True)
        if args.skip_native:
            print('bench: ours %.1f lines/s, queries/line %d, peak RSS %d MB (native skipped)'
                  % (ours_rate, round(ours_q), peak_rss_mb()))
            return 0

        native, native_mix = run_native(env, wh, product_ids, partner_ids, n, l)
        assert native_mix == mix, (native_mix, mix)
        native_rate = units / native.total
        print('native total %.1f s for %d lines: %.1f lines/s, %.1f ms/line, %.1f queries/line'
              % (native.total, units, native_rate, native.total * 1000 / units,
                 native.total_queries / float(units)))
        for step, seconds in native.seconds.items():
            print('native   %-9s %7.2f s  %5.1f %%  %7.1f ms/line  %6.1f queries/line' % (
                step, seconds, 100 * seconds / native.total, seconds * 1000 / units,
                native.queries[step] / float(units)))
        print('dispositions per path: %s' % ', '.join('%s %d' % kv for kv in sorted(mix.items())))
        ratio = ours_rate / native_rate
        print('bench: ours %.1f lines/s, native %.1f lines/s, ratio %.1f, queries/line %d, '
              'peak RSS %d MB' % (ours_rate, native_rate, ratio, round(ours_q), peak_rss_mb()),
              flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
