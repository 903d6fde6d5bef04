from odoo import api, fields, models

from .overseas_return_report import create_report_view


class OverseasReturnAbuseReport(models.Model):
    """Returns with a risk score or confirmed abuse, and the money their hold or
    rejection saved: the returned value not refunded on confirmed abuse."""

    _name = 'overseas.return.abuse.report'
    _description = 'Overseas Returns Abuse Analysis'
    _auto = False
    _order = 'date desc, id desc'

    date = fields.Date(string='Requested On', readonly=True)
    order_id = fields.Many2one('overseas.return.order', string='Return', readonly=True)
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    channel_id = fields.Many2one('overseas.return.channel', string='Sales Channel',
                                 readonly=True)
    partner_id = fields.Many2one('res.partner', string='Customer', readonly=True)
    risk_score = fields.Integer(readonly=True, group_operator='max')
    abuse_confirmed = fields.Boolean(readonly=True)
    abuse_count = fields.Integer(string='Abusive Returns', readonly=True)
    amount_total = fields.Float(string='Returned Value', readonly=True)
    money_saved = fields.Float(readonly=True)

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC."""
        create_report_view(self, """
            SELECT o.id, o.id AS order_id, o.date_requested AS date,
                   o.warehouse_id, o.company_id, o.channel_id, o.partner_id,
                   o.risk_score, COALESCE(o.abuse_confirmed, FALSE) AS abuse_confirmed,
                   CASE WHEN o.abuse_confirmed THEN 1 ELSE 0 END AS abuse_count,
                   o.amount_total,
                   CASE WHEN o.abuse_confirmed
                        THEN GREATEST(o.amount_total - COALESCE(o.amount_refunded, 0), 0)
                        ELSE 0 END AS money_saved
        """, 'FROM overseas_return_order o',
            'WHERE o.risk_score > 0 OR o.abuse_confirmed')
