from odoo import api, models
from odoo.tools import float_round


class StockReturnPicking(models.TransientModel):
    _inherit = 'stock.return.picking'

    @api.model
    def default_get(self, fields_list):
        """Propose only what is still at the customer's.

        Odoo 11 subtracts the reserved quantity of earlier returns, which drops to zero
        once they are done: a delivery taken back in full, by Odoo's own Return button or
        by a received customer return (an Odoo return of the delivery too), would be
        offered again.  Returns under way or done count with their quantity.
        """
        result = super(StockReturnPicking, self).default_get(fields_list)
        commands = result.get('product_return_moves') or []
        moves = self.env['stock.move'].browse(
            [command[2]['move_id'] for command in commands if len(command) > 2])
        for command, move in zip(commands, moves):
            returned = sum(move.returned_move_ids.filtered(
                lambda ret: ret.state not in ('draft', 'cancel')).mapped('product_qty'))
            left = float_round(max(move.product_qty - returned, 0.0),
                               precision_rounding=move.product_uom.rounding)
            command[2]['quantity'] = min(command[2]['quantity'], left)
        return result
