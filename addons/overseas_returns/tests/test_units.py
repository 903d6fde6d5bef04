"""Units: lots and serial numbers checked against real deliveries, expiry against the
channel's minimum shelf life, recalled lots forced to destruction, graded (used) restock
at a written-down value, and one serial's history from delivery to disposal."""
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import ReturnsCase, ValuationCase, set_done


def days_from_now(days):
    return fields.Datetime.to_string(datetime.now() + timedelta(days=days))


class TestUnits(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestUnits, cls).setUpClass()
        Product = cls.env['product.product']
        cls.phone = Product.create({
            'name': 'Smartphone X', 'default_code': 'PH-X', 'type': 'product',
            'tracking': 'serial', 'list_price': 300.0, 'hazard_class': 'battery'})
        cls.cream_categ = cls.env['product.category'].create({
            'name': 'Cosmetics', 'return_min_shelf_life_days': 30})
        cls.cream = Product.create({
            'name': 'Face Cream', 'default_code': 'CR-01', 'type': 'product',
            'tracking': 'lot', 'list_price': 20.0, 'categ_id': cls.cream_categ.id})
        cls.channel = cls.env['overseas.return.channel'].create({
            'name': 'Marketplace Units', 'code': 'MKU', 'min_shelf_life_days': 90})
        cls.other_customer = cls.env['res.partner'].create({'name': 'Someone Else',
                                                           'customer': True})
        Lot = cls.env['stock.production.lot']
        cls.sn = {name: Lot.create({'name': name, 'product_id': cls.phone.id})
                  for name in ('SN-001', 'SN-002', 'SN-003')}

    @classmethod
    def _deliver_serials(cls, partner, serials):
        """A sale of the phone to ``partner``, delivered with exactly these serials."""
        for lot in serials:
            cls.env['stock.quant']._update_available_quantity(
                cls.phone, cls.stock_location, 1.0, lot_id=lot)
        sale = cls.env['sale.order'].create({
            'partner_id': partner.id, 'warehouse_id': cls.warehouse.id,
            'order_line': [(0, 0, {'product_id': cls.phone.id,
                                   'product_uom_qty': len(serials), 'price_unit': 300.0})]})
        sale.action_confirm()
        delivery = sale.picking_ids
        set_done(delivery.move_lines)
        delivery.action_done()
        return sale, delivery

    def _return_of(self, sale, serial_names):
        order = self.env['overseas.return.order'].create_from_sale_order(sale)
        order.line_ids.write({'product_qty': float(len(serial_names.split(','))),
                              'reason_id': self.reason_defect.id,
                              'lot_names': serial_names})
        order.action_approve()
        return order

    # ------------------------------------------------------------------ serials
    def test_serial_delivered_on_the_sale_matches(self):
        sale, delivery = self._deliver_serials(self.customer, self.sn['SN-001'])
        order = self._return_of(sale, 'SN-001')
        order.action_receive()
        line = order.line_ids
        self.assertFalse(line.serial_mismatch)
        self.assertEqual(line.lot_ids, self.sn['SN-001'])
        receipt_line = line.move_ids.mapped('move_line_ids')
        self.assertEqual(receipt_line.lot_id, self.sn['SN-001'])
        self.assertEqual(self.env['stock.quant']._get_available_quantity(
            self.phone, self.return_location, lot_id=self.sn['SN-001'], strict=True), 1.0)
        self.assertEqual(line.move_ids.origin_returned_move_id, delivery.move_lines,
                         'the receipt is a return of the delivery')

    def test_serial_never_shipped_is_a_mismatch_blocking_the_refund(self):
        sale, _delivery = self._deliver_serials(self.customer, self.sn['SN-002'])
        order = self._return_of(sale, 'SN-NEW-999')
        line = order.line_ids
        self.assertTrue(line.lot_ids.name == 'SN-NEW-999', 'an unknown serial is created')
        order.action_receive()
        self.assertTrue(line.serial_mismatch)
        self.assertIn('SN-NEW-999 was never delivered on %s' % sale.name,
                      line.mismatch_evidence)
        self.assertEqual(line.fault_party, 'customer')
        self.assertIn('mismatch', order.message_ids[0].body.lower())
        self._inspect(line, 'A')
        with self.assertRaises(UserError):
            order.action_create_refund()
        self.assertFalse(self.env['account.invoice'].search(
            [('overseas_return_id', '=', order.id)]), 'no credit note')
        with self.assertRaises(AccessError):
            line.sudo(self.user).action_accept_mismatch()
        self.assertFalse(line.mismatch_decision)
        with self.assertRaises(AccessError):
            line.sudo(self.user).write({'serial_mismatch': False})
        line.sudo(self.manager).action_accept_mismatch()
        self.assertEqual(line.mismatch_decision, 'accepted')
        line._check_units_refundable()  # no longer blocks
        with self.assertRaises(UserError):
            line.sudo(self.manager).action_confirm_fraud()  # decided once

    def test_serial_shipped_to_another_customer_is_a_mismatch(self):
        _sale, other_delivery = self._deliver_serials(self.other_customer, self.sn['SN-003'])
        sale, _delivery = self._deliver_serials(self.customer, self.sn['SN-001'])
        order = self._return_of(sale, 'SN-003')
        order.action_receive()
        line = order.line_ids
        self.assertTrue(line.serial_mismatch)
        self.assertIn('SN-003 was delivered to Someone Else on %s' % other_delivery.name,
                      line.mismatch_evidence)
        line.sudo(self.manager).action_confirm_fraud()
        self.assertEqual(line.mismatch_decision, 'fraud')
        with self.assertRaises(UserError):
            line._check_units_refundable()

    def test_tracked_product_without_lots_is_refused_at_receipt(self):
        order = self._create_order([(self.phone, 1.0, self.reason_defect)])
        order.action_approve()
        with self.assertRaises(UserError):
            order.action_receive()
        self.assertEqual(order.state, 'approved')
        self.assertFalse(order.picking_ids)

    def test_serial_count_must_match_quantity(self):
        order = self._create_order([(self.phone, 2.0, self.reason_defect)])
        order.line_ids.lot_names = 'SN-001'
        order.action_approve()
        with self.assertRaises(UserError):
            order.action_receive()
        self.assertEqual(order.state, 'approved')

    def test_traceability_of_one_serial_from_delivery_to_disposal(self):
        serial = self.sn['SN-002']
        sale, delivery = self._deliver_serials(self.customer, serial)
        order = self._return_of(sale, serial.name)
        order.action_receive()
        self._inspect(order.line_ids, 'A')
        order.line_ids.action_dispose()
        history = self.env['stock.move.line'].search(
            [('lot_id', '=', serial.id), ('state', '=', 'done')], order='id')
        self.assertEqual(
            [(ml.location_id, ml.location_dest_id) for ml in history][-3:],
            [(self.stock_location, delivery.location_dest_id),
             (delivery.location_dest_id, self.return_location),
             (self.return_location, self.stock_location)])
        self.assertEqual(self.env['stock.quant']._get_available_quantity(
            self.phone, self.stock_location, lot_id=serial, strict=True), 1.0)

    # ------------------------------------------------------------------ expiry
    def _received_cream(self, life_days, channel=None):
        order = self._create_order([(self.cream, 2.0, self.reason_changed_mind)],
                                   channel_id=(channel or self.channel).id)
        lot = self.env['stock.production.lot'].create({
            'name': 'CR-LOT-%s' % life_days, 'product_id': self.cream.id,
            'life_date': days_from_now(life_days)})
        order.line_ids.lot_ids = lot
        order.action_approve()
        order.action_receive()
        return order.line_ids

    def test_lot_below_the_channel_minimum_cannot_be_resellable(self):
        line = self._received_cream(60)  # channel wants 90 days
        self.assertEqual(line.expiry_state, 'short')
        inspection = line._open_inspections()
        inspection.check_ids.write({'result': 'pass'})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            inspection.write({'grade_id': self.grade['A'].id})
        inspection.invalidate_cache()
        self.assertFalse(inspection.grade_id)
        inspection.write({'grade_id': self.grade['D'].id})
        inspection.action_confirm()
        self.assertEqual(line.disposition, 'donate', 'safe and in date: donated')
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            line.disposition = 'restock'
        line.disposition = 'return_to_origin'
        self.assertEqual(self.qty_at(self.cream, self.return_location), 2.0)

    def test_lot_above_the_channel_minimum_is_resellable(self):
        line = self._received_cream(200)
        self.assertEqual(line.expiry_state, 'ok')
        self._inspect(line, 'A')
        self.assertEqual(line.disposition, 'restock')

    def test_category_minimum_applies_without_channel_minimum(self):
        channel = self.env['overseas.return.channel'].create({'name': 'Own shop',
                                                              'code': 'OWNU'})
        self.assertEqual(self._received_cream(20, channel).expiry_state, 'short')
        self.assertEqual(self._received_cream(45, channel).expiry_state, 'ok')

    def test_expired_lot_is_proposed_for_destruction(self):
        line = self._received_cream(-1)
        self.assertEqual(line.expiry_state, 'expired')
        self._inspect(line, 'D')
        self.assertEqual(line.disposition, 'scrap')
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            line.disposition = 'donate'
        line.action_dispose()
        scrap = line.scrap_ids
        self.assertEqual(scrap.lot_id, line.lot_ids)
        self.assertEqual(scrap.state, 'done')

    def test_untracked_product_has_no_expiry_state(self):
        order = self._create_received()
        self.assertFalse(order.line_ids.expiry_state)

    # ------------------------------------------------------------------ hazards
    def test_recalled_lot_is_forced_to_destruction(self):
        sale, _delivery = self._deliver_serials(self.customer, self.sn['SN-001'])
        self.sn['SN-001'].write({'return_recalled': True,
                                 'return_recall_note': 'Battery swelling, recall 2026-11'})
        order = self._return_of(sale, 'SN-001')
        order.action_receive()
        line = order.line_ids
        self._inspect(line, 'A')
        self.assertEqual(line.disposition, 'scrap', 'a recalled lot is destroyed')
        self.assertIn('Battery swelling', line.hazard_reason)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            line.disposition = 'restock'
        line.invalidate_cache()
        self.assertEqual(line.disposition, 'scrap')
        line.disposition = 'return_to_origin'  # allowed
        line.disposition = 'scrap'
        line.action_dispose()
        self.assertEqual(line.scrap_ids.lot_id, self.sn['SN-001'])
        html = self.env.ref(
            'overseas_returns.action_report_order_disposal_certificate'
        ).render_qweb_html(order.ids)[0].decode()
        self.assertIn('Battery swelling', html)

    def test_failed_safety_check_allows_only_destruction_or_origin(self):
        order = self._create_received([(self.mug, 1.0, self.reason_defect)])
        line = order.line_ids
        inspection = line._open_inspections()
        inspection.write({'grade_id': self.grade['B'].id, 'check_ids': [
            (0, 0, {'name': 'Glaze intact', 'safety': True, 'result': 'fail',
                    'note': 'sharp crack'})]})
        inspection.check_ids.filtered(lambda c: not c.result).write({'result': 'pass'})
        inspection.action_confirm()
        self.assertEqual(line.disposition, 'scrap')
        self.assertIn('sharp crack', line.hazard_reason)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            line.disposition = 'donate'


