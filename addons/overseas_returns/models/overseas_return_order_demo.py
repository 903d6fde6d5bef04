import datetime
from collections import namedtuple

from odoo import api, fields, models

# One returned product: the grade is what inspection will find (None: not inspected
# yet); disposition overrides the proposed one (None: keep the proposal).
Line = namedtuple('Line', 'product qty reason grade lpn disposition',
                  defaults=(None, None, None))

# Where each demo return ends up. "rework" is disposed of with the rework still in
# progress, so the order waits in "inspected". Oldest first: the first return was
# requested len(DEMO_RETURNS) + 1 days ago, the last one two days ago.
# (target, customer, warehouse, channel, marketplace order, tracking, method, lines)
DEMO_RETURNS = [
    ('done', 'miller', 'USW', 'amazon', '113-4829173-2291044', '1Z8V52W90312458476',
     'ship_back', [Line('earbuds', 1, 'changed_mind', 'A', 'LPNRR4817203395')]),
    ('done', 'johnson', 'USW', 'shopify', '#1042', '9400111899223197428490',
     'ship_back', [Line('phone_case', 2, 'colour_differs', 'B'),
                   Line('yoga_mat', 1, 'not_needed', 'A')]),
    ('done', 'fischer', 'DEF', 'amazon', '302-6183920-4471527', '00340434161094042557',
     'drop_off',
     [Line('desk_lamp', 1, 'manufacturing_defect', 'D', 'LPNRR5520918843')]),
    ('done', 'becker', 'DEF', 'ebay', '04-11872-39016', '00340434518800127391',
     'ship_back', [Line('mug_set', 1, 'damaged_in_transit', 'F')]),
    ('done', 'tanaka', 'JPT', 'own_shop', 'WEB-100318', '438912765530',
     'pickup', [Line('gummies', 3, 'other', 'E')]),
    ('done', 'sato', 'JPT', 'amazon', '249-5590137-7712406', '571034862295',
     'ship_back', [Line('rain_jacket', 1, 'size_differs', 'C', 'LPNRR6093371528')]),
    ('done', 'miller', 'USW', 'ebay', '12-10563-44821', '9405536897846102115367',
     'ship_back', [Line('power_bank', 1, 'function_differs', 'D')]),
    ('done', 'fischer', 'DEF', 'shopify', '#1187', 'H1002650071239501017',
     'drop_off', [Line('rain_jacket', 1, 'unsuitable', 'D'),
                  Line('phone_case', 1, 'not_needed', 'C', disposition='donate')]),
    ('done', 'johnson', 'USW', 'own_shop', 'WEB-100452', '1Z4F73X20398127745',
     'pickup', [Line('yoga_mat', 1, 'packaging_problem', 'B'),
                Line('phone_case', 1, 'packaging_problem', 'A')]),
    ('done', 'tanaka', 'JPT', 'amazon', '503-1846620-3358014', '360218794455',
     'ship_back', [Line('earbuds', 1, 'wrong_item', 'A', 'LPNRR7140256619'),
                   Line('phone_case', 1, 'wrong_item', 'A', 'LPNRR7140256620')]),
    ('done', 'becker', 'DEF', 'amazon', '028-3310785-9902346', '00340434620017745118',
     'ship_back', [Line('power_bank', 1, 'arrived_late', 'A', 'LPNRR3385102974')]),
    ('done', 'miller', 'USW', 'shopify', '#2306', '784512963014',
     'ship_back', [Line('desk_lamp', 1, 'damaged_in_transit', 'D')]),
    ('rework', 'sato', 'JPT', 'shopify', '#1311', '438912771046',
     'ship_back', [Line('mug_set', 1, 'changed_mind', 'C')]),
    ('rework', 'fischer', 'DEF', 'own_shop', 'WEB-100597', '00340434518800169032',
     'ship_back', [Line('earbuds', 1, 'colour_differs', 'C'),
                   Line('phone_case', 1, 'colour_differs', 'B')]),
    ('inspected', 'johnson', 'USW', 'amazon', '112-7730514-6628219',
     '1Z8V52W90327719034', 'ship_back',
     [Line('gummies', 2, 'unsuitable', 'E', 'LPNRR8826610437')]),
    ('inspected', 'becker', 'DEF', 'ebay', '19-10944-62350', '00340434161094118260',
     'ship_back', [Line('power_bank', 1, 'manufacturing_defect', 'F')]),
    ('inspected', 'tanaka', 'JPT', 'amazon', '250-8127704-6630921', '571034870118',
     'ship_back', [Line('rain_jacket', 2, 'not_needed', 'B', 'LPNRR2209847716')]),
    ('inspected', 'miller', 'USW', 'own_shop', 'WEB-100631', '9400111899223205517731',
     'ship_back', [Line('yoga_mat', 1, 'other', 'D')]),
    ('received', 'sato', 'JPT', 'amazon', '249-7045318-2286593', '360218806127',
     'ship_back', [Line('earbuds', 1, 'function_differs', None, 'LPNRR9051174382')]),
    ('received', 'johnson', 'USW', 'ebay', '27-11205-80473', '1Z4F73X20401836652',
     'pickup', [Line('desk_lamp', 1, 'manufacturing_defect', 'D'),
                Line('mug_set', 1, 'damaged_in_transit')]),
    ('received', 'fischer', 'DEF', 'shopify', '#2419', '00340434620017790045',
     'ship_back', [Line('gummies', 2, 'arrived_late')]),
    ('received', 'miller', 'USW', 'amazon', '111-5528063-9184725',
     '9405536897846119820471', 'ship_back',
     [Line('power_bank', 1, 'changed_mind', None, 'LPNRR1478033265')]),
    ('approved', 'becker', 'DEF', 'amazon', '305-7724416-1059338',
     '00340434161094203348', 'drop_off',
     [Line('yoga_mat', 1, 'colour_differs')]),
    ('approved', 'tanaka', 'JPT', 'ebay', '08-10387-55129', '438912790273',
     'ship_back', [Line('desk_lamp', 1, 'not_needed'),
                   Line('earbuds', 1, 'not_needed')]),
    ('approved', 'johnson', 'USW', 'own_shop', 'WEB-100688', False,
     'pickup', [Line('rain_jacket', 1, 'size_differs')]),
    ('draft', 'miller', 'USW', 'amazon', '113-9916402-3370158', False,
     'ship_back', [Line('phone_case', 1, 'wrong_item')]),
    ('draft', 'sato', 'JPT', 'shopify', '#1520', False,
     'ship_back', [Line('mug_set', 1, 'changed_mind')]),
    ('draft', 'fischer', 'DEF', 'ebay', '12-11427-06381', False,
     'drop_off', [Line('power_bank', 1, 'manufacturing_defect')]),
    ('rejected', 'johnson', 'USW', 'amazon', '112-2047795-8815361', False,
     'returnless', [Line('gummies', 1, 'changed_mind')]),
    ('rejected', 'becker', 'DEF', 'own_shop', 'WEB-100702', False,
     'ship_back', [Line('yoga_mat', 1, 'arrived_late')]),
    ('cancel', 'tanaka', 'JPT', 'amazon', '249-3318825-5901742', False,
     'ship_back', [Line('earbuds', 1, 'not_needed')]),
    ('cancel', 'miller', 'USW', 'shopify', '#2453', False,
     'ship_back', [Line('desk_lamp', 1, 'other')]),
]

