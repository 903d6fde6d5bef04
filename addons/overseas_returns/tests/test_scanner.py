from lxml import etree

from odoo import api
from odoo.exceptions import AccessError, UserError

from .common import ReturnsCase


class TestScannerReceive(ReturnsCase):
    """The scanner screen: parcel codes, product counts, commands, unidentified parcels."""

    @classmethod
    def setUpClass(cls):
        super(TestScannerReceive, cls).setUpClass()
        cls.order = cls._create_order(
            [(cls.earbuds, 2.0, cls.reason_defect), (cls.mug, 1.0, cls.reason_changed_mind)],
            tracking_ref='1Z999AA10123456784', origin_ref='113-5550001-0000001')
        cls.order.line_ids.filtered(lambda l: l.product_id == cls.mug).lpn = 'LPN0001234'
        cls.order.action_approve()
        cls.Order = cls.env['overseas.return.order']

    def _scanner(self, user=None):
        """A fresh saved scanner of the user, as the screen or an integration uses it."""
        return self.env['overseas.return.scanner'].sudo(user or self.user).create(
            {'warehouse_id': self.warehouse.id})

    def _line(self, product):
        return self.order.line_ids.filtered(lambda l: l.product_id == product)

    def test_every_parcel_code_opens_its_return(self):
        for code in (self.order.name, '1Z999AA10123456784', '113-5550001-0000001',
                     'LPN0001234'):
            scanner = self._scanner()
            result = scanner.scan(code)
            self.assertEqual(result['message_type'], 'success', code)
            self.assertEqual(scanner.order_id, self.order, code)
            self.assertIn(self.order.name, result['message'])
            self.assertEqual(scanner.line_ids, self.order.line_ids)

    def test_several_matches_are_listed_then_picked_by_return_number(self):
        other = self._create_order(origin_ref='113-5550001-0000001')
        scanner = self._scanner()
        result = scanner.scan('113-5550001-0000001')
        self.assertEqual(result['message_type'], 'warning')
        self.assertFalse(scanner.order_id)
        self.assertEqual(scanner.candidate_order_ids, self.order | other)
        scanner.scan(other.name)
        self.assertEqual(scanner.order_id, other)
        self.assertFalse(scanner.candidate_order_ids)

    def test_product_scans_count_units_until_the_announced_quantity(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        result = scanner.scan('4006381333931')  # barcode
        self.assertEqual(result['message_type'], 'success')
        self.assertIn('1 of 2', result['message'])
        scanner.scan('EB-01')  # internal reference
        self.assertEqual(self._line(self.earbuds).qty_received, 2.0)
        result = scanner.scan('4006381333931')  # a third unit was never announced
        self.assertEqual(result['message_type'], 'danger')
        self.assertEqual(self._line(self.earbuds).qty_received, 2.0)
        self.assertEqual(scanner.scan_count, 4)
        self.assertEqual(len(scanner.log_ids), 4)
        self.assertEqual(scanner.recent_log_ids.mapped('result'),
                         ['refused', 'done', 'done', 'done'], 'the last scan first')

    def test_unknown_codes_and_products_change_nothing(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        orders_before = self.Order.search_count([])
        result = scanner.scan('NO-SUCH-CODE-42')
        self.assertEqual(result['message_type'], 'danger')
        self.assertIn('NO-SUCH-CODE-42', result['message'])
        self.assertEqual(self.Order.search_count([]), orders_before)
        stranger = self.env['product.product'].create({
            'name': 'Desk Lamp', 'default_code': 'LAMP-01', 'type': 'product'})
        result = scanner.scan('LAMP-01')
        self.assertEqual(result['message_type'], 'danger')
        self.assertIn('Desk Lamp', result['message'])
        self.assertNotIn(stranger, self.order.line_ids.mapped('product_id'))
        self.assertEqual(sum(self.order.line_ids.mapped('qty_received')), 0.0)
        self.assertEqual(scanner.order_id, self.order, 'the open return stays open')
        result = scanner.scan('ORT-NO-SUCH-COMMAND')
        self.assertEqual(result['message_type'], 'danger')

    def test_unexpected_unit_needs_a_manager_command(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        result = scanner.scan('ORT-EXTRA')
        self.assertEqual(result['message_type'], 'danger')
        self.assertFalse(scanner.allow_extra)
        lamp = self.env['product.product'].create({
            'name': 'Desk Lamp', 'default_code': 'LAMP-01', 'type': 'product'})
        manager_scanner = self._scanner(self.manager)
        manager_scanner.scan(self.order.name)
        manager_scanner.scan('ORT-EXTRA')
        self.assertTrue(manager_scanner.allow_extra)
        result = manager_scanner.scan('LAMP-01')
        self.assertEqual(result['message_type'], 'warning')
        lamp_line = self.order.line_ids.filtered(lambda l: l.product_id == lamp)
        self.assertEqual((lamp_line.product_qty, lamp_line.qty_received), (1.0, 1.0))
        self.assertFalse(manager_scanner.allow_extra, 'one command, one unit')
        result = manager_scanner.scan('LAMP-01')
        self.assertEqual(result['message_type'], 'danger')
        self.assertEqual(lamp_line.qty_received, 1.0)
        # one earbud more than announced: accepted, and the worker can still validate
        manager_scanner.scan('EB-01')
        manager_scanner.scan('EB-01')
        self.assertEqual(manager_scanner.scan('EB-01')['message_type'], 'danger')
        manager_scanner.scan('ORT-EXTRA')
        manager_scanner.scan('EB-01')
        earbuds = self._line(self.earbuds)
        self.assertEqual((earbuds.product_qty, earbuds.qty_received), (3.0, 3.0))
        self.assertEqual(len(self.order.message_ids.filtered(
            lambda m: 'accepted at the scanner' in (m.body or ''))), 2)
        scanner.scan('MUG-01')
        result = scanner.scan('ORT-VALIDATE')
        self.assertEqual(result['message_type'], 'success', result['message'])
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 3.0)
        self.assertEqual(self.qty_at(lamp, self.return_location), 1.0)

    def test_undo_takes_back_the_last_count(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        scanner.scan('MUG-01')
        self.assertEqual(self._line(self.mug).qty_received, 1.0)
        self.assertEqual(scanner.scan('ORT-UNDO')['message_type'], 'success')
        self.assertEqual(self._line(self.mug).qty_received, 0.0)
        self.assertEqual(scanner.scan('ORT-UNDO')['message_type'], 'danger')
        self.assertEqual(self._line(self.mug).qty_received, 0.0)

    def test_validate_receives_what_was_counted(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        result = scanner.scan('ORT-VALIDATE')
        self.assertEqual(result['message_type'], 'danger')
        self.assertEqual(self.order.state, 'approved')
        scanner.scan('4006381333931')
        scanner.scan('MUG-01')
        result = scanner.scan('ORT-VALIDATE')
        # one earbud of two arrived: said, and where the other one waits
        self.assertEqual(result['message_type'], 'warning', result['message'])
        self.assertIn('Wireless Earbuds 1 of 2', result['message'])
        self.assertEqual(self.order.state, 'received')
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 1.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 1.0)
        backorder = self.order.picking_ids.filtered(lambda p: p.state != 'done')
        self.assertEqual(backorder.move_lines.product_id, self.earbuds,
                         'the unit that did not arrive waits in a backorder')
        result = scanner.scan('4006381333931')
        self.assertIn('Inspecting', result['message'])
        self.assertEqual(self._line(self.earbuds).qty_received, 1.0)

    def test_a_product_not_counted_waits_in_the_backorder(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        scanner.scan('MUG-01')
        scanner.scan('ORT-VALIDATE')
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(self.qty_at(self.mug, self.return_location), 1.0)
        backorder = self.order.picking_ids.filtered(lambda p: p.state != 'done')
        self.assertEqual(backorder.move_lines.product_uom_qty, 2.0)
        result = scanner.scan('EB-01')
        self.assertEqual(result['message_type'], 'danger')
        self.assertFalse(self.env['overseas.return.inspection'].search(
            [('line_id', 'in', self.order.line_ids.ids)]))

    def test_unidentified_parcel_path(self):
        scanner = self._scanner()
        scanner.scan('JD0001112223334445')  # a first unknown scan asks for a second one
        result = scanner.scan('JD0001112223334445')
        self.assertEqual(result['message_type'], 'warning')
        self.assertIn('unidentified', result['message'])
        parcel = scanner.order_id
        self.assertTrue(parcel.is_unidentified)
        self.assertEqual(parcel.state, 'draft')
        self.assertEqual(parcel.tracking_ref, 'JD0001112223334445')
        self.assertEqual(parcel.warehouse_id, self.warehouse)
        scanner.scan('EB-01')
        result = scanner.scan('EB-01')
        self.assertIn('2 in the parcel', result['message'])
        earbuds = parcel.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        self.assertEqual(scanner.line_ids, earbuds, 'the screen lists what the message says')
        self.assertEqual(earbuds.qty_received, 2.0)
        scanner.scan('MUG-01')
        self.assertEqual(len(parcel.line_ids), 2)
        self.assertEqual(scanner.line_ids, parcel.line_ids)
        earbuds = parcel.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        self.assertEqual((earbuds.product_qty, earbuds.qty_received), (2.0, 2.0))
        scanner.scan('ORT-UNDO')  # the mug was a mistake
        self.assertEqual(parcel.line_ids.mapped('product_id'), self.earbuds)
        result = scanner.scan('ORT-VALIDATE')
        self.assertEqual(result['message_type'], 'danger')
        self.assertEqual(parcel.state, 'draft')
        # it says what to do instead of validating
        self.assertIn('unidentified parcel', result['message'])
        self.assertIn('Unidentified Parcels', result['message'])
        self.assertIn('ORT-NEXT', result['message'])
        # the same parcel scanned again opens it instead of registering it twice
        again = self._scanner()
        again.scan('JD0001112223334445')
        self.assertEqual(again.order_id, parcel)
        self.assertEqual(self.Order.search_count(
            [('tracking_ref', '=', 'JD0001112223334445')]), 1)

    def test_validate_on_an_unidentified_parcel_names_the_menu_as_shown(self):
        """The message names the menu by the name the worker's menu shows (its
        Chinese translation once named a menu that does not exist)."""
        menu = self.env.ref('overseas_returns.overseas_return_order_menu_unidentified')
        menu.name = 'Parcels To Match'
        scanner = self._scanner()
        scanner.scan('JD0009998887776665')
        scanner.scan('JD0009998887776665')
        scanner.scan('EB-01')
        result = scanner.with_context(lang=None).scan('ORT-VALIDATE')
        self.assertEqual(result['message_type'], 'danger')
        self.assertIn('(menu Parcels To Match)', result['message'])
        self.assertEqual(scanner.order_id.state, 'draft')

    def test_returns_not_waiting_for_goods_count_nothing(self):
        draft = self._create_order(tracking_ref='DRAFT-PARCEL-1')
        rejected = self._create_order(tracking_ref='REJECTED-PARCEL-1')
        rejected.action_reject()
        for order, greeting in ((draft, 'warning'), (rejected, 'danger')):
            scanner = self._scanner()
            self.assertEqual(scanner.scan(order.tracking_ref)['message_type'], greeting)
            self.assertEqual(scanner.order_id, order)
            self.assertEqual(scanner.scan('EB-01')['message_type'], 'danger')
            self.assertEqual(scanner.scan('ORT-UNDO')['message_type'], 'danger')
            self.assertEqual(scanner.scan('ORT-VALIDATE')['message_type'], 'danger')
            self.assertEqual(order.line_ids.qty_received, 0.0)
        self.assertEqual((draft.state, rejected.state), ('draft', 'rejected'))

    def test_product_before_parcel_is_refused(self):
        scanner = self._scanner()
        orders_before = self.Order.search_count([])
        result = scanner.scan('EB-01')
        self.assertEqual(result['message_type'], 'danger')
        self.assertEqual(self.Order.search_count([]), orders_before)

    def test_integrations_scan_through_a_saved_scanner(self):
        """The same logic on a saved scanner, as an RPC client would call it: plain
        values back, never records."""
        scanner = self.env['overseas.return.scanner'].sudo(self.user).create(
            {'warehouse_id': self.warehouse.id})
        scanner.scan('LPN0001234')
        self.assertEqual(scanner.order_id, self.order)
        result = scanner.scan('MUG-01')
        self.assertEqual(result['message_type'], 'success')
        self.assertEqual(result['result'], 'done')
        self.assertEqual((result['order_id'], result['line_id'], result['scanner_id']),
                         (self.order.id, self._line(self.mug).id, scanner.id))
        self.assertTrue(all(isinstance(value, (str, int, bool))
                            for value in result.values()), result)
        with self.assertRaises(UserError):
            scanner.scan('  ')
        self.assertEqual(self._line(self.mug).qty_received, 1.0)
        self.assertEqual(scanner.scan('MUG-01')['message_type'], 'danger')
        self.assertEqual(self._line(self.mug).qty_received, 1.0)

    def test_every_list_of_the_screen_shows_on_a_handheld(self):
        """Odoo's web client shows an x2many field without a kanban view as an empty
        card per record on a phone-sized screen (the unidentified parcel's lines were
        blank on a handheld): each list of the scanner names its mode, and the views
        of that mode are in the form."""
        view = self.env['overseas.return.scanner'].sudo(self.user).fields_view_get(
            view_type='form')
        relational = [node for node in etree.fromstring(view['arch']).iter('field')
                      if view['fields'][node.get('name')]['type'] in ('one2many',
                                                                      'many2many')]
        self.assertIn('line_ids', [node.get('name') for node in relational])
        for node in relational:
            name = node.get('name')
            self.assertTrue(node.get('mode'), name)
            for mode in node.get('mode').split(','):
                self.assertIn(mode, view['fields'][name]['views'], name)
        cards = view['fields']['line_ids']['views']['kanban']['arch']
        for css in ('product', 'counted', 'announced', 'state'):
            self.assertIn('o_overseas_scanner_line_%s' % css, cards)
        self.assertNotIn('oe_kanban_global_click', cards, 'a tap opens no dialog')

    def test_the_screen_reloads_what_the_scan_wrote(self):
        """The screen reads the saved scanner again after each scan: the new count,
        message and log are in the database, seen from a fresh environment."""
        scanner = self._scanner()
        scanner.scan(self.order.name)
        scanner.scan('EB-01')
        fresh = api.Environment(self.cr, self.user.id, {})
        screen = fresh['overseas.return.scanner'].browse(scanner.id)
        screen.invalidate_cache(ids=screen.ids)
        values = screen.read(['message', 'message_type', 'scan_count', 'line_ids',
                              'recent_log_ids'])[0]
        self.assertIn('1 of 2', values['message'])
        self.assertEqual((values['message_type'], values['scan_count']), ('success', 2))
        counted = fresh['overseas.return.line'].browse(values['line_ids']).filtered(
            lambda l: l.product_id == self.earbuds).qty_received
        self.assertEqual(counted, 1.0, 'the list on the screen shows the new count')
        self.assertEqual(len(values['recent_log_ids']), 2)

    def test_user_without_returns_rights_is_refused(self):
        clerk = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Sales Clerk', 'login': 'ort_clerk',
            'groups_id': [(6, 0, [self.env.ref('base.group_user').id])]})
        Scanner = self.env['overseas.return.scanner'].sudo(clerk)
        orders_before = self.Order.sudo().search_count([])
        with self.assertRaises(AccessError):
            Scanner.action_open_scanner(self.warehouse.id)
        with self.assertRaises(AccessError):
            self._scanner(clerk)
        # nor can anyone scan on someone else's scanner
        with self.assertRaises(AccessError):
            self._scanner().sudo(clerk).scan('JD0009998887776665')
        with self.assertRaises(AccessError):
            self._scanner(self.manager).sudo(self.user).scan('JD0009998887776665')
        self.assertEqual(self.Order.sudo().search_count([]), orders_before)
        with self.assertRaises(AccessError):
            self.order.sudo(clerk).line_ids.read(['qty_received'])

    def test_warehouse_tile_and_return_button_open_the_scanner(self):
        return_type = self.warehouse.return_type_id
        self.assertTrue(return_type.is_overseas_return_type)
        self.assertFalse(self.warehouse.in_type_id.is_overseas_return_type)
        action = return_type.sudo(self.user).action_open_returns_scanner()
        self.assertEqual(action['res_model'], 'overseas.return.scanner')
        Scanner = self.env['overseas.return.scanner'].sudo(self.user)
        scanner = Scanner.browse(action['res_id'])
        self.assertEqual((scanner.warehouse_id, scanner.user_id),
                         (self.warehouse, self.user))
        again = Scanner.action_open_scanner(self.warehouse.id)
        self.assertEqual(again['res_id'], scanner.id, 'one scanner per user and warehouse')
        self.assertNotEqual(
            Scanner.sudo(self.manager).action_open_scanner(self.warehouse.id)['res_id'],
            scanner.id)
        action = self.order.sudo(self.user).action_open_scanner()
        self.assertEqual(action['res_id'], scanner.id)
        self.assertEqual(scanner.order_id, self.order)
        self.assertIn(self.order.name, scanner.message)
        scanner.scan('MUG-01')
        self.assertEqual(self._line(self.mug).qty_received, 1.0)

    def test_the_log_says_who_scanned_what_and_what_it_did(self):
        scanner = self._scanner()
        scanner.scan(self.order.name)
        scanner.scan('EB-01')
        scanner.scan('NO-SUCH-CODE-42')
        manager_scanner = self._scanner(self.manager)
        manager_scanner.scan(self.order.name)
        manager_scanner.scan('ORT-EXTRA')
        Log = self.env['overseas.return.scan.log']
        logs = Log.search([('scanner_id', '=', scanner.id)], order='id')
        self.assertEqual(logs.mapped('code'), [self.order.name, 'EB-01', 'NO-SUCH-CODE-42'])
        self.assertEqual(logs.mapped('result'), ['done', 'done', 'refused'])
        self.assertEqual(logs.mapped('user_id'), self.user)
        self.assertEqual(logs.mapped('order_id'), self.order)
        self.assertEqual(logs[1].line_id, self._line(self.earbuds))
        self.assertEqual((logs[1].qty_delta, logs[2].qty_delta), (1.0, 0.0))
        self.assertIn('1 of 2', logs[1].message)
        self.assertIn('NO-SUCH-CODE-42', logs[2].message)
        self.assertTrue(logs[0].date)
        extra = Log.search([('scanner_id', '=', manager_scanner.id)], limit=1)
        self.assertEqual((extra.code, extra.user_id, extra.result),
                         ('ORT-EXTRA', self.manager, 'warning'))
        # the user reads and adds to the log, but only a manager may change it
        self.assertEqual(Log.sudo(self.user).search([('id', 'in', logs.ids)]), logs)
        with self.assertRaises(AccessError):
            logs[1].sudo(self.user).write({'qty_delta': 5.0})
        with self.assertRaises(AccessError):
            logs[1].sudo(self.user).unlink()
        self.assertEqual(logs[1].qty_delta, 1.0)
        logs[2].sudo(self.manager).unlink()
        self.assertEqual(len(scanner.log_ids), 2)

    def test_another_company_s_scans_are_hidden(self):
        other = self.env['res.company'].create({'name': 'EU Scanning Co'})
        other_wh = self.env['stock.warehouse'].search([('company_id', '=', other.id)],
                                                      limit=1)
        if not other_wh:
            other_wh = self.env['stock.warehouse'].create({
                'name': 'EU 3PL Scan', 'code': 'EUS', 'company_id': other.id})
        foreign = self.env['overseas.return.scanner'].create({'warehouse_id': other_wh.id})
        foreign.scan('ORT-NEXT')
        mine = self._scanner()
        mine.scan('ORT-NEXT')
        Log = self.env['overseas.return.scan.log'].sudo(self.manager)
        visible = Log.search([('scanner_id', 'in', (foreign | mine).ids)])
        self.assertEqual(visible, mine.log_ids)
        with self.assertRaises(AccessError):
            foreign.log_ids.sudo(self.manager).read(['code'])

    def test_undo_reads_the_log_after_a_reload(self):
        """UNDO finds the last count in the log, not in what the screen remembers: the
        scanner read again in a new environment undoes the counts one by one."""
        scanner = self._scanner()
        scanner.scan(self.order.name)
        scanner.scan('EB-01')
        scanner.scan('MUG-01')
        scanner.scan('ORT-NEXT')
        scanner.scan(self.order.name)
        fresh = api.Environment(self.cr, self.user.id, {})
        reloaded = fresh['overseas.return.scanner'].browse(scanner.id)
        reloaded.invalidate_cache(ids=reloaded.ids)
        self.assertFalse(reloaded.line_id, 'the screen forgot the last line')
        result = reloaded.scan('ORT-UNDO')
        self.assertEqual(result['message_type'], 'success', result['message'])
        self.assertEqual(self._line(self.mug).qty_received, 0.0)
        self.assertEqual(self._line(self.earbuds).qty_received, 1.0)
        Log = self.env['overseas.return.scan.log']
        mug_count = Log.search([('scanner_id', '=', scanner.id), ('code', '=', 'MUG-01')])
        undo = Log.browse(result['log_id'])
        self.assertEqual((undo.code, undo.undo_of_id, undo.line_id, undo.user_id),
                         ('ORT-UNDO', mug_count, self._line(self.mug), self.user))
        self.assertEqual(reloaded.scan('ORT-UNDO')['message_type'], 'success')
        self.assertEqual(self._line(self.earbuds).qty_received, 0.0)
        self.assertEqual(reloaded.scan('ORT-UNDO')['message_type'], 'danger')
        self.assertEqual(sum(self.order.line_ids.mapped('qty_received')), 0.0)
        self.assertEqual(len(Log.search([('scanner_id', '=', scanner.id),
                                         ('undo_of_id', '!=', False)])), 2)
        # another scanner's counts are not this scanner's to undo
        other = self._scanner()
        other.scan(self.order.name)
        scanner.scan('MUG-01')
        self.assertEqual(other.scan('ORT-UNDO')['message_type'], 'danger')
        self.assertEqual(self._line(self.mug).qty_received, 1.0)

    def test_undo_of_an_accepted_extra_unit_takes_back_the_announced_unit_too(self):
        scanner = self._scanner(self.manager)
        scanner.scan(self.order.name)
        scanner.scan('MUG-01')
        scanner.scan('ORT-EXTRA')
        scanner.scan('MUG-01')
        mug = self._line(self.mug)
        self.assertEqual((mug.product_qty, mug.qty_received), (2.0, 2.0))
        scanner.scan('ORT-UNDO')
        self.assertEqual((mug.product_qty, mug.qty_received), (1.0, 1.0))
        lamp = self.env['product.product'].create({
            'name': 'Desk Lamp', 'default_code': 'LAMP-01', 'type': 'product'})
        scanner.scan('ORT-EXTRA')
        scanner.scan('LAMP-01')
        self.assertIn(lamp, self.order.line_ids.mapped('product_id'))
        scanner.scan('ORT-UNDO')
        self.assertNotIn(lamp, self.order.line_ids.mapped('product_id'))

    def test_command_sheet_lists_every_command(self):
        sheet = self.env['overseas.return.scanner']._command_sheet()
        codes = [entry['code'] for entry in sheet]
        for code in ('ORT-VALIDATE', 'ORT-UNDO', 'ORT-EXTRA', 'ORT-NEXT', 'ORT-GRADE-A',
                     'ORT-GRADE-F', 'ORT-PASS', 'ORT-FAIL', 'ORT-PASS-ALL',
                     'ORT-FAULT-CARRIER', 'ORT-CONFIRM', 'ORT-DISP-RETURN-TO-ORIGIN',
                     'ORT-DISPOSE'):
            self.assertIn(code, codes)
        self.assertEqual(len(codes), len(set(codes)))
        self.assertTrue(all(entry['label'] for entry in sheet))


class TestScannerInspect(ReturnsCase):
    """A line inspected and disposed of from the scanner alone."""

    @classmethod
    def setUpClass(cls):
        super(TestScannerInspect, cls).setUpClass()
        cls.order = cls._create_received(
            [(cls.earbuds, 1.0, cls.reason_transit), (cls.mug, 1.0, cls.reason_changed_mind)])

    def setUp(self):
        super(TestScannerInspect, self).setUp()
        self.scanner = self.env['overseas.return.scanner'].sudo(self.user).create(
            {'warehouse_id': self.warehouse.id})
        self.scanner.scan(self.order.name)

    def test_inspect_and_dispose_without_the_mouse(self):
        scanner = self.scanner
        earbuds = self.order.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        result = scanner.scan('4006381333931')
        self.assertEqual(scanner.line_id, earbuds)
        inspection = scanner.inspection_id
        self.assertEqual(inspection.state, 'draft')
        self.assertIn('grade', result['message'].lower())
        checks = inspection.check_ids
        self.assertTrue(checks, 'the default checklist applies')
        self.assertEqual(scanner.scan('ORT-CONFIRM')['message_type'], 'danger')
        self.assertEqual(earbuds.state, 'received')
        scanner.scan('ORT-GRADE-B')
        self.assertEqual(inspection.grade_id, self.grade['B'])
        self.assertEqual(scanner.inspection_grade_id, self.grade['B'], 'shown on the screen')
        scanner.scan('ORT-PASS')
        result = scanner.scan('ORT-FAIL')
        self.assertEqual(result['message_type'], 'warning')
        self.assertEqual(checks[:2].mapped('result'), ['pass', 'fail'])
        shown = scanner.read(['check_ids'])[0]['check_ids']
        self.assertEqual(self.env['overseas.return.inspection.check'].browse(
            shown[:3]).mapped('result'), ['pass', 'fail', False],
            'the screen redraws the checks')
        scanner.scan('ORT-PASS-ALL')
        self.assertTrue(all(checks.mapped('result')))
        self.assertEqual(scanner.scan('ORT-PASS')['message_type'], 'danger')
        scanner.scan('ORT-FAULT-CARRIER')
        self.assertEqual(scanner.inspection_fault_party, 'carrier')
        scanner.scan('ORT-DISP-DONATE')  # before confirming: applied on confirmation
        self.assertEqual(scanner.pending_disposition, 'donate')
        result = scanner.scan('ORT-CONFIRM')
        self.assertEqual(result['message_type'], 'success', result['message'])
        self.assertEqual(inspection.state, 'done')
        self.assertEqual((earbuds.state, earbuds.grade_id, earbuds.fault_party,
                          earbuds.disposition),
                         ('inspected', self.grade['B'], 'carrier', 'donate'))
        scanner.scan('ORT-DISP-RESTOCK')  # changed his mind at the bench
        self.assertEqual(earbuds.disposition, 'restock')
        result = scanner.scan('ORT-DISPOSE')
        self.assertEqual(result['message_type'], 'success', result['message'])
        self.assertEqual(earbuds.state, 'disposed')
        # which line it disposed of, and what is left on the others
        self.assertIn('Wireless Earbuds (line 1 of 2, 1 units) disposed of', result['message'])
        self.assertIn('Still open on %s: ' % self.order.name, result['message'])
        self.assertIn('Ceramic Mug: to inspect', result['message'])
        mug = self.order.line_ids - earbuds
        self.assertEqual(mug.state, 'received', 'the other line is left alone')
        # grade B is used stock: the graded location, apart from new stock
        self.assertEqual(self.qty_at(self.earbuds,
                                     self.warehouse.return_graded_location_id), 1.0)
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 0.0)
        self.assertEqual(self.qty_at(self.earbuds, self.return_location), 0.0)
        self.assertEqual(scanner.scan('4006381333931')['message_type'], 'danger')

    def test_repeated_product_scan_keeps_the_same_inspection(self):
        self.scanner.scan('MUG-01')
        first = self.scanner.inspection_id
        self.scanner.scan('MUG-01')
        self.assertEqual(self.scanner.inspection_id, first)
        self.assertEqual(self.env['overseas.return.inspection'].search_count(
            [('line_id.product_id', '=', self.mug.id), ('order_id', '=', self.order.id)]), 1)

    def test_commands_need_their_step(self):
        for code in ('ORT-GRADE-A', 'ORT-PASS', 'ORT-FAULT-CUSTOMER', 'ORT-DISPOSE',
                     'ORT-DISP-SCRAP', 'ORT-VALIDATE', 'ORT-UNDO'):
            self.assertEqual(self.scanner.scan(code)['message_type'], 'danger', code)
        self.assertEqual(set(self.order.line_ids.mapped('state')), {'received'})
        self.scanner.scan('ORT-NEXT')
        self.assertFalse(self.scanner.order_id)


class TestScannerTraps(ReturnsCase):
    """The traps a worker with a keyboard-wedge scanner hit (issue 14): a parcel of
    another warehouse, a mis-scan, a write from the form, a message without next step."""

    @classmethod
    def setUpClass(cls):
        super(TestScannerTraps, cls).setUpClass()
        cls.frankfurt = cls.env['stock.warehouse'].create({
            'name': 'Frankfurt 3PL', 'code': 'TFRA', 'company_id': cls.company.id})
        cls.german = cls._create_order(warehouse_id=cls.frankfurt.id,
                                       tracking_ref='DHL-FRA-0001')
        cls.german.action_approve()
        cls.order = cls._create_order(
            [(cls.earbuds, 1.0, cls.reason_defect), (cls.mug, 1.0, cls.reason_changed_mind)],
            tracking_ref='UPS-US-0001')
        cls.order.action_approve()
        cls.Order = cls.env['overseas.return.order']

    def _scanner(self, warehouse=None, user=None):
        return self.env['overseas.return.scanner'].sudo(user or self.user).create(
            {'warehouse_id': (warehouse or self.warehouse).id})

    def test_a_parcel_of_another_warehouse_is_refused_and_nothing_changes(self):
        scanner = self._scanner()
        quarantine = self.german.warehouse_id.return_location_id
        for code in ('DHL-FRA-0001', self.german.name):
            result = scanner.scan(code)
            self.assertEqual((result['message_type'], result['result']),
                             ('danger', 'refused'), code)
            self.assertIn('Frankfurt 3PL', result['message'])
            self.assertIn('Test US 3PL', result['message'])
            self.assertFalse(scanner.order_id, 'the return is not opened')
        self.assertEqual(scanner.scan('EB-01')['message_type'], 'danger')
        self.assertEqual(self.german.state, 'approved')
        self.assertEqual(self.german.line_ids.qty_received, 0.0)
        self.assertEqual(self.qty_at(self.earbuds, quarantine), 0.0)
        self.assertEqual(self.env['overseas.return.scan.log'].search_count(
            [('scanner_id', '=', scanner.id), ('result', '=', 'refused')]), 3)
        # at the right bench the same parcel opens
        frankfurt = self._scanner(self.frankfurt)
        self.assertEqual(frankfurt.scan('DHL-FRA-0001')['message_type'], 'success')
        self.assertEqual(frankfurt.order_id, self.german)

    def test_matches_of_other_warehouses_are_left_out(self):
        other = self._create_order(warehouse_id=self.frankfurt.id, origin_ref='MKT-SHARED')
        mine = self._create_order(origin_ref='MKT-SHARED')
        (other | mine).action_approve()
        scanner = self._scanner()
        result = scanner.scan('MKT-SHARED')
        self.assertEqual(result['message_type'], 'success')
        self.assertEqual(scanner.order_id, mine)

    def test_the_scanner_opens_on_the_user_s_last_warehouse(self):
        Scanner = self.env['overseas.return.scanner'].sudo(self.user)
        first = Scanner.action_open_scanner(self.warehouse.id)['res_id']
        frankfurt = Scanner.action_open_scanner(self.frankfurt.id)['res_id']
        Scanner.browse(frankfurt).scan('DHL-FRA-0001')
        self.assertEqual(Scanner.action_open_scanner()['res_id'], frankfurt,
                         'the menu opens the warehouse scanned in last')
        Scanner.browse(first).scan('UPS-US-0001')
        self.assertEqual(Scanner.action_open_scanner()['res_id'], first)
        # picking a warehouse on the screen replaces the screen
        action = Scanner.with_context(overseas_return_scanner_replace=True) \
            .action_open_scanner(self.frankfurt.id)
        self.assertEqual((action['res_id'], action['target']), (frankfurt, 'main'))

    def test_an_unknown_code_registers_a_parcel_only_when_scanned_again(self):
        scanner = self._scanner()
        orders_before = self.Order.search_count([])
        result = scanner.scan('MISSCAN-123')
        self.assertEqual((result['message_type'], result['result']), ('warning', 'warning'))
        self.assertIn('Scan MISSCAN-123 again', result['message'])
        self.assertEqual(self.Order.search_count([]), orders_before)
        self.assertFalse(scanner.order_id)
        # another code in between: the first one is forgotten
        self.assertEqual(scanner.scan('MISSCAN-456')['message_type'], 'warning')
        self.assertEqual(scanner.scan('MISSCAN-123')['message_type'], 'warning')
        self.assertEqual(self.Order.search_count([]), orders_before)
        scanner.scan('UPS-US-0001')
        scanner.scan('ORT-NEXT')
        self.assertEqual(scanner.scan('MISSCAN-123')['message_type'], 'warning')
        self.assertEqual(self.Order.search_count([]), orders_before)
        # the same code twice in a row: an unidentified parcel
        result = scanner.scan('MISSCAN-123')
        self.assertEqual(self.Order.search_count([]), orders_before + 1)
        self.assertTrue(scanner.order_id.is_unidentified)
        self.assertEqual(scanner.order_id.tracking_ref, 'MISSCAN-123')
        self.assertIn(scanner.order_id.name, result['message'])
        self.assertFalse(scanner.unknown_code)

    def test_the_pending_unknown_code_is_the_scans_to_write(self):
        scanner = self._scanner()
        with self.assertRaises(AccessError):
            scanner.write({'unknown_code': 'FORGED-1'})
        self.assertEqual(scanner.scan('FORGED-1')['message_type'], 'warning')
        self.assertEqual(self.Order.search_count([('tracking_ref', '=', 'FORGED-1')]), 0)

    def test_a_scan_after_a_write_from_the_screen_is_processed(self):
        """The form used to save what it held; a scan afterwards raised a traceback."""
        scanner = self._scanner()
        scanner.scan('UPS-US-0001')
        scanner.write({'warehouse_id': self.warehouse.id})
        scanner.invalidate_cache()
        result = scanner.scan('EB-01')
        self.assertEqual(result['message_type'], 'success', result['message'])
        self.assertEqual(self.order.line_ids.filtered(
            lambda l: l.product_id == self.earbuds).qty_received, 1.0)

    def test_every_message_names_the_next_step(self):
        scanner = self._scanner()
        codes = ['ORT-VALIDATE', 'EB-01', 'NOPE-1', 'DHL-FRA-0001', 'UPS-US-0001', 'NOPE-2',
                 'ORT-UNDO', 'ORT-UNDO', 'EB-01', 'EB-01', 'MUG-01', 'ORT-EXTRA',
                 'ORT-BOGUS', 'ORT-GRADE-A', 'ORT-VALIDATE', 'ORT-VALIDATE', 'EB-01',
                 'ORT-GRADE-A', 'ORT-PASS-ALL', 'ORT-CONFIRM', 'ORT-DISPOSE', 'EB-01',
                 'MUG-01', 'ORT-GRADE-A', 'ORT-PASS-ALL', 'ORT-CONFIRM', 'ORT-DISPOSE',
                 'ORT-NEXT', 'NOPE-3', 'NOPE-3', 'EB-01', 'ORT-VALIDATE']
        for code in codes:
            message = scanner.scan(code)['message']
            self.assertTrue(any(word in message for word in ('Scan', 'scan', 'Put')),
                            '%s: %s' % (code, message))
        self.assertEqual(self.order.state, 'done')

    def test_a_scanner_works_in_a_warehouse_of_the_user_s_companies_only(self):
        other = self.env['res.company'].create({'name': 'Scanner Other Co'})
        foreign = self.env['stock.warehouse'].create({
            'name': 'Foreign 3PL', 'code': 'TFOR', 'company_id': other.id})
        Scanner = self.env['overseas.return.scanner'].sudo(self.user)
        scanners = Scanner.search_count([])
        with self.assertRaisesRegex(AccessError, 'Foreign 3PL.*company you do not work for'):
            Scanner.action_open_scanner(foreign.id)
        with self.assertRaisesRegex(AccessError, 'company you do not work for'):
            Scanner.create({'warehouse_id': foreign.id})
        with self.assertRaisesRegex(UserError, 'does not exist'):
            Scanner.action_open_scanner(foreign.id + 100000)
        self.assertEqual(Scanner.search_count([]), scanners)
        # a scanner stays in its warehouse: its open return and counts are of that one
        scanner = self._scanner()
        scanner.scan('UPS-US-0001')
        for warehouse in (self.frankfurt, foreign):
            with self.assertRaisesRegex(AccessError, 'stays in its warehouse'):
                scanner.write({'warehouse_id': warehouse.id})
        scanner.invalidate_cache()
        self.assertEqual((scanner.warehouse_id, scanner.order_id), (self.warehouse, self.order))

    def test_what_was_approved_changes_by_a_manager_only(self):
        earbuds = self.order.line_ids.filtered(lambda l: l.product_id == self.earbuds)
        as_clerk = earbuds.sudo(self.user)
        for vals in ({'product_qty': 10.0}, {'product_id': self.mug.id}):
            with self.assertRaisesRegex(AccessError, 'only a returns manager'):
                as_clerk.write(vals)
        with self.assertRaisesRegex(AccessError, 'only a returns manager'):
            self.env['overseas.return.line'].sudo(self.user).create({
                'order_id': self.order.id, 'product_id': self.mug.id, 'product_qty': 5.0,
                'reason_id': self.reason_defect.id})
        earbuds.invalidate_cache()
        self.assertEqual((earbuds.product_qty, earbuds.product_id), (1.0, self.earbuds))
        self.assertEqual(len(self.order.line_ids), 2)
        # the clerk counts what was approved, no more; a manager may change it
        scanner = self._scanner()
        scanner.scan('UPS-US-0001')
        scanner.scan('EB-01')
        self.assertEqual(scanner.scan('EB-01')['message_type'], 'danger')
        earbuds.sudo(self.manager).write({'product_qty': 2.0})
        self.assertEqual(earbuds.product_qty, 2.0)
        # a draft return's lines are the clerk's to prepare
        draft = self._create_order()
        draft.line_ids.sudo(self.user).write({'product_qty': 3.0})
        self.assertEqual(draft.line_ids.product_qty, 3.0)

    def test_a_short_parcel_is_named_at_validation_and_at_disposal(self):
        scanner = self._scanner()
        scanner.scan('UPS-US-0001')
        scanner.scan('EB-01')
        result = scanner.scan('ORT-VALIDATE')
        self.assertEqual(self.order.state, 'received')
        self.assertEqual(result['message_type'], 'warning')
        self.assertIn('Ceramic Mug 0 of 1', result['message'])
        self.assertIn('backorder', result['message'])
        for code in ('EB-01', 'ORT-GRADE-A', 'ORT-PASS-ALL', 'ORT-CONFIRM',
                     'ORT-DISP-RESTOCK'):
            scanner.scan(code)
        result = scanner.scan('ORT-DISPOSE')
        self.assertEqual(result['message_type'], 'success', result['message'])
        self.assertIn('Ceramic Mug: not arrived', result['message'])
        self.assertNotIn('to inspect', result['message'])

    def test_a_cancelled_return_is_not_called_rejected(self):
        order = self._create_order(tracking_ref='UPS-CANCEL-1')
        order.action_cancel()
        self.assertEqual(order.state, 'cancel')
        action = order.sudo(self.user).action_open_scanner()
        scanner = self.env['overseas.return.scanner'].browse(action['res_id'])
        self.assertIn('is cancelled', scanner.message)
        self.assertNotIn('rejected', scanner.message)
        self.assertEqual(scanner.message_type, 'danger')

    def test_a_scan_without_language_answers_in_the_user_s(self):
        self._load_zh_cn()
        self.user.lang = 'zh_CN'
        scanner = self._scanner()
        result = scanner.with_context(lang=None).scan('NOPE-ZH-1')
        self.assertIn('NOPE-ZH-1', result['message'])
        self.assertNotIn('Unknown code', result['message'])
        self.assertEqual(result['message'], scanner.with_context(lang='zh_CN').scan(
            'NOPE-ZH-2')['message'].replace('NOPE-ZH-2', 'NOPE-ZH-1'))
