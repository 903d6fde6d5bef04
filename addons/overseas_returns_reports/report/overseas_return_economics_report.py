from odoo import api, fields, models
from odoo.addons.overseas_returns.models.overseas_return_grade import DISPOSITIONS

from .overseas_return_report import LINE_ORDER_FROM, create_report_view


class OverseasReturnEconomicsReport(models.Model):
    """One row per disposed return line: what its disposition was expected to recover
    and cost, and the money an override of the proposal left (read-only)."""

    _name = 'overseas.return.economics.report'
    _description = 'Overseas Returns Disposition Economics'
    _auto = False
    _order = 'date desc, id desc'

    date = fields.Date(string='Disposed On', readonly=True)
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    channel_id = fields.Many2one('overseas.return.channel', string='Sales Channel',
                                 readonly=True)
    product_id = fields.Many2one('product.product', string='Product', readonly=True)
    disposition = fields.Selection(DISPOSITIONS, readonly=True)
    proposed_disposition = fields.Selection(DISPOSITIONS, readonly=True)
    overridden = fields.Boolean(string='Proposal Overridden', readonly=True)
    qty = fields.Float(string='Units', readonly=True)
    recovered = fields.Float(string='Recovered Value', readonly=True)
    cost = fields.Float(readonly=True)
    net = fields.Float(string='Net Recovery', readonly=True)
    money_left = fields.Float(string='Money Left by Overrides', readonly=True)

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC."""
        create_report_view(self, """
            SELECT l.id, COALESCE(l.date_disposed, l.write_date)::date AS date,
                   l.warehouse_id, l.company_id, o.channel_id, l.product_id,
                   l.disposition, l.proposed_disposition,
                   COALESCE(l.disposition_overridden, FALSE) AS overridden,
                   l.qty_received AS qty, opt.expected_recovery AS recovered,
                   opt.expected_cost AS cost, opt.expected_net AS net,
                   COALESCE(l.override_money_left, 0.0) AS money_left
        """, LINE_ORDER_FROM + """
              JOIN overseas_return_disposition_option opt
                ON opt.line_id = l.id AND opt.disposition = l.disposition
        """, "WHERE l.state = 'disposed'")
