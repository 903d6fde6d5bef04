from psycopg2 import IntegrityError

from odoo.tests.common import SavepointCase, at_install, post_install
from odoo.tools import mute_logger


@at_install(False)
@post_install(True)
class TestReason(SavepointCase):

    def test_shipped_reasons_cover_every_category(self):
        reasons = self.env['overseas.return.reason'].search([])
        codes = set(reasons.mapped('code'))
        for code in ('size_differs', 'colour_differs', 'function_differs',
                     'manufacturing_defect', 'damaged_in_transit', 'packaging_problem',
                     'not_needed', 'unsuitable', 'changed_mind', 'wrong_item',
                     'arrived_late'):
            self.assertIn(code, codes)
        self.assertEqual(
            set(reasons.mapped('category_id.code')),
            {'mismatch', 'quality', 'expectation', 'logistics', 'other'})
        transit = self.env.ref('overseas_returns.reason_damaged_in_transit')
        self.assertEqual(transit.fault_party, 'carrier')
        self.assertTrue(all(reasons.mapped('amazon_code')))

    def test_reason_code_is_unique(self):
        category = self.env.ref('overseas_returns.reason_category_quality')
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'):
            with self.env.cr.savepoint():
                self.env['overseas.return.reason'].create({
                    'code': 'manufacturing_defect', 'name': 'Duplicate',
                    'category_id': category.id})
