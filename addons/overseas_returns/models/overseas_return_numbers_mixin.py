import math

from odoo import _, models
from odoo.exceptions import ValidationError


class OverseasReturnNumbersMixin(models.AbstractModel):
    """Quantities and prices typed by a user or sent over RPC: NaN, infinity or text
    get a clear error before the ORM tries to round or store them (it would fail with
    a bare ValueError). ``_checked_numbers``: the fields checked; the model calls
    ``_check_number_vals`` first thing in its create and write (the desk's wizards
    through overseas.return.desk.numbers.mixin)."""

    _name = 'overseas.return.numbers.mixin'
    _description = 'Quantities Checked Before Storing'
    _checked_numbers = ()

    def _check_number_vals(self, vals):
        for name in self._checked_numbers:
            value = vals.get(name)
            if value in (False, None):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise ValidationError(_('%(field)s must be a number, not %(value)r.') % {
                    'field': self._fields[name].get_description(self.env)['string'],
                    'value': value})
