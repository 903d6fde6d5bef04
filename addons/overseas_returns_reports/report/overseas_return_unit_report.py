from odoo import api, fields, models, tools
from odoo.addons.overseas_returns.models.product_template import HAZARD_CLASSES
from odoo.addons.overseas_returns.models.stock_production_lot import CONDITION_CODES

from .overseas_return_report import LINE_ORDER_FROM, _ensure_server, create_report_view


class OverseasReturnUnitReport(models.Model):
    """Returned units by lot or serial number: a bad batch of a supplier, serial
    mismatches, expired, recalled and hazardous units. One row per return line and lot
    (a line without lots: one row); a lot-tracked line's quantity is shared evenly
    over its lots."""

    _name = 'overseas.return.unit.report'
    _description = 'Overseas Returns by Lot/Serial'
    _auto = False
    _rec_name = 'lot_id'
    _order = 'date desc, id desc'

    date = fields.Datetime(string='Received', readonly=True)
    line_id = fields.Many2one('overseas.return.line', string='Return Line', readonly=True)
    order_id = fields.Many2one('overseas.return.order', string='Return', readonly=True)
    lot_id = fields.Many2one('stock.production.lot', string='Lot/Serial', readonly=True)
    product_id = fields.Many2one('product.product', string='Product', readonly=True)
    categ_id = fields.Many2one('product.category', string='Product Category',
                               readonly=True)
    partner_id = fields.Many2one('res.partner', string='Customer', readonly=True)
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    reason_id = fields.Many2one('overseas.return.reason', string='Reason', readonly=True)
    grade_id = fields.Many2one('overseas.return.grade', string='Grade', readonly=True)
    disposition = fields.Char(readonly=True)
    hazard_class = fields.Selection(HAZARD_CLASSES, readonly=True)
    condition_code = fields.Selection(CONDITION_CODES, string='Condition', readonly=True)
    serial_mismatch = fields.Boolean(readonly=True)
    expired = fields.Boolean(readonly=True, help='The lot was past its end of life '
                                                 '(else best-before) date when it came back.')
    recalled = fields.Boolean(readonly=True)
    hazardous = fields.Boolean(readonly=True,
                               help='Recalled lot or a product with a hazard class.')
    qty = fields.Float(string='Units', readonly=True)
    mismatch_count = fields.Integer(string='Serial Mismatches', readonly=True)
    writedown_amount = fields.Float(string='Write-down', readonly=True)

    @api.model
    def _select(self):
        return """
            SELECT row_number() OVER (ORDER BY l.id, lot.id) AS id,
                   o.date_received AS date, l.id AS line_id, o.id AS order_id,
                   lot.id AS lot_id, l.product_id AS product_id, pt.categ_id AS categ_id,
                   o.partner_id AS partner_id, o.warehouse_id AS warehouse_id,
                   o.company_id AS company_id, l.reason_id AS reason_id,
                   l.grade_id AS grade_id, l.disposition AS disposition,
                   pt.hazard_class AS hazard_class,
                   lot.return_condition_code AS condition_code,
                   COALESCE(l.serial_mismatch, FALSE) AS serial_mismatch,
                   COALESCE(COALESCE(lot.life_date, lot.use_date)
                            <= COALESCE(o.date_received, now() AT TIME ZONE 'UTC'),
                            FALSE) AS expired,
                   COALESCE(lot.return_recalled, FALSE) AS recalled,
                   (COALESCE(lot.return_recalled, FALSE)
                    OR pt.hazard_class IS NOT NULL) AS hazardous,
                   l.qty_received / GREATEST(lots.lot_count, 1) AS qty,
                   CASE WHEN l.serial_mismatch THEN 1 ELSE 0 END AS mismatch_count,
                   COALESCE(l.writedown_amount, 0) / GREATEST(lots.lot_count, 1)
                       AS writedown_amount
        """

    @api.model
    def _from(self):
        return LINE_ORDER_FROM + """
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN (SELECT line_id, count(*) AS lot_count
                           FROM overseas_return_line_lot_rel GROUP BY line_id
                        ) lots ON lots.line_id = l.id
              LEFT JOIN overseas_return_line_lot_rel rel ON rel.line_id = l.id
              LEFT JOIN stock_production_lot lot ON lot.id = rel.lot_id
        """

    @api.model
    def _where(self):
        return "WHERE o.state NOT IN ('cancel', 'rejected')"

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC."""
        create_report_view(self, self._select(), self._from(), self._where())


class OverseasReturnGradedStockReport(models.Model):
    """Graded (used, B-stock) returns on hand in each warehouse's graded stock
    location, with their condition and value (on-hand quantity at the product's cost,
    less what was written down for the graded units still there)."""

    _name = 'overseas.return.graded.stock.report'
    _description = 'Graded Stock on Hand'
    _auto = False
    _rec_name = 'product_id'
    _order = 'warehouse_id, product_id'

    product_id = fields.Many2one('product.product', string='Product', readonly=True)
    categ_id = fields.Many2one('product.category', string='Product Category',
                               readonly=True)
    lot_id = fields.Many2one('stock.production.lot', string='Lot/Serial', readonly=True)
    condition_code = fields.Selection(CONDITION_CODES, string='Condition', readonly=True)
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    location_id = fields.Many2one('stock.location', string='Location', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    quantity = fields.Float(readonly=True)
    value = fields.Float(readonly=True)

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC."""
        _ensure_server(self)
        tools.drop_view_if_exists(self.env.cr, self._table)
        # value: quantity at the company's cost price (ir.property), written down by
        # the percentage of the grade whose condition the lot carries
        self.env.cr.execute("""
            CREATE OR REPLACE VIEW %s AS (
            SELECT q.id AS id, q.product_id AS product_id, pt.categ_id AS categ_id,
                   q.lot_id AS lot_id, lot.return_condition_code AS condition_code,
                   w.id AS warehouse_id, q.location_id AS location_id,
                   q.company_id AS company_id, q.quantity AS quantity,
                   q.quantity * COALESCE(ip.value_float, 0)
                       * (1 - COALESCE(g.writedown_percent, 0) / 100.0) AS value
              FROM stock_quant q
              JOIN stock_warehouse w ON w.return_graded_location_id = q.location_id
              JOIN product_product pp ON pp.id = q.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN stock_production_lot lot ON lot.id = q.lot_id
              LEFT JOIN LATERAL (SELECT writedown_percent FROM overseas_return_grade
                                  WHERE condition_code = lot.return_condition_code
                                  ORDER BY code LIMIT 1) g ON TRUE
              LEFT JOIN ir_property ip ON ip.name = 'standard_price'
                   AND ip.res_id = 'product.product,' || q.product_id
                   AND ip.company_id = q.company_id
            )""" % self._table)