class TestGradedStock(ValuationCase):
    """A grade-B restock under real-time FIFO valuation."""

    @classmethod
    def setUpClass(cls):
        super(TestGradedStock, cls).setUpClass()
        cls.speaker = cls._valued_product(
            'fifo', 'Speaker', list_price=80.0,
            return_writedown_account_id=cls.acc_writedown.id)
        cls._buy(cls.speaker, 2.0, 30.0)

    def test_grade_b_restock_lands_in_graded_stock_written_down(self):
        sale = self.env['sale.order'].create({
            'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
            'order_line': [(0, 0, {'product_id': self.speaker.id, 'product_uom_qty': 1.0,
                                   'price_unit': 80.0})]})
        sale.action_confirm()
        set_done(sale.picking_ids.move_lines)
        sale.picking_ids.action_done()
        order = self.env['overseas.return.order'].create_from_sale_order(sale)
        order.line_ids.write({'reason_id': self.reason_defect.id})
        order.action_approve()
        order.action_receive()
        self._inspect(order.line_ids, 'B')
        line = order.line_ids
        line.disposition = 'restock'
        valuation_before = self.balance(self.acc_valuation)
        line.action_dispose()
        graded = self.warehouse.return_graded_location_id
        self.assertEqual(self.qty_at(self.speaker, graded), 1.0)
        self.assertEqual(self.qty_at(self.speaker, self.stock_location), 1.0,
                         'new stock: only the unit never sold')
        # grade B: 20 % of the 30.00 it came back at
        self.assertAlmostEqual(line.writedown_amount, 6.0)
        self.assertAlmostEqual(self.balance(self.acc_writedown), 6.0)
        self.assertAlmostEqual(self.balance(self.acc_valuation), valuation_before - 6.0)
        receipt = line.move_ids.filtered(lambda m: m.location_id.usage == 'customer')
        self.assertAlmostEqual(receipt.remaining_value, 24.0,
                               msg='the unit is valued at its written-down value')
        self.assertEqual(self.grade['B'].condition_code, 'used_like_new')


