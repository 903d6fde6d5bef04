from odoo import fields, models


class OverseasReturnChannel(models.Model):
    _inherit = 'overseas.return.channel'

    return_rate_baseline = fields.Float(
        string='Baseline Return Rate (%)', default=10.0,
        help='The usual return rate of customers of this channel; a customer returning '
             'more than twice as much raises the risk of their returns.')
