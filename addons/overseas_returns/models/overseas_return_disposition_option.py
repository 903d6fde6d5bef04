from odoo import api, fields, models

from .overseas_return_grade import DISPOSITIONS
from .overseas_return_guard import with_line_values


class OverseasReturnDispositionOption(models.Model):
    """One allowed disposition of a return line and what it is expected to be worth.

    Written at inspection by the line (overseas_return_line_economics.py), read-only
    for everyone else: the record of why a disposition was proposed.
    """

    _name = 'overseas.return.disposition.option'
    _description = 'Return Disposition Option'
    _order = 'line_id, expected_net desc, id'

    line_id = fields.Many2one('overseas.return.line', string='Return Line',
                              required=True, ondelete='cascade', index=True,
                              readonly=True)
    # the line's return, stored from the line at creation
    # (overseas_return_guard.with_line_values; the line never changes)
    order_id = fields.Many2one('overseas.return.order', string='Return', readonly=True)
    disposition = fields.Selection(DISPOSITIONS, required=True, readonly=True)
    currency_id = fields.Many2one('res.currency', required=True, readonly=True)
    expected_recovery = fields.Monetary(
        readonly=True, help='What the units are expected to bring back.')
    expected_cost = fields.Monetary(readonly=True,
                                    help='Handling, rework, freight, duty or fees.')
    expected_net = fields.Monetary(readonly=True, help='Recovery minus cost.')
    is_proposed = fields.Boolean(string='Proposed', readonly=True)
    is_chosen = fields.Boolean(compute='_compute_is_chosen', string='Chosen')

    @api.model
    def create(self, vals):
        return super(OverseasReturnDispositionOption, self).create(with_line_values(
            self, vals, 'line_id', {'order_id': 'order_id'}, create=True))

    def _compute_is_chosen(self):
        for option in self:
            option.is_chosen = option.disposition == option.line_id.disposition
