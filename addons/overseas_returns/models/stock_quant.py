from odoo import api, models

# set on the desk's own transfers (overseas_return_line.MACHINE_TRANSFER_CONTEXT)
MACHINE_TRANSFER_KEY = 'overseas_return_machine_transfer'


class StockQuant(models.Model):
    _inherit = 'stock.quant'

    @api.model
    def _get_available_quantity(self, product_id, location_id, lot_id=None, package_id=None,
                                owner_id=None, strict=False, allow_negative=False):
        """On the desk's own transfers, no count of the units left where a quant without
        lot was just updated.

        ``_update_available_quantity`` ends by counting, in the location and its children,
        what is left of the product (a location search, a quant search and a read, twice
        per move line done). Odoo reads that figure only for a lot, to make up a negative
        lot quant from untracked units; for a quant without lot it is thrown away. It is
        the only caller asking with ``allow_negative`` and not ``strict``.
        """
        if allow_negative and not strict and not lot_id \
                and self.env.context.get(MACHINE_TRANSFER_KEY):
            return 0.0
        return super(StockQuant, self)._get_available_quantity(
            product_id, location_id, lot_id=lot_id, package_id=package_id,
            owner_id=owner_id, strict=strict, allow_negative=allow_negative)
