from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import OrderedSet
from odoo.addons.overseas_returns.models.overseas_return_grade import DISPOSITIONS
from odoo.addons.overseas_returns.models.overseas_return_order_mail import FEEDBACK_RATINGS
from odoo.addons.overseas_returns.models.overseas_return_reason import FAULT_PARTIES

RETURN_METHODS = [
    ('ship_back', 'Shipped back by the customer'),
    ('pickup', 'Carrier pick-up'),
    ('drop_off', 'Drop-off point'),
    ('returnless', 'Returnless (refund only)'),
]
LINE_STATES = [
    ('draft', 'Waiting'),
    ('received', 'Received'),
    ('inspected', 'Inspected'),
    ('disposed', 'Disposed'),
]
ORDER_STATES = [
    ('draft', 'Draft'),
    ('approved', 'Approved'),
    ('received', 'Received'),
    ('inspected', 'Inspected'),
    ('done', 'Done'),
    ('rejected', 'Rejected'),
    ('cancel', 'Cancelled'),
]



def _ensure_server(model):
    """The SQL views are (re)built by the server itself (install, upgrade), as the
    superuser; no user rebuilds them (DDL) over RPC."""
    if model.env.uid != SUPERUSER_ID:
        raise AccessError(_('Only the server rebuilds the report views.'))


def no_jit(cr):
    """PostgreSQL's JIT compiles the long report queries for seconds (their estimated
    cost is high, their run is short): off for the rest of this transaction."""
    cr.execute('SET LOCAL jit = off')


# the head of the report views over return lines: each line with its return
LINE_ORDER_FROM = """
    FROM overseas_return_line l
    JOIN overseas_return_order o ON o.id = l.order_id
"""


def create_report_view(model, select, from_clause='', where=''):
    """(Re)create the SQL view of a read-only report model (install/upgrade only)."""
    _ensure_server(model)
    tools.drop_view_if_exists(model.env.cr, model._table)
    model.env.cr.execute('CREATE OR REPLACE VIEW %s AS (%s %s %s)' % (
        model._table, select, from_clause, where))


# Pre-aggregated relations over the report rows. Each is (dimensions, measures, rows):
# ``rows`` selects, from a relation of report rows (%(source)s, alias r), one signed
# row per report row (%(sign)s: 1, or -1 to take a row out); the materialized
# relation is its sum per dimensions over the materialized rows. The current figures
# are the materialized sums, plus the live rows of the returns changed since the last
# refresh, minus their materialized rows (see OverseasReturnReport._aggregate).
# the report's fields summed (or averaged) by the cube
CUBE_SUMS = ('product_qty', 'qty_received', 'amount_original', 'amount_refunded',
             'cost_value', 'amount_recovered', 'processing_days', 'feedback_score')
