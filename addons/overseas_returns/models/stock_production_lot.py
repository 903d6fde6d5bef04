from odoo import fields, models

CONDITION_CODES = [
    ('new', 'New'),
    ('used_like_new', 'Used - Like New'),
    ('used_very_good', 'Used - Very Good'),
    ('used_good', 'Used - Good'),
    ('used_acceptable', 'Used - Acceptable'),
]


class StockProductionLot(models.Model):
    _inherit = 'stock.production.lot'

    return_recalled = fields.Boolean(
        string='Recalled',
        help='A recalled lot: returned units of it can only be destroyed or returned '
             'to origin.')
    return_recall_note = fields.Char(string='Recall Reason')
    return_condition_code = fields.Selection(
        CONDITION_CODES, string='Condition', readonly=True,
        help='Marketplace condition of a returned unit restocked as used (graded) stock.')
