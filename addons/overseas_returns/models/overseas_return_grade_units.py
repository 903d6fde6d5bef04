from odoo import fields, models

from .stock_production_lot import CONDITION_CODES


class OverseasReturnGrade(models.Model):
    _inherit = 'overseas.return.grade'

    condition_code = fields.Selection(
        CONDITION_CODES, string='Marketplace Condition',
        help='Restocked units of a used condition go to the warehouse\'s graded stock '
             'location, apart from new stock.')
    writedown_percent = fields.Float(
        string='Write-down (%)',
        help='Share of the value written down when a unit of this grade is restocked.')
