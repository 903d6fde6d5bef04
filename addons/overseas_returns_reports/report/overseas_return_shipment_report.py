from odoo import api, fields, models

from .overseas_return_report import create_report_view


class OverseasReturnShipmentReport(models.Model):
    """Return-to-origin shipments: what they recover against what they cost."""

    _name = 'overseas.return.shipment.report'
    _description = 'Overseas Returns Shipment Economics'
    _auto = False
    _order = 'date desc, id desc'

    date = fields.Date(readonly=True)
    shipment_id = fields.Many2one('overseas.return.shipment', string='Shipment',
                                  readonly=True)
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', readonly=True)
    company_id = fields.Many2one('res.company', string='Company', readonly=True)
    partner_id = fields.Many2one('res.partner', string='Consignee', readonly=True)
    state = fields.Selection([('draft', 'Draft'), ('booked', 'Booked'),
                              ('cancel', 'Cancelled')], readonly=True)
    qty = fields.Float(string='Units', readonly=True)
    weight = fields.Float(string='Weight (kg)', readonly=True)
    recoverable_value = fields.Float(readonly=True)
    freight_cost = fields.Float(readonly=True)
    total_cost = fields.Float(readonly=True)
    net = fields.Float(string='Net Recovery', readonly=True)

    @api.model_cr
    def init(self):
        """Install/upgrade only: init is public, hence callable over RPC."""
        create_report_view(self, """
            SELECT s.id, s.id AS shipment_id,
                   COALESCE(s.date_booked, s.create_date)::date AS date,
                   s.warehouse_id, s.company_id, s.partner_id, s.state,
                   s.total_qty AS qty, s.total_weight AS weight,
                   s.recoverable_value, s.freight_cost, s.total_cost,
                   s.expected_net AS net
        """, 'FROM overseas_return_shipment s', "WHERE s.state != 'cancel'")
