import base64
import csv
import datetime
import io

import xlsxwriter
import xlwt

from odoo.exceptions import UserError

from .common import ReturnsCase

GENERIC_HEADER = ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code',
                  'return_date', 'customer', 'condition', 'note']
AMAZON_HEADER = ['return-date', 'order-id', 'sku', 'asin', 'fnsku', 'product-name',
                 'quantity', 'fulfillment-center-id', 'detailed-disposition', 'reason',
                 'status', 'license-plate-number', 'customer-comments']


def amazon_row(order, sku, lpn, reason='DEFECTIVE', disposition='CUSTOMER_DAMAGED',
               comment='', date='2026-03-02T18:12:45+00:00', qty='1'):
    return [date, order, sku, 'B07XJ8C8F5', 'X002ABCDEF', 'Some product', qty, 'ONT8',
            disposition, reason, 'Unit returned to inventory', lpn, comment]


class TestImport(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestImport, cls).setUpClass()
        cls.Order = cls.env['overseas.return.order']
        cls.lamp = cls.env['product.product'].create({
            'name': 'Desk Lamp', 'default_code': '100200', 'type': 'product',
            'list_price': 30.0})
        cls.amazon = cls.env.ref('overseas_returns.channel_amazon')
        cls.ebay = cls.env.ref('overseas_returns.channel_ebay')
        cls.reason_size = cls.env.ref('overseas_returns.reason_size_differs')
        cls.reason_not_needed = cls.env.ref('overseas_returns.reason_not_needed')

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _csv(rows, encoding='utf-8', delimiter=','):
        output = io.StringIO()
        csv.writer(output, delimiter=delimiter).writerows(rows)
        return output.getvalue().encode(encoding)

    @staticmethod
    def _xls(rows):
        book = xlwt.Workbook()
        sheet = book.add_sheet('Returns')
        date_style = xlwt.easyxf(num_format_str='YYYY-MM-DD')
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
        output = io.BytesIO()
        book.save(output)
        return output.getvalue()

    @staticmethod
    def _xlsx(rows):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {'in_memory': True})
        sheet = book.add_worksheet('Returns')
        date_format = book.add_format({'num_format': 'yyyy-mm-dd'})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.datetime):
                    sheet.write_datetime(r, c, value, date_format)
                else:
                    sheet.write(r, c, value)
        book.close()
        return output.getvalue()

    def _wizard(self, content, filename, user=None, **values):
        vals = {'data_file': base64.b64encode(content), 'filename': filename,
                'warehouse_id': self.warehouse.id}
        vals.update(values)
        Wizard = self.env['overseas.return.import']
        if user:
            Wizard = Wizard.sudo(user)
        return Wizard.create(vals)

    def _import(self, content, filename, **values):
        wizard = self._wizard(content, filename, **values)
        return wizard, wizard.action_import()

    def _returns(self, *refs):
        return self.Order.search([('origin_ref', 'in', list(refs))], order='origin_ref')

    def _generic_rows(self):
        return [
            GENERIC_HEADER,
            ['IMP-1001', '1Z999AA10123456784', 'EB-01', '2', 'manufacturing_defect',
             '2026-03-01', 'Tom Miller', 'intact', 'Left earbud silent'],
            ['IMP-1001', '1Z999AA10123456784', 'MUG-01', '1', 'NOT_AS_DESCRIBED',
             '2026-03-02', 'Tom Miller', '', ''],
            ['IMP-1002', '9400110200881234567890', '100200', '1', 'SIZE_TOO_SMALL',
             '03/04/2026', '', 'Box crushed', ''],
        ]

    def _assert_generic_imported(self, channel=False, mug_reason='colour_differs'):
        first, second = self._returns('IMP-1001', 'IMP-1002')
        self.assertEqual(first.origin_ref, 'IMP-1001')
        self.assertEqual(first.tracking_ref, '1Z999AA10123456784')
        self.assertEqual(first.warehouse_id, self.warehouse)
        self.assertEqual(first.channel_id.id, channel and channel.id)
        self.assertEqual(first.partner_id.name, 'Tom Miller')
        self.assertEqual(first.date_requested, '2026-03-01')
        self.assertEqual(first.parcel_condition, 'intact')
        self.assertEqual(first.state, 'draft')
        lines = first.line_ids.sorted('product_id')
        self.assertEqual(
            sorted((line.product_id, line.product_qty, line.reason_id.code)
                   for line in first.line_ids),
            sorted([(self.earbuds, 2.0, 'manufacturing_defect'),
                    (self.mug, 1.0, mug_reason)]))
        self.assertEqual(first.line_ids.filtered(
            lambda l: l.product_id == self.earbuds).customer_note, 'Left earbud silent')
        self.assertTrue(all(line.price_unit for line in lines))
        self.assertEqual(second.line_ids.product_id, self.lamp)
        self.assertEqual(second.line_ids.reason_id, self.reason_size)
        self.assertEqual(second.date_requested, '2026-03-04')
        self.assertIn('Box crushed', second.note)
        return first, second

    # ------------------------------------------------------------------ formats
    def test_generic_csv(self):
        wizard, action = self._import(self._csv(self._generic_rows()), 'manifest.csv')
        first, second = self._assert_generic_imported()
        self.assertEqual(action['res_model'], 'overseas.return.order')
        self.assertEqual(self.Order.search(action['domain']), first | second)
        self.assertEqual(wizard.line_count, 3)

    def test_generic_xlsx_with_date_and_number_cells(self):
        rows = self._generic_rows()
        rows[1][5] = datetime.datetime(2026, 3, 1)
        rows[1][3] = 2  # a number cell
        rows[3][2] = 100200  # an SKU typed as a number
        self._import(self._xlsx(rows), 'manifest.xlsx', channel_id=self.ebay.id)
        # on the eBay channel, eBay's meaning of NOT_AS_DESCRIBED comes first
        self._assert_generic_imported(self.ebay, mug_reason='size_differs')

    def test_generic_xls(self):
        rows = self._generic_rows()
        rows[1][5] = datetime.date(2026, 3, 1)
        rows[1][3] = 2.0
        self._import(self._xls(rows), 'manifest.xls')
        self._assert_generic_imported()

    def test_gbk_csv_with_chinese_text(self):
        rows = [GENERIC_HEADER,
                ['CN-2001', 'SF1234567890', 'EB-01', '1', 'changed_mind', '2026-03-05',
                 '王小明', '', '不想要了']]
        self._import(self._csv(rows, encoding='gbk'), 'manifest_gbk.csv')
        order = self._returns('CN-2001')
        self.assertEqual(order.partner_id.name, '王小明')
        self.assertEqual(order.line_ids.customer_note, '不想要了')
        self.assertEqual(order.line_ids.reason_id, self.reason_changed_mind)

    def test_shift_jis_csv_with_japanese_text(self):
        """A Japanese marketplace's manifest (Shift-JIS, as Excel saves it in Japan),
        read with the encoding chosen on the wizard."""
        rows = [GENERIC_HEADER,
                ['JP-4001', 'YMT123456789', 'EB-01', '1', 'changed_mind', '2026-03-07',
                 '山田 太郎', '', 'イヤホンの左側が聞こえない']]
        content = self._csv(rows, encoding='cp932')
        self._import(content, 'manifest_sjis.csv', encoding='cp932')
        order = self._returns('JP-4001')
        self.assertEqual(order.partner_id.name, '山田 太郎')
        self.assertEqual(order.line_ids.customer_note, 'イヤホンの左側が聞こえない')
        with self.assertRaisesRegex(UserError, 'is not in the encoding'):
            self._import(content.replace(b'JP-4001', b'JP-4002'), 'manifest.csv',
                         encoding='utf-8')

    def test_sku_by_barcode_and_semicolon_csv(self):
        rows = [GENERIC_HEADER,
                ['EU-3001', '', self.earbuds.barcode, '1,0', 'damaged_in_transit',
                 '2026-03-06', '', '', '']]
        self._import(self._csv(rows, delimiter=';'), 'manifest.csv')
        order = self._returns('EU-3001')
        self.assertEqual(order.line_ids.product_id, self.earbuds)
        self.assertEqual(order.line_ids.product_qty, 1.0)
        self.assertEqual(order.line_ids.reason_id, self.reason_transit)
        self.assertEqual(order.partner_id.name, 'Imported returns customer')

    def test_amazon_report(self):
        rows = [AMAZON_HEADER,
                amazon_row('111-1111111-1111111', 'EB-01', 'LPNRR0000001',
                           comment='Stopped charging'),
                amazon_row('111-1111111-1111111', 'EB-01', 'LPNRR0000002',
                           reason='CR-UNWANTED_ITEM', disposition='SELLABLE'),
                amazon_row('111-1111111-1111111', 'MUG-01', 'LPNRR0000003',
                           reason='UNWANTED_ITEM', disposition='SELLABLE'),
                amazon_row('222-2222222-2222222', 'MUG-01', 'LPNRR0000004',
                           reason='APPAREL_TOO_SMALL', qty='2')]
        wizard, _action = self._import(self._csv(rows, delimiter='\t'),
                                       'customer_returns_report.txt')
        first, second = self._returns('111-1111111-1111111', '222-2222222-2222222')
        self.assertEqual((first | second).mapped('channel_id'), self.amazon)
        self.assertEqual(first.partner_id.name, 'Amazon customer')
        self.assertEqual(first.partner_id, second.partner_id)
        self.assertEqual(first.date_requested, '2026-03-02')
        by_lpn = {line.lpn: line for line in first.line_ids}
        self.assertEqual(sorted(by_lpn),
                         ['LPNRR0000001', 'LPNRR0000002', 'LPNRR0000003'])
        self.assertEqual(by_lpn['LPNRR0000001'].reason_id, self.reason_defect)
        self.assertEqual(by_lpn['LPNRR0000001'].customer_note, 'Stopped charging')
        self.assertEqual(by_lpn['LPNRR0000002'].reason_id, self.reason_changed_mind)
        self.assertEqual(by_lpn['LPNRR0000003'].reason_id, self.reason_not_needed)
        self.assertEqual(by_lpn['LPNRR0000003'].product_id, self.mug)
        self.assertIn('LPNRR0000001', first.note)
        self.assertIn('CUSTOMER_DAMAGED', first.note)
        self.assertEqual(second.line_ids.product_qty, 2.0)
        self.assertEqual(second.line_ids.reason_id, self.reason_size)
        self.assertEqual(wizard.order_count, 2)

    def test_import_as_warehouse_worker(self):
        wizard = self._wizard(self._csv(self._generic_rows()), 'manifest.csv',
                              user=self.user)
        wizard.action_import()
        first, _second = self._assert_generic_imported()
        self.assertEqual(first.create_uid, self.user)

    # ------------------------------------------------------------------ bad rows
    def _bad_rows(self):
        defect = 'manufacturing_defect'
        return [
            GENERIC_HEADER,
            ['BAD-1', 'T1', 'EB-01', '1', defect, '2026-03-01', '', '', ''],
            ['BAD-1', 'T1', 'NO-SUCH-SKU', '1', defect, '2026-03-01', '', '', ''],
            ['BAD-2', 'T2', 'MUG-01', '0', 'changed_mind', '2026-03-01', '', '', ''],
            ['BAD-3', 'T3', 'MUG-01', 'two', 'changed_mind', '2026-03-01', '', '', ''],
            ['BAD-4', 'T4', 'MUG-01', '1', 'changed_mind', '31/31/2026', '', '', ''],
            ['BAD-1', 'T1', 'EB-01', '1', defect, '2026-03-01', '', '', ''],
            ['BAD-5', 'T5', '', '1', 'changed_mind', '2026-03-01', '', '', ''],
            ['BAD-6', 'T6', 'MUG-01', '1', 'NO_SUCH_REASON', '2026-03-01', '', '', ''],
            ['BAD-7', 'T7', 'MUG-01', '-3', 'changed_mind', '2026-03-01', '', '', ''],
            ['GOOD-8', 'T8', 'MUG-01', '1', 'changed_mind', '2026-03-01', '', '', ''],
        ]

    def test_bad_rows_import_nothing(self):
        wizard = self._wizard(self._csv(self._bad_rows()), 'bad.csv')
        with self.assertRaises(UserError) as raised:
            wizard.action_import()
        message = raised.exception.name
        self.assertIn('8 of the 10 rows', message)
        for expected in ('Row 3, column "sku": unknown SKU "NO-SUCH-SKU"',
                         'Row 4, column "quantity": "0" is not a positive number',
                         'Row 5, column "quantity": "two" is not a positive number',
                         'Row 6, column "return_date": "31/31/2026" is not a date',
                         'Row 7, column "sku": duplicate of row 2',
                         'Row 8, column "sku": this value is required',
                         'Row 9, column "reason_code": unknown reason code '
                         '"NO_SUCH_REASON"',
                         'Row 10, column "quantity": "-3" is not a positive number'):
            self.assertIn(expected, message)
        self.assertFalse(self._returns('BAD-1', 'BAD-2', 'GOOD-8'))

    def test_bad_rows_import_good_rows(self):
        wizard, action = self._import(self._csv(self._bad_rows()), 'bad.csv',
                                      import_good_rows=True)
        self.assertEqual(action['res_model'], 'overseas.return.import')
        self.assertEqual(action['res_id'], wizard.id)
        self.assertEqual(wizard.state, 'done')
        self.assertEqual((wizard.order_count, wizard.line_count, wizard.error_count),
                         (2, 2, 8))
        bad_one, good = self._returns('BAD-1', 'GOOD-8')
        self.assertEqual(bad_one.line_ids.product_id, self.earbuds)
        self.assertEqual(good.line_ids.product_id, self.mug)
        self.assertEqual(wizard.order_ids, bad_one | good)
        self.assertEqual(wizard.error_filename, 'bad-errors.csv')
        errors = list(csv.reader(io.StringIO(
            base64.b64decode(wizard.error_file).decode('utf-8-sig'))))
        self.assertEqual(errors[0], GENERIC_HEADER + ['Error'])
        self.assertEqual(len(errors), 9)
        self.assertEqual(errors[1][2], 'NO-SUCH-SKU')
        self.assertIn('unknown SKU', errors[1][-1])
        self.assertEqual(errors[2][3], '0')

    def test_quantity_with_thousands_separator_is_refused(self):
        rows = [GENERIC_HEADER,
                ['Q-1', 'T1', 'EB-01', '1,000', 'changed_mind', '2026-03-01', '', '',
                 '']]
        with self.assertRaises(UserError) as raised:
            self._import(self._csv(rows), 'q.csv')
        self.assertIn('"1,000" is not a positive number', raised.exception.name)

    def test_missing_columns(self):
        rows = [['order_ref', 'sku', 'qty'], ['X-1', 'EB-01', '1']]
        with self.assertRaises(UserError) as raised:
            self._import(self._csv(rows), 'short.csv')
        message = raised.exception.name
        for column in ('tracking_ref', 'quantity', 'reason_code', 'return_date'):
            self.assertIn(column, message)
        self.assertFalse(self._returns('X-1'))
        amazon = [AMAZON_HEADER[:3], ['2026-03-01', '111-1', 'EB-01']]
        with self.assertRaises(UserError) as raised:
            self._import(self._csv(amazon, delimiter='\t'), 'report.txt')
        self.assertIn('quantity, reason', raised.exception.name)

    def test_empty_files(self):
        for content, filename in ((b'\n\n', 'empty.csv'),
                                  (self._csv([GENERIC_HEADER]), 'header_only.csv'),
                                  (self._xlsx([]), 'empty.xlsx')):
            with self.assertRaises(UserError) as raised:
                self._import(content, filename)
            self.assertIn('is empty', raised.exception.name)

    def test_not_a_spreadsheet(self):
        pdf = b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00endobj'
        png = b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR'
        for content, filename in ((pdf, 'returns.pdf'),
                                  (pdf, 'returns.xlsx'),
                                  (pdf, 'returns.csv'),
                                  (png, 'photo.xls'),
                                  (png, 'photo.csv')):
            with self.assertRaises(UserError) as raised:
                self._import(content, filename)
            self.assertIn('is not a spreadsheet', raised.exception.name)

    # ------------------------------------------------------------------ idempotence
    def test_import_twice_creates_nothing_twice(self):
        content = self._csv(self._generic_rows())
        self._import(content, 'manifest.csv')
        before = self._returns('IMP-1001', 'IMP-1002')
        lines_before = before.mapped('line_ids')
        wizard, action = self._import(content, 'manifest.csv')
        self.assertEqual(self._returns('IMP-1001', 'IMP-1002'), before)
        self.assertEqual(before.mapped('line_ids'), lines_before)
        self.assertEqual((wizard.order_count, wizard.skipped_count), (0, 3))
        self.assertEqual(action['res_model'], 'overseas.return.import')
        # a later manifest with one more row completes the open return
        rows = self._generic_rows() + [
            ['IMP-1001', '1Z999AA10123456784', '100200', '1', 'changed_mind',
             '2026-03-03', 'Tom Miller', '', '']]
        self._import(self._csv(rows), 'manifest2.csv')
        first = self._returns('IMP-1001')
        self.assertEqual(len(first), 1)
        self.assertEqual(first.line_ids.mapped('product_id'),
                         self.earbuds | self.mug | self.lamp)

    def test_amazon_import_twice_by_lpn(self):
        rows = [AMAZON_HEADER,
                amazon_row('333-3333333-3333333', 'EB-01', 'LPN01'),
                amazon_row('333-3333333-3333333', 'EB-01', 'LPN02')]
        self._import(self._csv(rows, delimiter='\t'), 'report.txt')
        order = self._returns('333-3333333-3333333')
        order.action_cancel()
        # same report plus a unit on another LPN: only that unit, on a new return
        rows.append(amazon_row('333-3333333-3333333', 'EB-01', 'LPN03'))
        self._import(self._csv(rows, delimiter='\t'), 'report.txt')
        orders = self._returns('333-3333333-3333333')
        self.assertEqual(len(orders), 2)
        self.assertEqual(sorted(orders.mapped('line_ids.lpn')),
                         ['LPN01', 'LPN02', 'LPN03'])
        self.assertEqual((orders - order).line_ids.lpn, 'LPN03')
