from odoo import api, fields, models


class OverseasReturnInspectionTemplate(models.Model):
    """The checklist an inspector works through, chosen by product category."""

    _name = 'overseas.return.inspection.template'
    _description = 'Return Inspection Template'
    _order = 'sequence, id'

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_default = fields.Boolean(
        string='Default', help='Used for products whose category has no template.')
    categ_ids = fields.Many2many(
        'product.category', string='Product Categories',
        help='Products in these categories (or their sub-categories) use this checklist.')
    item_ids = fields.One2many(
        'overseas.return.inspection.template.item', 'template_id', string='Checks',
        copy=True)

    @api.model
    def _for_products(self, products):
        """Return {product: template} with the closest category match, else the default."""
        templates = self.search([])
        default = templates.filtered('is_default')[:1]
        by_categ = {}
        for template in templates:
            for categ in template.categ_ids:
                by_categ.setdefault(categ.id, template)
        result = {}
        for product in products:
            categ = product.categ_id
            template = self.browse()
            while categ and not template:
                template = by_categ.get(categ.id, self.browse())
                categ = categ.parent_id
            result[product] = template or default
        return result


class OverseasReturnInspectionTemplateItem(models.Model):
    _name = 'overseas.return.inspection.template.item'
    _description = 'Return Inspection Check Item'
    _order = 'sequence, id'

    template_id = fields.Many2one(
        'overseas.return.inspection.template', required=True, ondelete='cascade')
    sequence = fields.Integer(default=10)
    name = fields.Char(string='Check', required=True, translate=True)
    applies_to = fields.Selection([
        ('all', 'All products'),
        ('tracked', 'Products tracked by lot or serial number'),
        ('expiry', 'Products with an expiry date'),
    ], string='Applies To', default='all', required=True,
        help='Products the check does not apply to get it as N/A.')

    def _applies_to_product(self, product):
        """Whether this check is asked for ``product``.

        Expiry: products with expiry times when product_expiry is installed, else
        products tracked by lot (their lots carry the dates)."""
        self.ensure_one()
        if self.applies_to == 'tracked':
            return product.tracking in ('lot', 'serial')
        if self.applies_to == 'expiry':
            if 'life_time' in product._fields:
                return any(product[name] for name in (
                    'life_time', 'use_time', 'removal_time', 'alert_time')
                    if name in product._fields)
            return product.tracking == 'lot'
        return True
