"""GS1-128 at the scanner: a unit's barcode carrying its GTIN (AI 01), lot (10), expiry
(17) and serial number (21) counts the unit and records its lot or serial."""
import re
from datetime import datetime

from odoo import _, fields, models

from .overseas_return_scanner import ScanRefused

GS = '\x1d'  # FNC1 as scanners send it
# fixed-length application identifiers we read (others end at a GS or the next '(')
FIXED_AIS = {'01': 14, '11': 6, '15': 6, '17': 6}
VARIABLE_AIS = ('10', '21')


def parse_gs1(code):
    """{ai: value} of a GS1-128 code, raw (FNC1 as GS, optionally ']C1' first) or
    human-readable '(01)...(21)...'; {} when it is not one carrying a GTIN."""
    code = (code or '').strip()
    if code.startswith(']C1'):
        code = code[3:]
    result = {}
    if code.startswith('('):
        for ai, value in re.findall(r'\((\d{2,4})\)([^(]*)', code):
            result[ai] = value.strip()
        return result if '01' in result else {}
    if not code.startswith('01') or len(code) < 16:
        return {}
    position = 0
    while position < len(code):
        if code[position] == GS:
            position += 1
            continue
        ai = code[position:position + 2]
        position += 2
        if ai in FIXED_AIS:
            length = FIXED_AIS[ai]
            result[ai] = code[position:position + length]
            position += length
        elif ai in VARIABLE_AIS:
            end = code.find(GS, position)
            end = len(code) if end < 0 else end
            result[ai] = code[position:end]
            position = end
        else:
            return {}  # an AI we do not read: not ours to guess
    if len(result.get('01', '')) != 14 or not result['01'].isdigit():
        return {}
    return result


def gs1_date(value):
    """YYMMDD (DD 00: end of month, taken as day 28) as a datetime string, or False."""
    if not value or len(value) != 6 or not value.isdigit():
        return False
    day = int(value[4:6]) or 28
    try:
        return fields.Datetime.to_string(datetime(2000 + int(value[:2]), int(value[2:4]), day))
    except ValueError:
        return False


class OverseasReturnScanner(models.Model):
    _inherit = 'overseas.return.scanner'

    def _scan_gs1(self, code):
        """Called by _process_code before a plain product lookup; None when the code
        is no GS1 unit barcode of a known product."""
        data = parse_gs1(code)
        if not data:
            return None
        gtin = data['01']
        product = self.env['product.product'].search(
            [('barcode', 'in', [gtin, gtin[1:], gtin.lstrip('0')])], limit=1)
        if not product:
            return None
        name = data.get('21') or data.get('10')
        if not name:
            return self._scan_product(product)
        if product.tracking == 'none':
            # the label carries a lot the product is not tracked by: the unit counts
            outcome = self._scan_product(product)
            return (_('%(message)s (The lot on the label is not recorded: %(product)s is '
                      'not tracked by lots or serial numbers.)') % {
                'message': outcome[0], 'product': product.display_name},) + \
                tuple(outcome[1:])
        order = self.order_id
        if order.state == 'approved' or (order.is_unidentified and order.state == 'draft'):
            return self._count_gs1_unit(product, name, data)
        return self._select_gs1_unit(product, name)

    def _count_gs1_unit(self, product, name, data):
        """Count the unit and record its lot or serial number on the line (the scan
        log keeps it for UNDO). A serial number counts once."""
        order = self.order_id
        lines = order.line_ids.filtered(lambda line: line.product_id == product)
        if product.tracking == 'serial' and name in lines.mapped('lot_ids.name'):
            raise ScanRefused(_('Serial number %(serial)s of %(product)s is already counted '
                                'on %(order)s. Nothing changed. Scan the next unit.') % {
                'serial': name, 'product': product.display_name, 'order': order.name})
        outcome = self._scan_product(product)
        line = self.line_id
        if not line or line.product_id != product:
            return outcome
        lots = line._find_or_create_lots([name])
        expiry = gs1_date(data.get('17'))
        if expiry:
            lots.filtered(lambda lot: not lot.life_date).sudo().write({'life_date': expiry})
        line.write({'lot_ids': [(4, lot.id) for lot in lots]})
        log_values = dict(outcome[2]) if len(outcome) > 2 else {}
        log_values['lot_id'] = lots[:1].id
        return (_('%(message)s Lot/serial %(lot)s.') % {'message': outcome[0], 'lot': name},
                outcome[1], log_values)

    def _select_gs1_unit(self, product, name):
        """After the receipt a unit's label picks its line for inspection or disposal:
        its lot or serial number must be one received on the line (never added)."""
        outcome = self._scan_product(product)
        line = self.line_id
        if line and line.product_id == product and line.lot_ids \
                and name not in line.lot_ids.mapped('name'):
            raise ScanRefused(_('%(lot)s is not a lot or serial number received for '
                                '%(product)s on %(order)s. Nothing changed. Scan the '
                                'label of a unit of this parcel.') % {
                'lot': name, 'product': product.display_name,
                'order': self.order_id.name})
        return (_('%(message)s Lot/serial %(lot)s.') % {'message': outcome[0], 'lot': name},
                ) + tuple(outcome[1:])
