from odoo import fields, models

HAZARD_CLASSES = [
    ('battery', 'Battery'),
    ('pressurised', 'Pressurised container'),
    ('chemical', 'Chemical'),
    ('sharp', 'Sharp'),
]


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    hazard_class = fields.Selection(
        HAZARD_CLASSES, string='Hazard Class',
        help='Safety hazard of the goods: returns of it get a safety check; a failed '
             'one allows only destruction or return to origin.')