class TestGs1Scan(ReturnsCase):
    """A GS1-128 unit barcode at the scanner: GTIN counts the unit, AI 21 its serial,
    AI 10 + 17 a lot and its expiry."""

    def test_gs1_barcode_counts_the_unit_and_records_its_serial(self):
        from ..models.overseas_return_scanner_units import parse_gs1
        phone = self.env['product.product'].create({
            'name': 'GS1 Phone', 'type': 'product', 'tracking': 'serial',
            'barcode': '4006381333948'})
        self.assertEqual(parse_gs1('(01)04006381333948(21)SN-GS1-7'),
                         {'01': '04006381333948', '21': 'SN-GS1-7'})
        self.assertEqual(parse_gs1('01040063813339481726123110LOT7\x1d21S9'),
                         {'01': '04006381333948', '17': '261231', '10': 'LOT7',
                          '21': 'S9'})
        self.assertEqual(parse_gs1('4006381333948'), {})
        order = self._create_order([(phone, 1.0, self.reason_defect)])
        order.action_approve()
        scanner = self.env['overseas.return.scanner'].sudo(self.user).create(
            {'warehouse_id': self.warehouse.id})
        scanner.scan(order.name)
        result = scanner.scan(']C10104006381333948' + '21SN-GS1-7')
        self.assertEqual(result['result'], 'done', result['message'])
        line = order.line_ids
        self.assertEqual(line.qty_received, 1.0)
        self.assertEqual(line.lot_ids.name, 'SN-GS1-7')
        order.action_receive()
        self.assertEqual(self.env['stock.quant']._get_available_quantity(
            phone, self.return_location, lot_id=line.lot_ids, strict=True), 1.0)

    def test_gs1_lot_with_expiry(self):
        cream = self.env['product.product'].create({
            'name': 'GS1 Cream', 'type': 'product', 'tracking': 'lot',
            'barcode': '4006381333955'})
        order = self._create_order([(cream, 1.0, self.reason_defect)])
        order.action_approve()
        scanner = self.env['overseas.return.scanner'].sudo(self.user).create(
            {'warehouse_id': self.warehouse.id})
        scanner.scan(order.name)
        scanner.scan('(01)04006381333955(17)201231(10)B-2020')
        line = order.line_ids
        self.assertEqual(line.lot_ids.name, 'B-2020')
        self.assertEqual(line.lot_ids.life_date[:10], '2020-12-31')
        self.assertEqual(line.expiry_state, 'expired')


    def _serial_return(self, qty):
        phone = self.env['product.product'].create({
            'name': 'GS1 Serial Phone', 'type': 'product', 'tracking': 'serial',
            'barcode': '4006381333962'})
        order = self._create_order([(phone, qty, self.reason_defect)])
        order.action_approve()
        scanner = self.env['overseas.return.scanner'].sudo(self.user).create(
            {'warehouse_id': self.warehouse.id})
        scanner.scan(order.name)
        return order, scanner

    def test_a_serial_number_counts_once_and_undo_takes_it_back(self):
        order, scanner = self._serial_return(2.0)
        line = order.line_ids
        self.assertEqual(scanner.scan('(01)04006381333962(21)SN-A')['result'], 'done')
        again = scanner.scan('(01)04006381333962(21)SN-A')
        self.assertEqual(again['result'], 'refused')
        self.assertIn('SN-A', again['message'])
        self.assertIn('already counted', again['message'])
        self.assertEqual((line.qty_received, line.lot_ids.mapped('name')), (1.0, ['SN-A']))
        # undo takes back the count and its serial number; counting goes on cleanly
        self.assertEqual(scanner.scan('ORT-UNDO')['result'], 'done')
        self.assertEqual((line.qty_received, line.lot_ids.mapped('name')), (0.0, []))
        scanner.scan('(01)04006381333962(21)SN-B')
        scanner.scan('(01)04006381333962(21)SN-C')
        self.assertEqual(scanner.scan('ORT-VALIDATE')['result'], 'done')
        self.assertEqual(order.state, 'received')
        self.assertEqual(sorted(line.lot_ids.mapped('name')), ['SN-B', 'SN-C'])

    def test_after_the_receipt_a_label_picks_its_line_and_adds_no_serial(self):
        order, scanner = self._serial_return(1.0)
        scanner.scan('(01)04006381333962(21)SN-D')
        scanner.scan('ORT-VALIDATE')
        line = order.line_ids
        other = scanner.scan('(01)04006381333962(21)SN-E')
        self.assertEqual(other['result'], 'refused')
        self.assertIn('SN-E', other['message'])
        self.assertEqual(line.lot_ids.mapped('name'), ['SN-D'])
        self.assertFalse(line.inspection_ids, 'nothing changed')
        own = scanner.scan('(01)04006381333962(21)SN-D')
        self.assertEqual(own['result'], 'done', own['message'])
        self.assertEqual(scanner.line_id, line)
        self.assertEqual(line.lot_ids.mapped('name'), ['SN-D'])

    def test_a_lot_on_the_label_of_an_untracked_product_still_counts(self):
        order = self._create_order([(self.earbuds, 1.0, self.reason_defect)])
        order.action_approve()
        scanner = self.env['overseas.return.scanner'].sudo(self.user).create(
            {'warehouse_id': self.warehouse.id})
        scanner.scan(order.name)
        result = scanner.scan('(01)04006381333931(10)LOT1(17)270101')
        self.assertEqual(result['result'], 'done', result['message'])
        self.assertIn('not tracked', result['message'])
        self.assertEqual(order.line_ids.qty_received, 1.0)
        self.assertFalse(order.line_ids.lot_ids)


class TestManifestLots(ReturnsCase):

    def test_manifest_serial_column_sets_the_lots(self):
        import base64
        phone = self.env['product.product'].create({
            'name': 'Manifest Phone', 'default_code': 'MPH-1', 'type': 'product',
            'tracking': 'serial', 'list_price': 100.0})
        content = ('order_ref,tracking_ref,sku,quantity,reason_code,return_date,serial\n'
                   'IMP-U1,1ZUNITS0001,MPH-1,2,manufacturing_defect,2026-03-01,'
                   '"MS-1, MS-2"\n').encode()
        wizard = self.env['overseas.return.import'].create({
            'data_file': base64.b64encode(content), 'filename': 'manifest.csv',
            'warehouse_id': self.warehouse.id})
        wizard.action_import()
        order = self.env['overseas.return.order'].search([('origin_ref', '=', 'IMP-U1')])
        self.assertEqual(sorted(order.line_ids.lot_ids.mapped('name')), ['MS-1', 'MS-2'])
        self.assertEqual(order.line_ids.lot_ids.mapped('product_id'), phone)