VALID_ORDER = "r.order_state NOT IN ('cancel', 'rejected')"
AGGREGATES = {
    # the pivot and graph (read_group) on the dimensions users group and filter by
    'cube': (
        ['company_id', 'currency_id', 'date', 'warehouse_id', 'channel_id', 'reason_id',
         'reason_category_id', 'fault_party', 'categ_id', 'state', 'order_state'],
        ['id', 'line_count', 'product_qty', 'qty_received', 'amount_original',
         'amount_refunded', 'cost_value', 'amount_recovered', 'processing_days_sum',
         'processing_days_n', 'feedback_score_sum', 'feedback_score_n'],
        """SELECT r.company_id, r.currency_id, r.date, r.warehouse_id, r.channel_id,
                  r.reason_id, r.reason_category_id, r.fault_party, r.categ_id, r.state,
                  r.order_state, r.id, %(sign)s AS line_count,
                  (%(sign)s * r.product_qty)::float8 AS product_qty,
                  (%(sign)s * r.qty_received)::float8 AS qty_received,
                  (%(sign)s * r.amount_original)::float8 AS amount_original,
                  (%(sign)s * r.amount_refunded)::float8 AS amount_refunded,
                  (%(sign)s * r.cost_value)::float8 AS cost_value,
                  (%(sign)s * r.amount_recovered)::float8 AS amount_recovered,
                  (%(sign)s * COALESCE(r.processing_days, 0))::float8 AS processing_days_sum,
                  %(sign)s * (r.processing_days IS NOT NULL)::integer AS processing_days_n,
                  (%(sign)s * COALESCE(r.feedback_score, 0))::float8 AS feedback_score_sum,
                  %(sign)s * (r.feedback_score IS NOT NULL)::integer AS feedback_score_n
             FROM %(source)s r"""),
    # the KPI dashboard: line figures per day and reason of valid returns
    'kpi_lines': (
        ['company_id', 'date', 'reason_id'],
        ['line_count', 'units', 'qty_finished', 'qty_restocked', 'amount_original',
         'amount_refunded', 'finished_cost', 'amount_recovered', 'processing_days_sum',
         'processing_days_n'],
        """SELECT r.company_id, r.date, r.reason_id, %(sign)s AS line_count,
                  (%(sign)s * COALESCE(r.product_qty, 0))::float8 AS units,
                  (%(sign)s * CASE WHEN f.finished THEN COALESCE(r.qty_received, 0)
                                   ELSE 0 END)::float8 AS qty_finished,
                  (%(sign)s * CASE WHEN f.finished AND f.restocked
                                   THEN COALESCE(r.qty_received, 0) ELSE 0 END)::float8
                      AS qty_restocked,
                  (%(sign)s * COALESCE(r.amount_original, 0))::float8 AS amount_original,
                  (%(sign)s * COALESCE(r.amount_refunded, 0))::float8 AS amount_refunded,
                  (%(sign)s * CASE WHEN f.finished THEN COALESCE(r.cost_value, 0)
                                   ELSE 0 END)::float8 AS finished_cost,
                  (%(sign)s * COALESCE(r.amount_recovered, 0))::float8 AS amount_recovered,
                  (%(sign)s * COALESCE(r.processing_days, 0))::float8 AS processing_days_sum,
                  %(sign)s * (r.processing_days IS NOT NULL)::integer AS processing_days_n
             FROM %(source)s r
             CROSS JOIN LATERAL (SELECT
                 (r.state = 'disposed' AND (r.rework_state IS NULL
                                            OR r.rework_state = 'done')) AS finished,
                 ((r.disposition = 'restock' AND r.state = 'disposed')
                  OR (r.disposition = 'rework' AND r.rework_state = 'done')) AS restocked
             ) f
            WHERE """ + VALID_ORDER),
    # the KPI dashboard: order figures per day of valid returns
    'kpi_orders': (
        ['company_id', 'date'],
        ['order_count', 'returnless_count', 'refunded_count', 'partial_refund_count'],
        """SELECT o.company_id, o.date, %(sign)s AS order_count,
                  %(sign)s * (o.return_method = 'returnless')::integer AS returnless_count,
                  %(sign)s * (o.refunded > 0.005)::integer AS refunded_count,
                  %(sign)s * (o.refunded > 0.005
                              AND o.refunded < o.original - 0.005)::integer
                      AS partial_refund_count
             FROM (SELECT r.order_id, r.company_id, r.date,
                          MIN(r.return_method) AS return_method,
                          COALESCE(SUM(r.amount_original), 0) AS original,
                          COALESCE(SUM(r.amount_refunded), 0) AS refunded
                     FROM %(source)s r WHERE """ + VALID_ORDER + """
                    GROUP BY r.order_id, r.company_id, r.date) o"""),
    # the KPI dashboard: processing times (to the minute) per day, for the percentile
    'kpi_days': (
        ['company_id', 'date', 'days'],
        ['line_count'],
        """SELECT r.company_id, r.date,
                  (round((r.processing_days * 1440)::numeric) / 1440)::float8 AS days,
                  %(sign)s AS line_count
             FROM %(source)s r
            WHERE r.processing_days IS NOT NULL AND """ + VALID_ORDER),
    # the KPI dashboard: units in quarantine per time of receipt
    'kpi_aging': (
        ['company_id', 'date_received'],
        ['line_count', 'qty', 'value'],
        """SELECT r.company_id, r.date_received, %(sign)s AS line_count,
                  (%(sign)s * COALESCE(r.qty_received, 0))::float8 AS qty,
                  (%(sign)s * COALESCE(r.cost_value, 0))::float8 AS value
             FROM %(source)s r
            WHERE r.state IN ('received', 'inspected') AND r.date_received IS NOT NULL
              AND """ + VALID_ORDER),
}


