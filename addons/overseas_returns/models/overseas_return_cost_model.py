from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# grade code -> % of the product's sales price a restocked unit fetches (shipped default)
DEFAULT_RESALE_PERCENT = {'A': 90.0, 'B': 70.0, 'C': 50.0}


class OverseasReturnCostModel(models.Model):
    """What each disposition of a returned unit costs and recovers in one warehouse.

    Read by the return lines' disposition options (overseas_return_line_economics.py)
    and by the return-to-origin shipments. A warehouse without a cost model keeps the
    proposal of the grade and the disposition rules.
    """

    _name = 'overseas.return.cost.model'
    _description = 'Return Cost Model'
    _order = 'warehouse_id'

    name = fields.Char(required=True, translate=True,
                       default=lambda self: _('Return costs'))
    warehouse_id = fields.Many2one('stock.warehouse', string='Warehouse', required=True,
                                   ondelete='cascade', index=True)
    company_id = fields.Many2one(related='warehouse_id.company_id', store=True,
                                 readonly=True)
    currency_id = fields.Many2one(
        'res.currency', required=True,
        default=lambda self: self.env.user.company_id.currency_id)
    handling_per_unit = fields.Monetary(
        default=1.5,
        help='Receiving, inspecting and moving one unit, whatever its fate.')
    rework_cost = fields.Monetary(
        string='Rework Cost per Unit', default=3.0,
        help='Relabel and repack one unit, unless its product category has its own '
             'cost.')
    rework_resale_percent = fields.Float(
        string='Resale after Rework (%)', default=65.0,
        help="Share of the product's sales price a reworked unit fetches.")
    freight_per_kg = fields.Monetary(string='Freight Home per kg', default=6.0)
    freight_per_m3 = fields.Monetary(string='Freight Home per m³', default=180.0)
    duty_percent = fields.Float(
        string='Duty (%)', default=5.0,
        help='Import duty at home, on the declared value (the product cost).')
    destruction_fee_per_kg = fields.Monetary(string='Destruction Fee per kg',
                                             default=0.8)
    destruction_fee_min = fields.Monetary(string='Destruction Fee per Unit (minimum)',
                                          default=0.5)
    donation_allowed = fields.Boolean(
        default=True, help='Resellable returns may be donated in this country.')
    donation_handling = fields.Monetary(string='Donation Handling per Unit',
                                        default=1.0)
    donation_tax_percent = fields.Float(
        string='Donation Tax Value (%)', default=0.0,
        help='Tax relief of a donation, in % of the product cost, where the country '
             'allows it; 0: none.')
    rework_cost_ids = fields.One2many('overseas.return.cost.rework', 'cost_model_id',
                                      string='Rework Cost by Category')
    resale_ids = fields.One2many(
        'overseas.return.cost.resale', 'cost_model_id', string='Resale Value by Grade',
        default=lambda self: self._default_resale_ids())

    _sql_constraints = [
        ('warehouse_uniq', 'unique (warehouse_id)',
         'A warehouse has one cost model.'),
    ]

    @api.model
    def _default_resale_ids(self):
        grades = self.env['overseas.return.grade'].search(
            [('code', 'in', list(DEFAULT_RESALE_PERCENT))])
        return [(0, 0, {'grade_id': grade.id,
                        'percent': DEFAULT_RESALE_PERCENT[grade.code]})
                for grade in grades]

    @api.constrains('handling_per_unit', 'rework_cost', 'freight_per_kg',
                    'freight_per_m3', 'destruction_fee_per_kg', 'destruction_fee_min',
                    'donation_handling', 'duty_percent', 'donation_tax_percent',
                    'rework_resale_percent')
    def _check_amounts(self):
        for model in self:
            amounts = (model.handling_per_unit, model.rework_cost, model.freight_per_kg,
                       model.freight_per_m3, model.destruction_fee_per_kg,
                       model.destruction_fee_min, model.donation_handling)
            percents = (model.duty_percent, model.donation_tax_percent,
                        model.rework_resale_percent)
            if any(value < 0 for value in amounts) or \
                    any(not 0.0 <= value <= 100.0 for value in percents):
                raise ValidationError(_(
                    'The costs of "%(model)s" cannot be negative and its percentages '
                    'must lie between 0 and 100.') % {'model': model.name})

    @api.model
    def _for_warehouses(self, warehouses):
        """{warehouse: its cost model} for those that have one (one query)."""
        models_ = self.search([('warehouse_id', 'in', warehouses.ids)])
        return {model.warehouse_id: model for model in models_}

    def _resale_percent(self, grade, channel):
        """The channel's own percentage for the grade, else the grade's, else 0."""
        self.ensure_one()
        rows = self.resale_ids.filtered(lambda row: row.grade_id == grade)
        row = rows.filtered(lambda r: r.channel_id == channel)[:1] or \
            rows.filtered(lambda r: not r.channel_id)[:1]
        return row.percent if row else 0.0

    def _rework_cost(self, category):
        """The cost of the category or of its closest parent that has one."""
        self.ensure_one()
        by_categ = {row.categ_id: row.cost for row in self.rework_cost_ids}
        while category:
            if category in by_categ:
                return by_categ[category]
            category = category.parent_id
        return self.rework_cost

    def _freight(self, weight, volume):
        self.ensure_one()
        return weight * self.freight_per_kg + volume * self.freight_per_m3


class OverseasReturnCostRework(models.Model):
    _name = 'overseas.return.cost.rework'
    _description = 'Return Rework Cost by Category'

    cost_model_id = fields.Many2one('overseas.return.cost.model', required=True,
                                    ondelete='cascade')
    currency_id = fields.Many2one(related='cost_model_id.currency_id', readonly=True)
    categ_id = fields.Many2one('product.category', string='Product Category',
                               required=True, ondelete='cascade')
    cost = fields.Monetary(string='Cost per Unit', required=True)

    _sql_constraints = [
        ('categ_uniq', 'unique (cost_model_id, categ_id)',
         'This product category already has a rework cost.'),
        ('cost_positive', 'CHECK (cost >= 0)', 'A rework cost cannot be negative.'),
    ]


class OverseasReturnCostResale(models.Model):
    _name = 'overseas.return.cost.resale'
    _description = 'Return Resale Value by Grade'

    cost_model_id = fields.Many2one('overseas.return.cost.model', required=True,
                                    ondelete='cascade')
    grade_id = fields.Many2one('overseas.return.grade', required=True,
                               ondelete='cascade')
    channel_id = fields.Many2one('overseas.return.channel', string='Sales Channel',
                                 help='Empty: every channel without its own row.')
    percent = fields.Float(string="% of Sales Price", required=True)

    _sql_constraints = [
        ('grade_channel_uniq', 'unique (cost_model_id, grade_id, channel_id)',
         'This grade already has a resale value for this channel.'),
        ('percent_range', 'CHECK (percent >= 0 AND percent <= 100)',
         'A resale value lies between 0 and 100 % of the sales price.'),
    ]
