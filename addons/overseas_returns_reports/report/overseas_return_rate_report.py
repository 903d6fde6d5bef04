from odoo import api, fields, models, tools

from .overseas_return_report import _ensure_server

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

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC."""
        _ensure_server(self)
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        # delivery day of moves: for the planner's estimates and for period filters
        cr.execute("""
            CREATE INDEX IF NOT EXISTS overseas_return_rate_sm_day_idx
                ON stock_move ((date::date))
        """)
        cr.execute("""
            CREATE OR REPLACE VIEW %s AS (
                SELECT g.id, g.date, g.product_id, p.product_tmpl_id, t.categ_id,
                       g.channel_id, g.warehouse_id, g.company_id, g.qty_delivered,
                       g.qty_returned, g.qty_returned_controllable,
                       CASE WHEN g.qty_delivered > 0
                            THEN 100.0 * g.qty_returned / g.qty_delivered
                       END AS return_rate
                  FROM (
                    SELECT MIN(u.sid) AS id, u.date::date AS date,
                           u.product_id AS product_id, u.channel_id AS channel_id,
                           u.warehouse_id AS warehouse_id, u.company_id AS company_id,
                           SUM(u.qty_delivered) AS qty_delivered,
                           SUM(u.qty_returned) AS qty_returned,
                           SUM(u.qty_returned_controllable) AS qty_returned_controllable
                      FROM (%s UNION ALL %s) u
                     GROUP BY 2, u.product_id, u.channel_id, u.warehouse_id, u.company_id
                  ) g
                  JOIN product_product p ON p.id = g.product_id
                  JOIN product_template t ON t.id = p.product_tmpl_id
            )""" % (self._table, self._select_delivered(), self._select_returned()))

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
