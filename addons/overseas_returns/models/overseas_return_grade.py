from odoo import fields, models

DISPOSITIONS = [
    ('restock', 'Restock'),
    ('rework', 'Rework, then restock'),
    ('return_to_origin', 'Return to origin'),
    ('donate', 'Donate'),
    ('scrap', 'Destroy (scrap)'),
]


class OverseasReturnGrade(models.Model):
    """The inspection standard: A (unopened) to F (safety hazard)."""

    _name = 'overseas.return.grade'
    _description = 'Return Grade'
    _order = 'code'

    code = fields.Char(required=True, size=2)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    resellable = fields.Boolean(
        help='Goods of this grade may go back to sellable stock.')
    default_disposition = fields.Selection(
        DISPOSITIONS, required=True,
        help='Proposed after inspection unless a disposition rule for the reason '
             'category says otherwise.')
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ('code_uniq', 'unique (code)', 'A grade with this code already exists.'),
    ]

    def name_get(self):
        return [(grade.id, '%s - %s' % (grade.code, grade.name)) for grade in self]
