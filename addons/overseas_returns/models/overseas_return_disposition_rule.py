from odoo import api, fields, models

from .overseas_return_grade import DISPOSITIONS


class OverseasReturnDispositionRule(models.Model):
    """Which disposition to propose for a grade, per reason category.

    Without a matching rule the grade's default disposition is proposed.
    """

    _name = 'overseas.return.disposition.rule'
    _description = 'Return Disposition Rule'
    _order = 'grade_id, reason_category_id'

    grade_id = fields.Many2one('overseas.return.grade', required=True, ondelete='cascade')
    reason_category_id = fields.Many2one(
        'overseas.return.reason.category', string='Reason Category', required=True,
        ondelete='cascade')
    disposition = fields.Selection(DISPOSITIONS, required=True)

    _sql_constraints = [
        ('grade_category_uniq', 'unique (grade_id, reason_category_id)',
         'There is already a rule for this grade and reason category.'),
    ]

    @api.model
    def _propose(self, pairs):
        """Return {(grade, category): disposition} for (grade, category) record pairs."""
        grades = self.env['overseas.return.grade'].concat(*[g for g, _c in pairs])
        rules = self.search([('grade_id', 'in', grades.ids)])
        by_key = {(rule.grade_id.id, rule.reason_category_id.id): rule.disposition
                  for rule in rules}
        return {
            (grade, category): by_key.get((grade.id, category.id), grade.default_disposition)
            for grade, category in pairs
        }
