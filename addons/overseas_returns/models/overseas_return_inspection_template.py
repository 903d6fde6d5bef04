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