WAREHOUSES = {'USW': 'warehouse_us_west', 'DEF': 'warehouse_de_frankfurt',
              'JPT': 'warehouse_jp_tokyo'}
CUSTOMERS = {'miller': 'partner_us_miller', 'johnson': 'partner_us_johnson',
             'fischer': 'partner_de_fischer', 'becker': 'partner_de_becker',
             'tanaka': 'partner_jp_tanaka', 'sato': 'partner_jp_sato'}

CUSTOMER_NOTES = {
    'size_differs': 'Runs a full size small compared with the size chart.',
    'colour_differs': 'The colour is much darker than on the product photos.',
    'function_differs': 'Does not work with my device as the listing claimed.',
    'wrong_item': 'This is not the item I ordered.',
    'manufacturing_defect': 'Stopped working after two days.',
    'damaged_in_transit': 'The box arrived crushed and the item is broken.',
    'packaging_problem': 'The retail box was torn open when it arrived.',
    'arrived_late': 'Arrived after the date I needed it for.',
    'not_needed': 'Ordered twice by mistake.',
    'unsuitable': 'Not suitable for what I needed it for.',
    'changed_mind': 'Changed my mind.',
    'other': 'It was a gift and they already have one.',
}

# What the inspector writes, and which checklist item (by sequence in the standard
# template) fails, per grade.
INSPECTION_NOTES = {
    'A': 'Factory seal intact.',
    'B': 'Opened, complete, no signs of use.',
    'C': 'Retail box scuffed and barcode label missing: relabel and repack.',
    'D': 'Defect confirmed on the bench.',
    'E': 'Past its best-before date.',
    'F': 'Safety risk (swollen battery or broken ceramic): destroy.',
}
FAILED_CHECK = {'C': 10, 'D': 30, 'E': 40, 'F': 50}
EXPIRY_CHECK = 40
PERISHABLE = ('gummies',)


