from odoo import api, fields, models


class OverseasReturnLine(models.Model):
    _inherit = 'overseas.return.line'

    delivery_move_id = fields.Many2one(
        'stock.move', string='Original Delivery Move', compute='_compute_delivery_move_id',
        store=True, index=True, readonly=True, copy=False,
        help='The done delivery move these goods came from: the first one of the same '
             'product on the original delivery, else the first delivery of the sale '
             'line. Kept stored so the return rate report stays fast.')

    @api.depends('order_id.delivery_id', 'product_id', 'sale_line_id')
    def _compute_delivery_move_id(self):
        """Used by overseas.return.rate.report to count a return in its delivery cohort."""
        pickings = self.mapped('order_id.delivery_id')
        sale_lines = self.mapped('sale_line_id')
        by_picking, by_sale_line = {}, {}
        if pickings or sale_lines:
            domain = [('state', '=', 'done'), ('location_id.usage', '=', 'internal'),
                      ('location_dest_id.usage', '=', 'customer')]
            if pickings and sale_lines:
                domain += ['|', ('picking_id', 'in', pickings.ids),
                           ('sale_line_id', 'in', sale_lines.ids)]
            elif pickings:
                domain.append(('picking_id', 'in', pickings.ids))
            else:
                domain.append(('sale_line_id', 'in', sale_lines.ids))
            moves = self.env['stock.move'].sudo().search(domain, order='id')
            for move in moves:
                by_picking.setdefault((move.picking_id.id, move.product_id.id), move.id)
                if move.sale_line_id:
                    by_sale_line.setdefault(move.sale_line_id.id, move.id)
        for line in self:
            line.delivery_move_id = by_picking.get(
                (line.order_id.delivery_id.id, line.product_id.id)) or by_sale_line.get(
                    line.sale_line_id.id) or False
