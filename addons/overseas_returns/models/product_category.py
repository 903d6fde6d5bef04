from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = 'product.category'

    return_min_shelf_life_days = fields.Integer(
        string='Returns: Minimum Shelf Life (days)',
        help='Returned lots with fewer days of shelf life left cannot be graded '
             'resellable (the stricter of this and the sales channel\'s minimum).')
    return_writedown_account_id = fields.Many2one(
        'account.account', string='Returns: Write-down Account', company_dependent=True,
        help='Loss account of the value written down when used (graded) returns are '
             'restocked; the expense account of the category when empty.')
