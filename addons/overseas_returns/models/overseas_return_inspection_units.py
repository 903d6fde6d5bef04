from odoo import api, fields, models


class OverseasReturnInspection(models.Model):
    _inherit = 'overseas.return.inspection'

    expiry_state = fields.Selection(related='line_id.expiry_state', readonly=True)
    hazard_reason = fields.Text(related='line_id.hazard_reason', readonly=True)

    @api.constrains('grade_id')
    def _check_units_grade(self):
        """Expired or short-dated lots: no resellable grade, at the moment it is chosen."""
        for inspection in self:
            inspection.line_id._check_units_grade(inspection.grade_id)


class OverseasReturnInspectionCheck(models.Model):
    _inherit = 'overseas.return.inspection.check'

    safety = fields.Boolean(
        string='Safety Check',
        help='A failed safety check allows only destruction or return to origin.')
