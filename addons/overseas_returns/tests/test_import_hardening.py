"""The manifest importer against hostile and odd files: rights before reading, size and
row caps, zip bombs, encodings, formulas, services, customers by a stable key, numbers."""
import base64
import csv
import io
import time
import zipfile

import xlsxwriter

from odoo.exceptions import AccessError, UserError

from .common import ReturnsCase

HEADER = ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code', 'return_date',
          'customer', 'condition', 'note']
KEYS_HEADER = HEADER + ['customer_email', 'buyer_id', 'customer_ref']
WESTERN = 'Müller, Zoë, François, Ærøskøbing'
CHINESE = '张伟 / 上海市'


def row(order, sku='EB-01', qty='1', date='2026-03-01', customer='', note='', **keys):
    cells = [order, 'T-' + order, sku, qty, 'changed_mind', date, customer, '', note]
    if keys:
        cells += [keys.get('email', ''), keys.get('buyer', ''), keys.get('ref', '')]
    return cells


class TestImportHardening(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(TestImportHardening, cls).setUpClass()
        cls.Order = cls.env['overseas.return.order']
        cls.Param = cls.env['ir.config_parameter'].sudo()

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _csv(rows, encoding='utf-8'):
        output = io.StringIO()
        csv.writer(output).writerows(rows)
        return output.getvalue().encode(encoding)

    @staticmethod
    def _xlsx(rows):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {'in_memory': True})
        sheet = book.add_worksheet('Returns')
        for r, cells in enumerate(rows):
            sheet.write_row(r, 0, cells)
        book.close()
        return output.getvalue()

    def _wizard(self, content, filename='manifest.csv', user=None, **values):
        vals = {'data_file': base64.b64encode(content), 'filename': filename,
                'warehouse_id': self.warehouse.id}
        vals.update(values)
        Wizard = self.env['overseas.return.import']
        if user:
            Wizard = Wizard.sudo(user)
        return Wizard.create(vals)

    def _refused(self, content, expected, filename='manifest.csv', exception=UserError,
                 **values):
        """Import refused with a message containing ``expected``; nothing created."""
        orders = self.Order.search_count([])
        partners = self.env['res.partner'].search_count([])
        wizard = self._wizard(content, filename, **values)
        with self.assertRaises(exception) as raised:
            wizard.action_import()
        self.assertIn(expected, raised.exception.name)
        self.assertEqual(self.Order.search_count([]), orders)
        self.assertEqual(self.env['res.partner'].search_count([]), partners)
        return raised.exception.name

    def _returns(self, *refs):
        return self.Order.search([('origin_ref', 'in', list(refs))], order='origin_ref')

    # ------------------------------------------------------------------ rights
    def test_rights_checked_before_the_file_is_read(self):
        employee = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Office Clerk', 'login': 'ort_clerk',
            'groups_id': [(6, 0, [self.env.ref('base.group_user').id])]})
        # a file that would be refused as unreadable if it were read at all
        wizard = self._wizard(b'%PDF-1.4 \x00\x01', 'returns.csv', user=employee)
        with self.assertRaises(AccessError) as raised:
            wizard.action_import()
        self.assertIn('Only returns users may import', raised.exception.name)
        good = self._wizard(self._csv([HEADER, row('R-1')]), user=employee)
        with self.assertRaises(AccessError):
            good.action_import()
        self.assertFalse(self._returns('R-1'))

    def test_one_wizard_at_a_time(self):
        content = self._csv([HEADER, row('ONE-1')])
        wizards = self._wizard(content) | self._wizard(content)
        with self.assertRaises(UserError) as raised:
            wizards.action_import()
        self.assertIn('Import one manifest at a time: 2', raised.exception.name)
        self.assertFalse(self._returns('ONE-1'))

    # ------------------------------------------------------------------ limits
    def test_byte_cap(self):
        self.Param.set_param('overseas_returns.import_max_bytes', '2000')
        content = self._csv([HEADER] + [row('BIG-%d' % i) for i in range(60)])
        self.assertGreater(len(content), 2000)
        self._refused(content, 'is too large')
        self.assertFalse(self._returns('BIG-1'))
        # the same file under the cap is imported
        self.Param.set_param('overseas_returns.import_max_bytes', '100000')
        self._wizard(content).action_import()
        self.assertEqual(len(self._returns(*['BIG-%d' % i for i in range(60)])), 60)

    def test_row_cap(self):
        self.Param.set_param('overseas_returns.import_max_rows', '3')
        rows = [HEADER] + [row('ROWS-%d' % i) for i in range(5)]
        self._refused(self._csv(rows), 'has more than 3 rows')
        self._refused(self._xlsx(rows), 'has more than 3 rows', 'manifest.xlsx')
        self._wizard(self._csv(rows[:4])).action_import()
        self.assertEqual(len(self._returns('ROWS-0', 'ROWS-1', 'ROWS-2')), 3)

    def test_zip_bomb_refused_unread(self):
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as archive:
            archive.writestr('[Content_Types].xml', '<Types/>')
            with archive.open('xl/worksheets/sheet1.xml', 'w') as member:
                chunk = b'\x00' * (1024 * 1024)
                for _i in range(120):  # 120 MB of nothing
                    member.write(chunk)
        bomb = output.getvalue()
        self.assertLess(len(bomb), 1024 * 1024)
        start = time.time()
        self._refused(bomb, 'unpacks to more than 100.0 MB', 'returns.xlsx')
        self.assertLess(time.time() - start, 1.0)
        # a broken zip is still "not a spreadsheet"
        self._refused(bomb[:2000], 'is not a spreadsheet', 'returns.xlsx')

    def test_nul_bytes_in_csv(self):
        content = self._csv([HEADER, row('NUL-1')]).replace(b'T-NUL-1', b'T-NUL\x001')
        self._refused(content, 'contains binary data (NUL bytes)')

    # ------------------------------------------------------------------ encodings
    def test_windows_1252_and_gbk_decoded_exactly(self):
        wizard = self._wizard(b'x')
        self.assertEqual(wizard._decode(WESTERN.encode('cp1252')), WESTERN)
        self.assertEqual(wizard._decode(CHINESE.encode('gbk')), CHINESE)
        # GB18030 accepts these bytes too: the rule, not a decoding error, decides
        for sample in ('Müller', 'François Lefèvre', 'Ærøskøbing', 'Größe'):
            sample.encode('cp1252').decode('gb18030')
            self.assertEqual(wizard._decode(sample.encode('cp1252')), sample)
        for sample in ('王小明', '不想要了', '退货：尺码偏小，盒子压坏'):
            self.assertEqual(wizard._decode(sample.encode('gbk')), sample)
        self.assertEqual(wizard._decode(WESTERN.encode('utf-8-sig')), WESTERN)
        self.assertEqual(wizard._decode(CHINESE.encode('utf-8')), CHINESE)

    def test_windows_1252_manifest(self):
        names = ['Müller', 'Zoë', 'François', 'Ærøskøbing']
        rows = [HEADER] + [row('CP-%d' % i, customer=name, note=WESTERN)
                           for i, name in enumerate(names)]
        self._wizard(self._csv(rows, 'cp1252')).action_import()
        orders = self._returns(*['CP-%d' % i for i in range(4)])
        self.assertEqual(orders.mapped('partner_id.name'), names)
        self.assertEqual(set(orders.mapped('line_ids.customer_note')), {WESTERN})

    def test_encoding_chosen_on_the_wizard(self):
        # Windows-1252 bytes that also read as GBK: 张伟
        content = self._csv([HEADER, row('ENC-1', customer='ÕÅÎ°')], 'cp1252')
        self.assertEqual(self._wizard(content)._decode(content).split(',')[-3], '张伟')
        self._refused(content, 'is not in the encoding UTF-8', encoding='utf-8')
        wizard = self._wizard(content, encoding='cp1252')
        wizard.action_import()
        self.assertEqual(self._returns('ENC-1').partner_id.name, 'ÕÅÎ°')

    # ------------------------------------------------------------------ formulas
    def test_formulas_never_written(self):
        rows = [HEADER,
                row('F-1', customer='=HYPERLINK("http://evil.example","Jane")',
                    note='+cmd|\' /C calc\'!A0'),
                row('F-2', customer='@SUM(1+1)', note='- left earbud silent'),
                row('=1+1'),
                row('F-4', sku='-EB-01')]
        wizard = self._wizard(self._csv(rows), import_good_rows=True)
        wizard.action_import()
        first, second = self._returns('F-1', 'F-2')
        self.assertEqual(first.partner_id.name, 'HYPERLINK("http://evil.example","Jane")')
        self.assertEqual(first.line_ids.customer_note, 'cmd|\' /C calc\'!A0')
        self.assertEqual(second.partner_id.name, 'SUM(1+1)')
        self.assertEqual(second.line_ids.customer_note, 'left earbud silent')
        self.assertFalse(self.Order.search([('origin_ref', 'like', '=')]))
        self.assertFalse(self._returns('F-4', '1+1'))
        self.assertEqual(wizard.error_count, 2)
        errors = list(csv.reader(io.StringIO(
            base64.b64decode(wizard.error_file).decode('utf-8-sig'))))
        self.assertEqual(errors[1][0], "'=1+1")
        self.assertIn('reads as a formula', errors[1][-1])
        self.assertEqual(errors[2][2], "'-EB-01")
        for cells in errors:
            for cell in cells:
                self.assertFalse(cell.startswith(('=', '+', '-', '@', '\t', '\r')), cell)

    # ------------------------------------------------------------------ products
    def test_service_is_not_returned_stock(self):
        self.env['product.product'].create({
            'name': 'Installation', 'default_code': 'SRV-INSTALL', 'type': 'service'})
        consumable = self.env['product.product'].create({
            'name': 'Cable', 'default_code': 'CONSU-CABLE', 'type': 'consu'})
        message = self._refused(
            self._csv([HEADER, row('SRV-1', sku='SRV-INSTALL'),
                       row('SRV-2', sku='CONSU-CABLE')]), 'SRV-INSTALL is a service')
        self.assertIn('Row 2, column "sku"', message)
        self.assertIn('1 of the 2 rows', message)
        self._wizard(self._csv([HEADER, row('SRV-2', sku='CONSU-CABLE')])).action_import()
        self.assertEqual(self._returns('SRV-2').line_ids.product_id, consumable)

    # ------------------------------------------------------------------ customers
    def test_name_alone_never_matches_a_portal_customer(self):
        self.customer.email = 'jane@example.com'
        portal_user = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Jane Buyer', 'login': 'ort_jane', 'partner_id': self.customer.id,
            'groups_id': [(6, 0, [self.env.ref('base.group_portal').id])]})
        rows = [KEYS_HEADER,
                row('JB-1', customer='Jane Buyer', email='someone@else.example'),
                row('JB-2', customer='Jane Buyer', email=''),
                row('JB-3', customer='Jane Buyer')]
        self._wizard(self._csv(rows)).action_import()
        orders = self._returns('JB-1', 'JB-2', 'JB-3')
        self.assertEqual(len(orders), 3)
        self.assertNotIn(self.customer, orders.mapped('partner_id'))
        self.assertEqual(set(orders.mapped('partner_id.name')), {'Jane Buyer'})
        self.assertEqual(len(orders.mapped('partner_id')), 3, 'a name is not a key')
        self.assertEqual(orders[0].partner_id.email, 'someone@else.example')
        self.assertFalse(self.Order.sudo(portal_user).search([]))

    def test_stable_keys(self):
        self.customer.email = 'jane@example.com'
        rows = [KEYS_HEADER,
                row('SK-1', customer='J. B.', email='JANE@Example.com'),
                row('SK-2', customer='Buyer 77', buyer='b-77'),
                row('SK-3', customer='Client 9', ref='CLIENT-9')]
        self._wizard(self._csv(rows), channel_id=self.env.ref(
            'overseas_returns.channel_ebay').id).action_import()
        first, second, third = self._returns('SK-1', 'SK-2', 'SK-3')
        self.assertEqual(first.partner_id, self.customer)
        self.assertEqual(second.partner_id.ref, 'EBAY:b-77')
        self.assertEqual(third.partner_id.ref, 'CLIENT-9')
        # a later manifest: the same buyer id and reference, whatever the names
        rows = [KEYS_HEADER, row('SK-4', customer='Someone', buyer='b-77'),
                row('SK-5', customer='Other', ref='CLIENT-9'),
                row('SK-6', customer='Buyer 77')]
        self._wizard(self._csv(rows), channel_id=self.env.ref(
            'overseas_returns.channel_ebay').id).action_import()
        fourth, fifth, sixth = self._returns('SK-4', 'SK-5', 'SK-6')
        self.assertEqual(fourth.partner_id, second.partner_id)
        self.assertEqual(fifth.partner_id, third.partner_id)
        self.assertNotEqual(sixth.partner_id, second.partner_id)
        # the buyer id of another channel is another buyer
        self._wizard(self._csv([KEYS_HEADER, row('SK-7', buyer='b-77')])).action_import()
        self.assertNotEqual(self._returns('SK-7').partner_id, second.partner_id)
        self._refused(self._csv([KEYS_HEADER, row('SK-8', email='not an address')]),
                      '"not an address" is not an e-mail address')

    # ------------------------------------------------------------------ numbers
    def test_quantities_and_dates(self):
        kilo = self.env.ref('product.product_uom_kgm')
        self.env['product.product'].create({
            'name': 'Rice', 'default_code': 'RICE-KG', 'type': 'product',
            'uom_id': kilo.id, 'uom_po_id': kilo.id})
        rows = [HEADER,
                row('N-1', qty='1e9'), row('N-2', qty='1e300'), row('N-3', qty='nan'),
                row('N-4', qty='inf'), row('N-5', qty='-inf'), row('N-6', qty='0.5'),
                row('N-7', qty='10001'), row('N-8', date='2026-02-30'),
                row('N-9', date='1900-01-01'), row('N-10', date='2999-01-01'),
                row('N-11', sku='RICE-KG', qty='0.0005')]
        message = self._refused(self._csv(rows), '11 of the 11 rows')
        for number, value in ((2, '1e9'), (3, '1e300'), (8, '10001')):
            self.assertIn('Row %d, column "quantity": "%s" is more than the 10000 units'
                          % (number, value), message)
        for number, value in ((4, 'nan'), (5, 'inf'), (6, '-inf')):
            self.assertIn('Row %d, column "quantity": "%s" is not a positive number'
                          % (number, value), message)
        self.assertIn('Row 7, column "quantity": "0.5" does not fit the unit of measure '
                      'of EB-01', message)
        self.assertIn('Row 9, column "return_date": "2026-02-30" is not a date', message)
        self.assertIn('Row 10, column "return_date": "1900-01-01" is not a plausible',
                      message)
        self.assertIn('Row 11, column "return_date": "2999-01-01" is not a plausible',
                      message)
        self.assertIn('Row 12, column "quantity": "0.0005" does not fit', message)
        # within the bounds: 10,000 units, 2.5 kg
        self._wizard(self._csv([HEADER, row('N-20', qty='10000'),
                                row('N-21', sku='RICE-KG', qty='2.5')])).action_import()
        self.assertEqual(self._returns('N-20').line_ids.product_qty, 10000.0)
        self.assertEqual(self._returns('N-21').line_ids.product_qty, 2.5)
        self._refused(self._xlsx([HEADER, row('N-30', qty=0.5)]),
                      'does not fit the unit of measure', 'manifest.xlsx')

    def test_odd_quantities_dates_and_long_cells_are_row_errors(self):
        rows = [HEADER, row('L-1', qty='1_0'), row('L-2', date='202611'),
                row('L-3', date='2026111'), row('L-4' + 'X' * 20000),
                row('L-5', sku='EB-01' + 'Y' * 300)]
        message = self._refused(self._csv(rows), '5 of the 5 rows')
        self.assertIn('Row 2, column "quantity": "1_0" is not a positive number', message)
        self.assertIn('Row 3, column "return_date": "202611" is not a date', message)
        self.assertIn('Row 4, column "return_date": "2026111" is not a date', message)
        self.assertIn('Row 5, column "order_ref": the value has 20003 characters, more '
                      'than the 255 this column may hold', message)
        self.assertIn('Row 6, column "sku": the value has 305 characters', message)
        self.assertLess(len(message), 10000, 'the long values are not repeated')
        # the compact date of the README still reads
        self._wizard(self._csv([HEADER, row('L-10', date='20261102')])).action_import()
        self.assertEqual(self._returns('L-10').date_requested[:10], '2026-11-02')
