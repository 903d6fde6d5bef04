from odoo import api, fields, models, tools

from .overseas_return_report import _ensure_server, no_jit

CONTROLLABLE_FAULT_PARTIES = ('seller', 'warehouse', 'carrier')


class OverseasReturnRateReport(models.Model):
    """Units delivered out of a warehouse against units returned from those deliveries.

    Rows are per product, channel, warehouse and delivery day; returned units count in
    the cohort of the delivery they came from (not on the day they came back).  A
    return line is linked to its delivery by Odoo's own return link: its done receipt
    moves' origin_returned_move_id (set when the goods are received).  The channel is
    the delivery's sale order's, for delivered and returned units alike.
    Returns without that link (no delivery found, not received, returnless) are left
    out of the rate.
    """

    _name = 'overseas.return.rate.report'
    _description = 'Overseas Return Rate Analysis'
    _auto = False
    _rec_name = 'date'
    _order = 'date desc, id desc'

    date = fields.Date(string='Delivery Date', readonly=True)
    product_id = fields.Many2one('product.product', string='Product', readonly=True)
    product_tmpl_id = fields.Many2one('product.template', string='Product Template',
                                      readonly=True)
    categ_id = fields.Many2one('product.category', string='Product Category',
                               readonly=True)
    channel_id = fields.Many2one(
        'overseas.return.channel', string='Sales Channel', readonly=True,
        help="The sales channel of the sale order the goods were delivered for.")
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    qty_delivered = fields.Float(string='Delivered Qty', readonly=True)
    qty_returned = fields.Float(string='Returned Qty', readonly=True)
    qty_returned_controllable = fields.Float(
        string='Controllable Returned Qty', readonly=True,
        help='Returned units the seller, the warehouse or the carrier is at fault for.')
    return_rate = fields.Float(
        string='Return Rate (%)', readonly=True, group_operator='max',
        help='Returned units per hundred delivered units of the same cohort.')

    @api.model
    def _delivery_moves(self):
        """Done moves from a warehouse's internal locations to a customer location."""
        return """
            SELECT sm.id AS move_id, sm.picking_id AS picking_id,
                   sm.sale_line_id AS sale_line_id, sm.product_id AS product_id,
                   sm.product_qty AS product_qty, sm.date AS date,
                   sm.company_id AS company_id, wl.warehouse_id AS warehouse_id,
                   %(channel)s AS channel_id
              FROM stock_move sm
              JOIN (
                SELECT loc.id AS location_id, w.id AS warehouse_id
                  FROM stock_warehouse w
                  JOIN stock_location wv ON wv.id = w.view_location_id
                  JOIN stock_location loc ON loc.parent_left >= wv.parent_left
                                         AND loc.parent_left < wv.parent_right
                 WHERE loc.usage = 'internal'
                OFFSET 0  -- a small map, computed once rather than per move
              ) wl ON wl.location_id = sm.location_id
              JOIN stock_location dst ON dst.id = sm.location_dest_id
              LEFT JOIN sale_order_line sol ON sol.id = sm.sale_line_id
              LEFT JOIN sale_order so ON so.id = sol.order_id
             WHERE sm.state = 'done' AND dst.usage = 'customer'
               AND sm.origin_returned_move_id IS NULL
        """ % {'channel': self._delivered_channel()}

    @api.model
    def _delivered_channel(self):
        """SQL giving the channel of a delivery move: its sale order's (alias so)."""
        return 'so.channel_id'

    @api.model
    def _select_delivered(self):
        return """
            SELECT dm.move_id * 2 AS sid, dm.date AS date, dm.product_id AS product_id,
                   dm.channel_id AS channel_id, dm.warehouse_id AS warehouse_id,
                   dm.company_id AS company_id, dm.product_qty AS qty_delivered,
                   0.0 AS qty_returned, 0.0 AS qty_returned_controllable
              FROM (%(moves)s) dm
        """ % {'moves': self._delivery_moves()}

    @api.model
    def _returned_moves(self):
        """Done receipts of return lines that Odoo links to the delivery they return
        (origin_returned_move_id), from a customer location: one row per receipt move,
        so a receipt finished in a backorder counts once per part."""
        return """
            SELECT rm.id AS move_id, rm.return_line_id AS line_id,
                   rm.origin_returned_move_id AS delivery_move_id,
                   rm.product_qty AS product_qty
              FROM stock_move rm
              JOIN stock_location src ON src.id = rm.location_id
             WHERE rm.state = 'done' AND rm.return_line_id IS NOT NULL
               AND rm.origin_returned_move_id IS NOT NULL AND src.usage = 'customer'
        """

    @api.model
    def _select_returned(self):
        # sid: odd, from the receipt move; _cohort_line_ids maps it back to its line
        return """
            SELECT rm.move_id * 2 + 1 AS sid, dm.date AS date, dm.product_id AS product_id,
                   dm.channel_id AS channel_id, dm.warehouse_id AS warehouse_id,
                   dm.company_id AS company_id, 0.0 AS qty_delivered,
                   rm.product_qty AS qty_returned,
                   CASE WHEN l.fault_party IN %(controllable)s THEN rm.product_qty
                        ELSE 0.0 END AS qty_returned_controllable
              FROM (%(returned)s) rm
              JOIN overseas_return_line l ON l.id = rm.line_id
              JOIN overseas_return_order o ON o.id = l.order_id
              JOIN (%(moves)s) dm ON dm.move_id = rm.delivery_move_id
             WHERE o.state NOT IN ('cancel', 'rejected')
        """ % {'controllable': str(CONTROLLABLE_FAULT_PARTIES),
               'returned': self._returned_moves(), 'moves': self._delivery_moves()}

    @api.model
    def _grouped_sql(self, where=''):
        """Delivered and returned units per delivery day, product, channel, warehouse
        and company (``where`` filters the ungrouped rows, alias u)."""
        return """
            SELECT MIN(u.sid) AS id, u.date::date AS date,
                   u.product_id AS product_id, u.channel_id AS channel_id,
                   u.warehouse_id AS warehouse_id, u.company_id AS company_id,
                   SUM(u.qty_delivered)::float8 AS qty_delivered,
                   SUM(u.qty_returned)::float8 AS qty_returned,
                   SUM(u.qty_returned_controllable)::float8 AS qty_returned_controllable
              FROM (%s UNION ALL %s) u %s
             GROUP BY 2, u.product_id, u.channel_id, u.warehouse_id, u.company_id
        """ % (self._select_delivered(), self._select_returned(), where)

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC.

        The grouped rows are materialized (``overseas_return_rate_report_mat``, refreshed
        with the returns analysis); triggers on stock moves, return lines and returns
        record the delivery days whose rows changed (``overseas_return_rate_dirty``),
        and the view reads those days live (``overseas_return_rate_report_live``).
        """
        _ensure_server(self)
        cr = self.env.cr
        for view in (self._table, 'overseas_return_rate_report_dirty_live',
                     'overseas_return_rate_report_live'):
            tools.drop_view_if_exists(cr, view)
        cr.execute('DROP MATERIALIZED VIEW IF EXISTS overseas_return_rate_report_mat')
        # delivery day of moves: for the planner's estimates and for period filters;
        # returns of a delivery: the returned units of a day read live
        cr.execute("""
            CREATE INDEX IF NOT EXISTS overseas_return_rate_sm_day_idx
                ON stock_move ((date::date));
            CREATE INDEX IF NOT EXISTS overseas_return_rate_sm_origin_idx
                ON stock_move (origin_returned_move_id)
             WHERE origin_returned_move_id IS NOT NULL;
            CREATE TABLE IF NOT EXISTS overseas_return_rate_dirty (day date PRIMARY KEY)
        """)
        cr.execute('CREATE VIEW overseas_return_rate_report_live AS (%s)'
                   % self._grouped_sql())
        cr.execute('LOCK TABLE overseas_return_rate_dirty IN EXCLUSIVE MODE')
        cr.execute('CREATE MATERIALIZED VIEW overseas_return_rate_report_mat AS (%s)'
                   % self._grouped_sql())
        # the rows built here miss the locations an install is still creating (Odoo
        # fills the locations' parent_left/right once every module is loaded): every
        # delivery day reads live until the first refresh
        cr.execute('DELETE FROM overseas_return_rate_dirty')
        cr.execute("""INSERT INTO overseas_return_rate_dirty (day)
                      SELECT DISTINCT date::date FROM stock_move
                       WHERE state = 'done' AND date IS NOT NULL""")
        cr.execute('CREATE UNIQUE INDEX overseas_return_rate_report_mat_id_idx '
                   'ON overseas_return_rate_report_mat (id)')
        cr.execute('CREATE INDEX overseas_return_rate_report_mat_company_date_idx '
                   'ON overseas_return_rate_report_mat (company_id, date)')
        self._create_dirty_triggers()
        # per changed day, its moves by index (OFFSET 0: planned per day)
        cr.execute("""
            CREATE VIEW overseas_return_rate_report_dirty_live AS (
                SELECT v.* FROM overseas_return_rate_dirty d
                 CROSS JOIN LATERAL (%s OFFSET 0) v)
        """ % self._grouped_sql('WHERE u.date::date = d.day'))
        cr.execute("""
            CREATE OR REPLACE VIEW %s AS (
                SELECT g.id, g.date, g.product_id, p.product_tmpl_id, t.categ_id,
                       g.channel_id, g.warehouse_id, g.company_id, g.qty_delivered,
                       g.qty_returned, g.qty_returned_controllable,
                       CASE WHEN g.qty_delivered > 0
                            THEN 100.0 * g.qty_returned / g.qty_delivered
                       END AS return_rate
                  FROM (
                    SELECT m.* FROM overseas_return_rate_report_mat m
                     WHERE NOT EXISTS (SELECT 1 FROM overseas_return_rate_dirty d
                                        WHERE d.day = m.date)
                    UNION ALL
                    SELECT * FROM overseas_return_rate_report_dirty_live
                  ) g
                  JOIN product_product p ON p.id = g.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
            )""" % self._table)

    @api.model_cr
    def _create_dirty_triggers(self):
        """Row triggers marking the delivery days whose rows changed: done moves (a
        return's receipt marks the day of the delivery it returns), and the returns and
        lines those receipts belong to (state, fault party)."""
        cr = self.env.cr
        cr.execute("""
            CREATE OR REPLACE FUNCTION overseas_return_rate_mark(days date[])
            RETURNS void LANGUAGE sql AS $$
                INSERT INTO overseas_return_rate_dirty (day)
                SELECT DISTINCT d FROM unnest(days) d WHERE d IS NOT NULL
                    ON CONFLICT DO NOTHING
            $$;
            CREATE OR REPLACE FUNCTION overseas_return_rate_mark_move()
            RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                origins integer[];
                days date[];
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    days := ARRAY[NEW.date::date];
                    origins := ARRAY[NEW.origin_returned_move_id];
                ELSIF TG_OP = 'DELETE' THEN
                    days := ARRAY[OLD.date::date];
                    origins := ARRAY[OLD.origin_returned_move_id];
                ELSE
                    days := ARRAY[OLD.date::date, NEW.date::date];
                    origins := ARRAY[OLD.origin_returned_move_id,
                                     NEW.origin_returned_move_id];
                END IF;
                PERFORM overseas_return_rate_mark(days || ARRAY(
                    SELECT sm.date::date FROM stock_move sm WHERE sm.id = ANY(origins)));
                RETURN NULL;
            END $$;
            CREATE OR REPLACE FUNCTION overseas_return_rate_mark_lines()
            RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_TABLE_NAME = 'overseas_return_line' THEN
                    PERFORM overseas_return_rate_mark(ARRAY(
                        SELECT dm.date::date FROM stock_move rm
                          JOIN stock_move dm ON dm.id = rm.origin_returned_move_id
                         WHERE rm.return_line_id = NEW.id));
                ELSE
                    PERFORM overseas_return_rate_mark(ARRAY(
                        SELECT dm.date::date FROM overseas_return_line l
                          JOIN stock_move rm ON rm.return_line_id = l.id
                          JOIN stock_move dm ON dm.id = rm.origin_returned_move_id
                         WHERE l.order_id = NEW.id));
                END IF;
                RETURN NULL;
            END $$;
        """)
        triggers = [
            ('stock_move', 'ins', 'AFTER INSERT', 'overseas_return_rate_mark_move',
             "WHEN (NEW.state = 'done')"),
            ('stock_move', 'upd', 'AFTER UPDATE', 'overseas_return_rate_mark_move',
             "WHEN (OLD.state = 'done' OR NEW.state = 'done')"),
            ('stock_move', 'del', 'AFTER DELETE', 'overseas_return_rate_mark_move',
             "WHEN (OLD.state = 'done')"),
            ('overseas_return_line', 'upd', 'AFTER UPDATE',
             'overseas_return_rate_mark_lines',
             'WHEN (OLD.fault_party IS DISTINCT FROM NEW.fault_party '
             'OR OLD.order_id IS DISTINCT FROM NEW.order_id)'),
            ('overseas_return_order', 'upd', 'AFTER UPDATE',
             'overseas_return_rate_mark_lines',
             'WHEN (OLD.state IS DISTINCT FROM NEW.state)'),
        ]
        for table, suffix, when, function, condition in triggers:
            name = '%s_rate_%s_trg' % (table, suffix)
            cr.execute('DROP TRIGGER IF EXISTS %s ON %s' % (name, table))
            cr.execute('CREATE TRIGGER %s %s ON %s FOR EACH ROW %s EXECUTE PROCEDURE %s()'
                       % (name, when, table, condition, function))

    @api.model
    def _refresh_materialized(self):
        """Bring the materialized rows up to date (called by the returns analysis'
        refresh_materialized, which checks the user)."""
        cr = self.env.cr
        cr.execute('LOCK TABLE overseas_return_rate_dirty IN EXCLUSIVE MODE')
        cr.execute('REFRESH MATERIALIZED VIEW CONCURRENTLY overseas_return_rate_report_mat')
        cr.execute('DELETE FROM overseas_return_rate_dirty')
        cr.execute('ANALYZE overseas_return_rate_report_mat')
        cr.execute('ANALYZE overseas_return_rate_dirty')

    @api.model
    def _cohort_line_ids(self, date_from, date_to, company_id, controllable=False):
        """Ids of the return lines counted in the cohorts delivered in the period."""
        query = """
            SELECT DISTINCT rm.return_line_id FROM (%s) returned
              JOIN stock_move rm ON rm.id = (returned.sid - 1) / 2
             WHERE returned.company_id = %%(company)s
               AND returned.date::date >= %%(date_from)s
               AND returned.date::date <= %%(date_to)s
        """ % self._select_returned()
        if controllable:
            query += ' AND returned.qty_returned_controllable > 0'
        self.env.cr.execute(query, {'company': company_id, 'date_from': date_from,
                                    'date_to': date_to})
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False,
                   lazy=True):
        """The rate of a group is its returned units over its delivered units."""
        no_jit(self.env.cr)
        rate = 'return_rate' in fields
        if rate:
            fields = list(set(fields) | {'qty_delivered', 'qty_returned'})
        result = super(OverseasReturnRateReport, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
            lazy=lazy)
        if rate:
            for group in result:
                delivered = group.get('qty_delivered')
                returned = group.get('qty_returned')
                if delivered is None or returned is None:
                    continue
                group['return_rate'] = (100.0 * returned / delivered) if delivered else 0.0
        return result
