from odoo import SUPERUSER_ID, _, api, fields, models, tools
from odoo.exceptions import AccessError
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
        help='Open or paid customer credit notes for this line, in company currency.')
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
                COALESCE(rf.amount, 0) AS amount_refunded,
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
    def _from_live(self):
        """The same rows, each line's receipt, refunds and cost looked up by index: fast
        for the few returns changed since the last refresh of the materialized layer."""
        return """
            FROM overseas_return_line l
            JOIN overseas_return_order o ON o.id = l.order_id
            JOIN res_company c ON c.id = o.company_id
            JOIN product_product p ON p.id = l.product_id
            JOIN product_template t ON t.id = p.product_tmpl_id
            LEFT JOIN res_partner rp ON rp.id = o.partner_id
            LEFT JOIN sale_order so ON so.id = o.sale_order_id
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
                SELECT MAX(ip.value_float) AS cost
                  FROM ir_property ip
                 WHERE ip.res_id = 'product.product,' || l.product_id
                   AND ip.name = 'standard_price' AND ip.company_id = o.company_id
            ) pc ON TRUE
        """

    @api.model
    def _from(self):
        return """
            FROM overseas_return_line l
            JOIN overseas_return_order o ON o.id = l.order_id
            JOIN res_company c ON c.id = o.company_id
            JOIN product_product p ON p.id = l.product_id
            JOIN product_template t ON t.id = p.product_tmpl_id
            LEFT JOIN res_partner rp ON rp.id = o.partner_id
            LEFT JOIN sale_order so ON so.id = o.sale_order_id
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

        Three relations: ``overseas_return_report_mat``, every row materialized (with
        indexes), refreshed by a cron and on demand; ``overseas_return_report_live``, the
        rows computed from the documents; the model's view reads the materialized rows of
        the returns unchanged since the last refresh and the live rows of the others.
        Triggers on the documents a row is made of (returns, lines, their stock moves,
        refund lines and invoices) record which returns changed
        (``overseas_return_report_dirty``), so the report is always current. Product
        costs, currency rates, customers' countries and sale channels changed later
        reach the report at the next refresh.
        """
        _ensure_server(self)
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._table)
        tools.drop_view_if_exists(cr, 'overseas_return_report_live')
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
        cr.execute("""
            CREATE OR REPLACE VIEW %s AS (
                SELECT m.* FROM overseas_return_report_mat m
                 WHERE NOT EXISTS (SELECT 1 FROM overseas_return_report_dirty d
                                    WHERE d.order_id = m.order_id)
                UNION ALL
                -- per changed return, its lines by index (OFFSET 0: planned per return,
                -- never the live rows of every line filtered afterwards)
                SELECT v.* FROM overseas_return_report_dirty d
                 CROSS JOIN LATERAL (
                    SELECT * FROM overseas_return_report_live lv
                     WHERE lv.order_id = d.order_id OFFSET 0) v
            )""" % self._table)

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
        return True
