from odoo.exceptions import UserError

from .common import ReturnsCase


class TestInspection(ReturnsCase):

    def test_checklist_comes_from_the_category_template(self):
        template = self.env['overseas.return.inspection.template'].create({
            'name': 'Electronics', 'categ_ids': [(6, 0, [self.categ_electronics.id])],
            'item_ids': [(0, 0, {'name': 'Battery not swollen'}),
                         (0, 0, {'name': 'Charges'})]})
        order = self._create_received([(self.earbuds, 1.0, self.reason_defect),
                                       (self.mug, 1.0, self.reason_changed_mind)])
        order.line_ids.action_inspect()
        earbuds_insp, mug_insp = [order.line_ids[i].inspection_ids for i in (0, 1)]
        self.assertEqual(earbuds_insp.template_id, template)
        self.assertEqual(earbuds_insp.check_ids.mapped('name'),
                         ['Battery not swollen', 'Charges'])
        default = self.env.ref('overseas_returns.inspection_template_default')
        self.assertEqual(mug_insp.template_id, default)
        self.assertEqual(len(mug_insp.check_ids), len(default.item_ids))
        # opening again reuses the inspection in progress
        order.line_ids.action_inspect()
        self.assertEqual(len(order.line_ids[0].inspection_ids), 1)

    def test_confirm_grades_line_and_proposes_disposition(self):
        order = self._create_received([(self.earbuds, 1.0, self.reason_defect),
                                       (self.mug, 1.0, self.reason_changed_mind)])
        earbuds_line, mug_line = order.line_ids
        self._inspect(earbuds_line, 'D', fault_party='seller')
        self.assertEqual(earbuds_line.state, 'inspected')
        self.assertEqual(earbuds_line.grade_id, self.grade['D'])
        self.assertEqual(earbuds_line.disposition, 'return_to_origin')
        self.assertEqual(earbuds_line.fault_party, 'seller')
        self.assertEqual(order.state, 'received', 'one line still waits')
        self._inspect(mug_line, 'A', fault_party='customer')
        self.assertEqual(mug_line.disposition, 'restock')
        self.assertEqual(mug_line.fault_party, 'customer')
        self.assertEqual(order.state, 'inspected')
        self.assertEqual(order.inspection_count, 2)

    def test_rule_per_reason_category_overrides_grade_default(self):
        order = self._create_received([(self.mug, 1.0, self.reason_transit)])
        self._inspect(order.line_ids, 'D')
        # shipped rule: grade D + logistics -> scrap
        self.assertEqual(order.line_ids.disposition, 'scrap')
        self.assertEqual(order.line_ids.fault_party, 'carrier', 'kept from the reason')

    def test_confirm_refused_without_grade_or_with_open_checks(self):
        order = self._create_received()
        line = order.line_ids
        line.action_inspect()
        inspection = line.inspection_ids
        inspection.check_ids.write({'result': 'pass'})
        with self.assertRaises(UserError):
            inspection.action_confirm()
        inspection.grade_id = self.grade['B']
        inspection.check_ids[0].result = False
        with self.assertRaises(UserError):
            inspection.action_confirm()
        self.assertEqual(inspection.state, 'draft')
        self.assertEqual(line.state, 'received')
        self.assertFalse(line.grade_id)

    def test_inspect_refused_before_receipt_and_twice(self):
        order = self._create_order()
        with self.assertRaises(UserError):
            order.line_ids.action_inspect()
        order.action_approve()
        order.action_receive()
        inspections = self._inspect(order.line_ids, 'A')
        with self.assertRaises(UserError):
            inspections.action_confirm()
        with self.assertRaises(UserError):
            order.line_ids.action_inspect()

    def test_pass_open_checks_keeps_failures(self):
        order = self._create_received()
        order.line_ids.action_inspect()
        inspection = order.line_ids.inspection_ids
        inspection.check_ids[0].result = 'fail'
        inspection.action_pass_open_checks()
        self.assertEqual(inspection.check_ids[0].result, 'fail')
        # the expiry check does not apply to earbuds (no lot, no expiry): N/A
        applying = inspection.check_ids[1:].filtered('applies')
        self.assertEqual(set(applying.mapped('result')), {'pass'})
        self.assertEqual(set((inspection.check_ids[1:] - applying).mapped('result')),
                         {'na'})
        inspection.grade_id = self.grade['C']
        inspection.action_confirm()
        with self.assertRaises(UserError):
            inspection.action_pass_open_checks()
