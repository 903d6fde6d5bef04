from odoo import api, models


class OverseasReturnLine(models.Model):
    """Lines a portal user adds are checked with their return's request."""

    _inherit = 'overseas.return.line'

    @api.constrains('order_id', 'product_id', 'product_qty', 'price_unit', 'sale_line_id')
    def _check_portal_request_line(self):
        if self.env.user.share:
            self.mapped('order_id')._check_portal_request()
