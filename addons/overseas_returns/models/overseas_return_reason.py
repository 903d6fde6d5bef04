from odoo import fields, models

FAULT_PARTIES = [
    ('customer', 'Customer'),
    ('carrier', 'Carrier'),
    ('seller', 'Seller / supplier'),
    ('warehouse', 'Warehouse'),
    ('none', 'No fault'),
]


class OverseasReturnReason(models.Model):
    """Why the customer says the goods came back (the customer's side of the story).

    What inspection finds is kept apart, on the line and its inspection.
    """

    _name = 'overseas.return.reason'
    _description = 'Return Reason'
    _order = 'sequence, id'

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category_id = fields.Many2one(
        'overseas.return.reason.category', string='Category', required=True,
        ondelete='restrict')
    fault_party = fields.Selection(
        FAULT_PARTIES, string='Default Fault Party', required=True, default='none',
        help='Proposed on the return line; inspection confirms or corrects it.')
    amazon_code = fields.Char(
        help='Amazon return reason code (e.g. DEFECTIVE), used to map imported returns.')
    ebay_code = fields.Char(help='eBay return reason (e.g. NOT_AS_DESCRIBED).')
    shopify_code = fields.Char(help='Shopify return reason (e.g. SIZE_TOO_SMALL).')

    _sql_constraints = [
        ('code_uniq', 'unique (code)', 'A return reason with this code already exists.'),
    ]