class OverseasReturnReport(models.Model):
    """One row per return line: reasons, outcome, refund and recovery (read-only)."""

    _name = 'overseas.return.report'
    _description = 'Overseas Returns Analysis'
    _auto = False
    _rec_name = 'date'
    _order = 'date desc, id desc'

    order_id = fields.Many2one('overseas.return.order', string='Return', readonly=True)
    state = fields.Selection(LINE_STATES, string='Line Status', readonly=True)
    order_state = fields.Selection(ORDER_STATES, string='Return Status', readonly=True)
    date = fields.Date(string='Request Date', readonly=True,
                       help='When the customer asked for the return.')
    date_received = fields.Datetime(string='Received On', readonly=True)
    date_done = fields.Datetime(string='Done On', readonly=True)
    date_disposed = fields.Datetime(string='Disposed On', readonly=True)
    reason_id = fields.Many2one('overseas.return.reason', string='Reason', readonly=True)
    reason_category_id = fields.Many2one('overseas.return.reason.category',
                                         string='Reason Category', readonly=True)
    fault_party = fields.Selection(FAULT_PARTIES, readonly=True)
    product_id = fields.Many2one('product.product', string='Product', readonly=True)
    product_tmpl_id = fields.Many2one('product.template', string='Product Template',
                                      readonly=True)
    categ_id = fields.Many2one('product.category', string='Product Category',
                               readonly=True)
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    channel_id = fields.Many2one(
        'overseas.return.channel', string='Sales Channel', readonly=True,
        help="The return's channel, else the channel of its sale order.")
    delivery_move_id = fields.Many2one(
        'stock.move', string='Original Delivery Move', readonly=True,
        help='The delivery move the received goods are an Odoo return of.')
    delivery_id = fields.Many2one('stock.picking', string='Original Delivery',
                                  readonly=True)
    partner_id = fields.Many2one('res.partner', string='Customer', readonly=True)
    country_id = fields.Many2one('res.country', string='Customer Country', readonly=True)
    grade_id = fields.Many2one('overseas.return.grade', string='Grade', readonly=True)
    disposition = fields.Selection(DISPOSITIONS, readonly=True)
    rework_state = fields.Selection([('in_progress', 'In rework'), ('done', 'Reworked')],
                                    readonly=True)
    return_method = fields.Selection(RETURN_METHODS, readonly=True)
    feedback_rating = fields.Selection(FEEDBACK_RATINGS, string='Customer Rating',
                                       readonly=True)
    feedback_score = fields.Float(
        string='Average Rating', readonly=True, group_operator='avg',
        help="The customer's 1-5 rating of the return, for returns that were rated.")
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    currency_id = fields.Many2one('res.currency', string='Company Currency',
                                  readonly=True)
    product_qty = fields.Float(string='Returned Qty', readonly=True)
    qty_received = fields.Float(string='Received Qty', readonly=True)
    amount_original = fields.Monetary(
        string='Original Value', readonly=True,
        help='Value of the returned goods at the sale price, in company currency.')
    amount_refunded = fields.Monetary(
        string='Refunded', readonly=True,
        help='Open or paid customer credit notes for this line, untaxed, in company '
             'currency; the lines of a credit note for the whole return (a return label '
             'fee, missing parts, goodwill) are shared among its lines by their value.')
    cost_value = fields.Monetary(
        string='Value at Cost', readonly=True,
        help='Received quantity at the product cost.')
    amount_recovered = fields.Monetary(
        string='Recovered Value', readonly=True,
        help='Units back in sellable stock (restocked, or reworked and finished) at cost.')
    processing_days = fields.Float(
        string='Processing Days', readonly=True, group_operator='avg',
        help='Days from receipt to the goods reaching their final place.')

    @api.model
    def _select(self):
        return """
            SELECT
                l.id AS id,
                l.order_id AS order_id,
                l.state AS state,
                o.state AS order_state,
                COALESCE(o.date_requested, o.create_date::date) AS date,
                o.date_received AS date_received,
                o.date_done AS date_done,
                l.date_disposed AS date_disposed,
                l.reason_id AS reason_id,
                l.reason_category_id AS reason_category_id,
                l.fault_party AS fault_party,
                l.product_id AS product_id,
                p.product_tmpl_id AS product_tmpl_id,
                t.categ_id AS categ_id,
                o.warehouse_id AS warehouse_id,
                COALESCE(o.channel_id, so.channel_id) AS channel_id,
                rl.move_id AS delivery_move_id,
                dmv.picking_id AS delivery_id,
                o.partner_id AS partner_id,
                rp.country_id AS country_id,
                l.grade_id AS grade_id,
                l.disposition AS disposition,
                l.rework_state AS rework_state,
                o.return_method AS return_method,
                o.feedback_rating AS feedback_rating,
                o.feedback_rating::integer AS feedback_score,
                o.company_id AS company_id,
                c.currency_id AS currency_id,
                l.product_qty AS product_qty,
                l.qty_received AS qty_received,
                CASE WHEN o.currency_id IS NULL OR o.currency_id = c.currency_id
                     THEN COALESCE(l.price_subtotal, 0)
                     ELSE COALESCE(l.price_subtotal, 0) * COALESCE((
                         SELECT r.rate FROM res_currency_rate r
                          WHERE r.currency_id = c.currency_id
                            AND (r.company_id IS NULL OR r.company_id = o.company_id)
                            AND r.name <= COALESCE(o.date_requested, o.create_date::date)
                          ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1), 1.0)
                        / COALESCE((
                         SELECT NULLIF(r.rate, 0) FROM res_currency_rate r
                          WHERE r.currency_id = o.currency_id
                            AND (r.company_id IS NULL OR r.company_id = o.company_id)
                            AND r.name <= COALESCE(o.date_requested, o.create_date::date)
                          ORDER BY r.company_id NULLS LAST, r.name DESC LIMIT 1), 1.0)
                END AS amount_original,
                COALESCE(rf.amount, 0) + COALESCE(rfo.amount, 0) * CASE
                    WHEN lv.value > 0 THEN COALESCE(l.price_subtotal, 0) / lv.value
                    ELSE 1.0 / lv.lines END AS amount_refunded,
                COALESCE(l.qty_received, 0) * COALESCE(pc.cost, 0) AS cost_value,
                CASE WHEN (l.disposition = 'restock' AND l.state = 'disposed')
                       OR (l.disposition = 'rework' AND l.rework_state = 'done')
                     THEN COALESCE(l.qty_received, 0) * COALESCE(pc.cost, 0)
                     ELSE 0 END AS amount_recovered,
                CASE WHEN l.date_disposed IS NOT NULL AND o.date_received IS NOT NULL
                     THEN EXTRACT(EPOCH FROM (l.date_disposed - o.date_received)) / 86400.0
                END AS processing_days
        """

    @api.model
    def _from_head(self):
        """The joins every row is made of, shared by the live and materialized rows."""
        return """
            FROM overseas_return_line l
            JOIN overseas_return_order o ON o.id = l.order_id
            JOIN res_company c ON c.id = o.company_id
            JOIN product_product p ON p.id = l.product_id
            JOIN product_template t ON t.id = p.product_tmpl_id
            LEFT JOIN res_partner rp ON rp.id = o.partner_id
            LEFT JOIN sale_order so ON so.id = o.sale_order_id
        """

    @api.model
    def _from_live(self):
        """The same rows, each line's receipt, refunds and cost looked up by index: fast
        for the few returns changed since the last refresh of the materialized layer."""
        return self._from_head() + """
            LEFT JOIN LATERAL (
                SELECT MIN(rm.origin_returned_move_id) AS move_id
                  FROM stock_move rm
                 WHERE rm.return_line_id = l.id AND rm.state = 'done'
                   AND rm.origin_returned_move_id IS NOT NULL
            ) rl ON TRUE
            LEFT JOIN stock_move dmv ON dmv.id = rl.move_id
            LEFT JOIN LATERAL (
                SELECT -SUM(ail.price_subtotal_signed) AS amount
                  FROM account_invoice_line ail
                  JOIN account_invoice ai ON ai.id = ail.invoice_id
                 WHERE ail.return_line_id = l.id
                   AND ai.type = 'out_refund' AND ai.state IN ('open', 'paid')
            ) rf ON TRUE
            LEFT JOIN LATERAL (
                SELECT -SUM(ail.price_subtotal_signed) AS amount
                  FROM account_invoice_line ail
                  JOIN account_invoice ai ON ai.id = ail.invoice_id
                 WHERE ai.overseas_return_id = o.id AND ail.return_line_id IS NULL
                   AND ai.type = 'out_refund' AND ai.state IN ('open', 'paid')
            ) rfo ON TRUE
            LEFT JOIN LATERAL (
                SELECT SUM(ol.price_subtotal) AS value, COUNT(*) AS lines
                  FROM overseas_return_line ol WHERE ol.order_id = o.id
            ) lv ON TRUE
            LEFT JOIN LATERAL (
                SELECT MAX(ip.value_float) AS cost
                  FROM ir_property ip
                 WHERE ip.res_id = 'product.product,' || l.product_id
                   AND ip.name = 'standard_price' AND ip.company_id = o.company_id
            ) pc ON TRUE
        """

    @api.model
    def _from(self):
        return self._from_head() + """
            LEFT JOIN (
                SELECT rm.return_line_id AS line_id,
                       MIN(rm.origin_returned_move_id) AS move_id
                  FROM stock_move rm
                 WHERE rm.return_line_id IS NOT NULL AND rm.state = 'done'
                   AND rm.origin_returned_move_id IS NOT NULL
                 GROUP BY rm.return_line_id
            ) rl ON rl.line_id = l.id
            LEFT JOIN stock_move dmv ON dmv.id = rl.move_id
            LEFT JOIN (
                SELECT ail.return_line_id AS return_line_id,
                       -SUM(ail.price_subtotal_signed) AS amount
                  FROM account_invoice_line ail
                  JOIN account_invoice ai ON ai.id = ail.invoice_id
                 WHERE ai.type = 'out_refund' AND ai.state IN ('open', 'paid')
                   AND ail.return_line_id IS NOT NULL
                 GROUP BY ail.return_line_id
            ) rf ON rf.return_line_id = l.id
            LEFT JOIN (
                SELECT ai.overseas_return_id AS order_id,
                       -SUM(ail.price_subtotal_signed) AS amount
                  FROM account_invoice_line ail
                  JOIN account_invoice ai ON ai.id = ail.invoice_id
                 WHERE ai.type = 'out_refund' AND ai.state IN ('open', 'paid')
                   AND ai.overseas_return_id IS NOT NULL AND ail.return_line_id IS NULL
                 GROUP BY ai.overseas_return_id
            ) rfo ON rfo.order_id = o.id
            LEFT JOIN (
                SELECT ol.order_id, SUM(ol.price_subtotal) AS value, COUNT(*) AS lines
                  FROM overseas_return_line ol GROUP BY ol.order_id
            ) lv ON lv.order_id = o.id
            LEFT JOIN (
                SELECT split_part(ip.res_id, ',', 2)::integer AS product_id,
                       ip.company_id AS company_id,
                       MAX(ip.value_float) AS cost
                  FROM ir_property ip
                 WHERE ip.name = 'standard_price'
                   AND ip.res_id LIKE 'product.product,%'
                 GROUP BY 1, 2
            ) pc ON pc.product_id = l.product_id AND pc.company_id = o.company_id
        """

    @api.model
    def _where(self):
        return ''

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC.

        Relations: ``overseas_return_report_mat``, every row materialized (with
        indexes), refreshed by a cron and on demand; ``overseas_return_report_live``, the
        rows computed from the documents; the model's view reads the materialized rows of
        the returns unchanged since the last refresh and the live rows of the others.
        Triggers on the documents a row is made of (returns, lines, their stock moves,
        refund lines and invoices) record which returns changed
        (``overseas_return_report_dirty``), so the report is always current. Product
        costs, currency rates, customers' countries and sale channels changed later
        reach the report at the next refresh.

        The pre-aggregated relations of AGGREGATES (``overseas_return_report_<name>_mat``)
        are summed from the materialized rows at each refresh; their current figures
        are corrected with the rows of the changed returns (see _aggregate).
        """
        _ensure_server(self)
        cr = self.env.cr
        for name in AGGREGATES:
            cr.execute('DROP MATERIALIZED VIEW IF EXISTS overseas_return_report_%s_mat' % name)
        for view in (self._table, 'overseas_return_report_dirty_live',
                     'overseas_return_report_dirty_mat', 'overseas_return_report_live'):
            tools.drop_view_if_exists(cr, view)
        cr.execute('DROP MATERIALIZED VIEW IF EXISTS overseas_return_report_mat')
        cr.execute("""
            CREATE TABLE IF NOT EXISTS overseas_return_report_dirty (
                order_id integer PRIMARY KEY)
        """)
        cr.execute('CREATE OR REPLACE VIEW overseas_return_report_live AS (%s %s %s)' % (
            self._select(), self._from_live(), self._where()))
        cr.execute('LOCK TABLE overseas_return_report_dirty IN EXCLUSIVE MODE')
        cr.execute('CREATE MATERIALIZED VIEW overseas_return_report_mat AS (%s %s %s)' % (
            self._select(), self._from(), self._where()))
        cr.execute('DELETE FROM overseas_return_report_dirty')
        for name, columns in (('id', 'id'), ('order', 'order_id'),
                              ('company_date', 'company_id, date')):
            cr.execute('CREATE %sINDEX overseas_return_report_mat_%s_idx '
                       'ON overseas_return_report_mat (%s)'
                       % ('UNIQUE ' if name == 'id' else '', name, columns))
        self._create_dirty_triggers()
        # the rows of the changed returns: live, and as they were materialized
        cr.execute("""
            CREATE VIEW overseas_return_report_dirty_live AS (
                -- per changed return, its lines by index (OFFSET 0: planned per return,
                -- never the live rows of every line filtered afterwards)
                SELECT v.* FROM overseas_return_report_dirty d
                 CROSS JOIN LATERAL (
                    SELECT * FROM overseas_return_report_live lv
                     WHERE lv.order_id = d.order_id OFFSET 0) v);
            CREATE VIEW overseas_return_report_dirty_mat AS (
                SELECT m.* FROM overseas_return_report_dirty d
                  JOIN overseas_return_report_mat m ON m.order_id = d.order_id)
        """)
        cr.execute("""
            CREATE OR REPLACE VIEW %s AS (
                SELECT m.* FROM overseas_return_report_mat m
                 WHERE NOT EXISTS (SELECT 1 FROM overseas_return_report_dirty d
                                    WHERE d.order_id = m.order_id)
                UNION ALL
                SELECT * FROM overseas_return_report_dirty_live
            )""" % self._table)
        for name, (dimensions, measures, _rows) in AGGREGATES.items():
            cr.execute('CREATE MATERIALIZED VIEW overseas_return_report_%s_mat AS (%s)'
                       % (name, self._aggregate_sql(name)))
            cr.execute('CREATE INDEX overseas_return_report_%s_mat_idx '
                       'ON overseas_return_report_%s_mat (%s)'
                       % (name, name, ', '.join(dimensions[:2])))

    @api.model
    def _aggregate_sql(self, name, source='overseas_return_report_mat'):
        """The rows of the pre-aggregated relation ``name`` summed from ``source``."""
        dimensions, measures, rows = AGGREGATES[name]
        return 'SELECT %s, %s FROM (%s) x GROUP BY %s' % (
            ', '.join(dimensions),
            ', '.join('%s(x.%s) AS %s' % ('MIN' if m == 'id' else 'SUM', m, m)
                      for m in measures),
            rows % {'source': source, 'sign': 1}, ', '.join(dimensions))

    @api.model
    def _aggregate(self, name):
        """SQL of the current rows of the pre-aggregated relation ``name`` (for a FROM):
        the materialized sums, plus the live rows of the returns changed since the
        refresh, minus their materialized rows. Several rows share the same dimensions:
        sum them (and, for a count, leave out the groups whose ``line_count`` is 0)."""
        dimensions, measures, rows = AGGREGATES[name]
        columns = ', '.join(dimensions + measures)
        return '(SELECT %s FROM overseas_return_report_%s_mat UNION ALL %s UNION ALL %s)' % (
            columns, name,
            'SELECT %s FROM (%s) p' % (columns, rows % {
                'source': 'overseas_return_report_dirty_live', 'sign': 1}),
            'SELECT %s FROM (%s) n' % (columns, rows % {
                'source': 'overseas_return_report_dirty_mat', 'sign': -1}))

    # ------------------------------------------------------------------ pivot
    @api.model
    def _read_group_cube(self, domain, fields, groupby, orderby):
        """Whether read_group can be answered from the pre-aggregated cube: every field
        filtered, grouped, ordered or summed is one of its dimensions or sums."""
        dimensions, _measures, _rows = AGGREGATES['cube']
        allowed = set(dimensions) | set(CUBE_SUMS) | {'__count', 'id'}
        if not fields:
            return False
        names = {f.split(':')[0] for f in fields}
        # filters and groups: on the cube's dimensions only (its sums are not columns
        # of the cube: a filter on processing_days reads the lines)
        filtered = set()
        for leaf in domain or []:
            if isinstance(leaf, (list, tuple)):
                if not isinstance(leaf[0], str):
                    return False
                filtered.add(leaf[0])
        groupby = [groupby] if isinstance(groupby, str) else list(groupby or [])
        filtered |= {gb.split(':')[0] for gb in groupby}
        if not filtered <= set(dimensions):
            return False
        for term in (orderby or '').split(','):
            if term.strip():
                names.add(term.split()[0].split(':')[0])
        return names <= allowed

    @api.model
    def _read_group_raw(self, domain, fields, groupby, offset=0, limit=None,
                        orderby=False, lazy=True):
        """The pivot and graph at a million lines: groups on the cube's dimensions are
        summed from the pre-aggregated cube (AGGREGATES['cube']) instead of the lines.
        Same query as Odoo's, over the cube, with counts and averages from its sums."""
        no_jit(self._cr)
        if not self._read_group_cube(domain, fields, groupby, orderby):
            return super(OverseasReturnReport, self)._read_group_raw(
                domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
                lazy=lazy)
        self.check_access_rights('read')
        query = self._where_calc(domain)
        groupby = [groupby] if isinstance(groupby, str) else list(OrderedSet(groupby))
        groupby_list = groupby[:1] if lazy else groupby
        annotated_groupbys = [self._read_group_process_groupby(gb, query)
                              for gb in groupby_list]
        groupby_fields = [g['field'] for g in annotated_groupbys]
        order = orderby or ','.join(groupby_list)
        groupby_dict = {gb['groupby']: gb for gb in annotated_groupbys}
        self._apply_ir_rules(query, 'read')
        aggregated_fields = [f for f in fields if f in CUBE_SUMS and f not in groupby_fields]
        table = '"%s"' % self._table
        select_terms = []
        for name in aggregated_fields:
            if self._fields[name].group_operator == 'avg':
                select_terms.append('SUM(%s.%s_sum) / NULLIF(SUM(%s.%s_n), 0) AS "%s"'
                                    % (table, name, table, name, name))
            else:
                select_terms.append('SUM(%s.%s) AS "%s"' % (table, name, name))
        for gb in annotated_groupbys:
            select_terms.append('%s AS "%s"' % (gb['qualified_field'], gb['groupby']))
        groupby_terms, orderby_terms = self._read_group_prepare(
            order, aggregated_fields, annotated_groupbys, query)
        from_clause, where_clause, where_params = query.get_sql()
        assert from_clause.startswith(table)
        from_clause = '%s AS %s%s' % (self._aggregate('cube'), table,
                                     from_clause[len(table):])
        if lazy and (len(groupby_fields) >= 2
                     or not self._context.get('group_by_no_leaf')):
            count_field = groupby_fields[0] if groupby_fields else '_'
        else:
            count_field = '_'
        count_field += '_count'
        self._cr.execute("""
            SELECT MIN(%(table)s.id) AS id, SUM(%(table)s.line_count)::bigint AS "%(count)s"
                   %(select)s
              FROM %(from)s %(where)s %(groupby)s
             %(orderby)s %(limit)s %(offset)s
        """ % {
            'table': table, 'count': count_field,
            'select': ''.join(', ' + term for term in select_terms),
            'from': from_clause, 'where': ('WHERE %s' % where_clause) if where_clause else '',
            'groupby': ('GROUP BY %s HAVING SUM(%s.line_count) <> 0' % (
                ', '.join(groupby_terms), table)) if groupby_terms else '',
            'orderby': ('ORDER BY %s' % ', '.join(orderby_terms)) if orderby_terms else '',
            'limit': ('LIMIT %d' % int(limit)) if limit else '',
            'offset': ('OFFSET %d' % int(offset)) if limit and offset else '',
        }, where_params)
        fetched_data = self._cr.dictfetchall()
        if not groupby_fields:
            for row in fetched_data:
                row[count_field] = row[count_field] or 0
            return fetched_data
        self._read_group_resolve_many2one_fields(fetched_data, annotated_groupbys)
        data = ({k: self._read_group_prepare_data(k, v, groupby_dict) for k, v in r.items()}
                for r in fetched_data)
        result = [self._read_group_format_result(d, annotated_groupbys, groupby, domain)
                  for d in data]
        if lazy:
            result = self._read_group_fill_results(
                domain, groupby_fields[0], groupby[len(annotated_groupbys):],
                aggregated_fields, count_field, result, read_group_order=order)
        return result

    @api.model_cr
    def _create_dirty_triggers(self):
        """Row triggers marking the returns whose report rows changed (see init)."""
        cr = self.env.cr
        cr.execute("""
            CREATE OR REPLACE FUNCTION overseas_return_report_mark(ids integer[])
            RETURNS void LANGUAGE sql AS $$
                INSERT INTO overseas_return_report_dirty (order_id)
                SELECT DISTINCT i FROM unnest(ids) i WHERE i IS NOT NULL
                    ON CONFLICT DO NOTHING
            $$;
            CREATE OR REPLACE FUNCTION overseas_return_report_mark_order()
            RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    PERFORM overseas_return_report_mark(ARRAY[OLD.id]);
                ELSE
                    PERFORM overseas_return_report_mark(ARRAY[NEW.id]);
                END IF;
                RETURN NULL;
            END $$;
            CREATE OR REPLACE FUNCTION overseas_return_report_mark_line()
            RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    PERFORM overseas_return_report_mark(ARRAY[NEW.order_id]);
                ELSIF TG_OP = 'DELETE' THEN
                    PERFORM overseas_return_report_mark(ARRAY[OLD.order_id]);
                ELSE
                    PERFORM overseas_return_report_mark(ARRAY[OLD.order_id, NEW.order_id]);
                END IF;
                RETURN NULL;
            END $$;
            -- documents pointing at a return line (stock moves, refund lines)
            CREATE OR REPLACE FUNCTION overseas_return_report_mark_return_line()
            RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                line_ids integer[];
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    line_ids := ARRAY[NEW.return_line_id];
                ELSIF TG_OP = 'DELETE' THEN
                    line_ids := ARRAY[OLD.return_line_id];
                ELSE
                    line_ids := ARRAY[OLD.return_line_id, NEW.return_line_id];
                END IF;
                PERFORM overseas_return_report_mark(ARRAY(
                    SELECT l.order_id FROM overseas_return_line l
                     WHERE l.id = ANY(line_ids)));
                RETURN NULL;
            END $$;
            CREATE OR REPLACE FUNCTION overseas_return_report_mark_invoice()
            RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM overseas_return_report_mark(ARRAY(
                    SELECT l.order_id FROM account_invoice_line ail
                      JOIN overseas_return_line l ON l.id = ail.return_line_id
                     WHERE ail.invoice_id = NEW.id));
                RETURN NULL;
            END $$;
        """)
        triggers = [
            ('overseas_return_order', 'order',
             'AFTER INSERT OR UPDATE OR DELETE', 'overseas_return_report_mark_order', ''),
            ('overseas_return_line', 'line',
             'AFTER INSERT OR UPDATE OR DELETE', 'overseas_return_report_mark_line', ''),
        ]
        for table in ('stock_move', 'account_invoice_line'):
            triggers += [
                (table, 'ins', 'AFTER INSERT', 'overseas_return_report_mark_return_line',
                 'WHEN (NEW.return_line_id IS NOT NULL)'),
                (table, 'upd', 'AFTER UPDATE', 'overseas_return_report_mark_return_line',
                 'WHEN (NEW.return_line_id IS NOT NULL OR OLD.return_line_id IS NOT NULL)'),
                (table, 'del', 'AFTER DELETE', 'overseas_return_report_mark_return_line',
                 'WHEN (OLD.return_line_id IS NOT NULL)'),
            ]
        triggers.append(('account_invoice', 'state', 'AFTER UPDATE',
                         'overseas_return_report_mark_invoice',
                         'WHEN (OLD.state IS DISTINCT FROM NEW.state '
                         'OR OLD.type IS DISTINCT FROM NEW.type)'))
        for table, suffix, when, function, condition in triggers:
            name = '%s_report_%s_trg' % (table, suffix)
            cr.execute('DROP TRIGGER IF EXISTS %s ON %s' % (name, table))
            cr.execute('CREATE TRIGGER %s %s ON %s FOR EACH ROW %s EXECUTE PROCEDURE %s()'
                       % (name, when, table, condition, function))

    @api.model
    def refresh_materialized(self):
        """Bring the materialized rows up to date (the cron, or a returns manager on
        demand). Returns waiting to be changed by others are waited for (the table of
        changed returns is locked), so no change is lost between refresh and reset."""
        if self.env.uid != SUPERUSER_ID and not self.env.user.has_group(
                'overseas_returns.group_returns_manager'):
            raise AccessError(_('Only returns managers can refresh the returns reports.'))
        cr = self.env.cr
        cr.execute('LOCK TABLE overseas_return_report_dirty IN EXCLUSIVE MODE')
        cr.execute('REFRESH MATERIALIZED VIEW CONCURRENTLY overseas_return_report_mat')
        cr.execute('DELETE FROM overseas_return_report_dirty')
        cr.execute('ANALYZE overseas_return_report_mat')
        cr.execute('ANALYZE overseas_return_report_dirty')
        for name in AGGREGATES:
            cr.execute('REFRESH MATERIALIZED VIEW overseas_return_report_%s_mat' % name)
            cr.execute('ANALYZE overseas_return_report_%s_mat' % name)
        self.env['overseas.return.rate.report']._refresh_materialized()
        return True
