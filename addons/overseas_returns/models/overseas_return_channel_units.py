from odoo import fields, models


class OverseasReturnChannel(models.Model):
    _inherit = 'overseas.return.channel'

    min_shelf_life_days = fields.Integer(
        string='Minimum Shelf Life (days)',
        help='Days of shelf life a lot must still have to be sold again on this channel '
             '(e.g. what a marketplace demands at inbound). Fewer: short-dated, not '
             'resellable.')
