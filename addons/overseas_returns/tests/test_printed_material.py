from odoo.exceptions import UserError

from .common import ReturnsCase

# a 1x1 transparent PNG
PNG_1PX = (b'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA'
           b'60e6kgAAAABJRU5ErkJggg==')


class TestPrintedMaterial(ReturnsCase):

    def _render(self, xmlid, ids):
        html, report_type = self.env.ref(xmlid).render_qweb_html(ids)
        self.assertEqual(report_type, 'html')
        return html.decode('utf-8')

    def _disposed(self, grade_code, product, qty):
        order = self._create_received([(product, qty, self.reason_changed_mind)])
        self._inspect(order.line_ids, grade_code)
        order.line_ids.action_dispose()
        self.assertEqual(order.line_ids.state, 'disposed')
        return order

    def test_inspection_report(self):
        order = self._create_received([(self.earbuds, 3.0, self.reason_defect)])
        line = order.line_ids
        line.action_inspect()
        inspection = self.env['overseas.return.inspection'].search(
            [('line_id', '=', line.id)])
        photo = self.env['ir.attachment'].create({
            'name': 'front.png', 'datas_fname': 'front.png', 'datas': PNG_1PX,
            'mimetype': 'image/png'})
        inspection.write({
            'grade_id': self.grade['D'].id,
            'note': 'Scratched casing on the left bud',
            'attachment_ids': [(6, 0, photo.ids)],
            'check_ids': [(0, 0, {'name': 'Charging case closes', 'result': 'fail',
                                  'note': 'Hinge broken'})],
        })
        inspection.mapped('check_ids').filtered(lambda c: not c.result).write(
            {'result': 'pass'})
        inspection.action_confirm()
        html = self._render('overseas_returns.action_report_inspection', inspection.ids)
        for text in (order.name, 'Jane Buyer', 'Wireless Earbuds', '3.000',
                     self.grade['D'].code, self.grade['D'].name, 'Charging case closes',
                     'Hinge broken', 'Scratched casing on the left bud',
                     'type=Code128&amp;value=%s' % order.name,
                     'data:image/png;base64,' + PNG_1PX.decode()):
            self.assertIn(text, html)
        labels = dict(line._fields['disposition']._description_selection(self.env))
        self.assertTrue(line.disposition)
        self.assertIn(labels[line.disposition], html, 'the proposed disposition')
        self.assertIn('Proposed Disposition', html)

    def test_command_sheet_has_every_command(self):
        commands = self.env['overseas.return.scanner']._command_sheet()
        self.assertTrue(commands)
        html = self._render('overseas_returns.action_report_scanner_commands',
                            self.warehouse.ids)
        self.assertIn('Test US 3PL', html)
        for command in commands:
            self.assertIn('value=%s&amp;' % command['code'], html)
            self.assertIn(command['label'], html)
        self.assertIn('humanreadable=1', html)

    def test_certificate_of_donated_and_scrapped_lines(self):
        donated = self._disposed('D', self.earbuds, 1.0)
        scrapped = self._disposed('F', self.mug, 2.0)
        restocked = self._disposed('A', self.earbuds, 4.0)
        lines = (donated | scrapped | restocked).mapped('line_ids')
        html = self._render('overseas_returns.action_report_disposal_certificate',
                            lines.ids)
        for text in ('Donation Certificate', 'Destruction Certificate', donated.name,
                     scrapped.name, 'Wireless Earbuds', 'EB-01', 'Ceramic Mug',
                     'MUG-01',
                     '40.00', '12.50', '25.00', 'Test US 3PL', 'Warehouse Manager',
                     'Witness', 'were donated on the dates shown',
                     'were destroyed on the dates shown'):
            self.assertIn(text, html)
        self.assertNotIn(restocked.name, html, 'restocked goods are not certified')

    def test_certificate_from_returns(self):
        scrapped = self._disposed('F', self.mug, 2.0)
        html = self._render('overseas_returns.action_report_order_disposal_certificate',
                            scrapped.ids)
        self.assertIn('Destruction Certificate', html)
        self.assertNotIn('Donation Certificate', html)
        self.assertIn(scrapped.name, html)
        self.assertIn('25.00', html)

    def test_certificate_refused_without_donated_or_scrapped_line(self):
        restocked = self._disposed('A', self.earbuds, 1.0)
        donated_not_yet = self._create_received([(self.mug, 1.0, self.reason_defect)])
        self._inspect(donated_not_yet.line_ids, 'D')  # inspected, not disposed of
        with self.assertRaises(UserError):
            self._render('overseas_returns.action_report_disposal_certificate',
                         (restocked | donated_not_yet).mapped('line_ids').ids)
        with self.assertRaises(UserError):
            self._render('overseas_returns.action_report_order_disposal_certificate',
                         restocked.ids)

    def test_parcel_label(self):
        order = self._create_received([(self.earbuds, 2.0, self.reason_defect)],
                                      tracking_ref='1Z999AA10123456784')
        html = self._render('overseas_returns.action_report_return_label', order.ids)
        for text in (order.name, 'type=Code128&amp;value=%s' % order.name,
                     '1Z999AA10123456784', 'Wireless Earbuds', 'Test US 3PL'):
            self.assertIn(text, html)
        paperformat = self.env.ref('overseas_returns.action_report_return_label').paperformat_id
        self.assertEqual((paperformat.page_width, paperformat.page_height), (100, 150))