class OverseasReturnOrderDemo(models.Model):
    _inherit = 'overseas.return.order'

    @api.model
    def _create_demo_returns(self):
        """Build the demo returns of DEMO_RETURNS through the real workflow."""
        def ref(name):
            return self.env.ref('overseas_returns.%s_demo' % name)

        reasons = {r.code: r for r in self.env['overseas.return.reason'].search([])}
        grades = {g.code: g for g in self.env['overseas.return.grade'].search([])}
        today = fields.Date.from_string(fields.Date.context_today(self))
        now = fields.Datetime.from_string(fields.Datetime.now())
        for index, spec in enumerate(DEMO_RETURNS):
            target, customer, warehouse, channel, origin, tracking, method, specs = spec
            requested = today - datetime.timedelta(days=len(DEMO_RETURNS) + 1 - index)
            order = self.create({
                'partner_id': ref(CUSTOMERS[customer]).id,
                'warehouse_id': ref(WAREHOUSES[warehouse]).id,
                'channel_id': self.env.ref('overseas_returns.channel_%s' % channel).id,
                'origin_ref': origin,
                'tracking_ref': tracking,
                'return_method': method,
                'date_requested': fields.Date.to_string(requested),
                'line_ids': [(0, 0, {
                    'sequence': 10 * (position + 1),
                    'product_id': ref('product_%s' % line.product).id,
                    'product_qty': line.qty,
                    'reason_id': reasons[line.reason].id,
                    'lpn': line.lpn,
                    'customer_note': CUSTOMER_NOTES[line.reason],
                }) for position, line in enumerate(specs)],
            })
            if target == 'rejected':
                order.action_reject()
            elif target == 'cancel':
                order.action_cancel()
            if target in ('draft', 'rejected', 'cancel'):
                continue
            order.action_approve()
            if target == 'approved':
                continue
            order.parcel_condition = _parcel_condition(specs)
            order.action_receive()
            received = min(now, datetime.datetime.combine(
                requested, datetime.time(9, 30)) + datetime.timedelta(days=3))
            order.date_received = fields.Datetime.to_string(received)
            pairs = list(zip(order.line_ids, specs))
            _inspect([(line, spec_line) for line, spec_line in pairs
                      if spec_line.grade], grades,
                     received + datetime.timedelta(hours=20))
            for line, spec_line in pairs:
                if spec_line.disposition:
                    line.disposition = spec_line.disposition
            if target in ('received', 'inspected'):
                continue
            order.line_ids.action_dispose()
            if target == 'done':
                in_rework = order.line_ids.filtered(
                    lambda line: line.rework_state == 'in_progress')
                in_rework.action_rework_done()
                order.date_done = fields.Datetime.to_string(
                    min(now, received + datetime.timedelta(days=2, hours=3)))
        return True


def _parcel_condition(specs):
    reasons = {line.reason for line in specs}
    if reasons & {'damaged_in_transit', 'packaging_problem'}:
        return 'box_damaged'
    if {line.grade for line in specs} & {'B', 'C'}:
        return 'opened'
    return 'intact'


def _inspect(pairs, grades, when):
    """Inspect (line, spec line) pairs: grade, answer the checklist, confirm."""
    if not pairs:
        return
    lines = pairs[0][0].browse([line.id for line, _spec in pairs])
    lines.action_inspect()
    for line, spec_line in pairs:
        inspection = line.inspection_ids.filtered(lambda i: i.state == 'draft')
        inspection.write({
            'grade_id': grades[spec_line.grade].id,
            'date': fields.Datetime.to_string(when),
            'note': INSPECTION_NOTES[spec_line.grade],
            'check_ids': [(1, check.id, {'result': _check_result(
                check, spec_line)}) for check in inspection.check_ids],
        })
    inspections = lines.mapped('inspection_ids').filtered(lambda i: i.state == 'draft')
    inspections.action_confirm()


def _check_result(check, spec_line):
    if check.sequence == FAILED_CHECK.get(spec_line.grade):
        return 'fail'
    if check.sequence == EXPIRY_CHECK and spec_line.product not in PERISHABLE:
        return 'na'
    return 'pass'
