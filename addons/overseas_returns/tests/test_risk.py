from odoo import fields
from odoo.exceptions import AccessError, UserError

from .common import ReturnsCase


class RiskCase(ReturnsCase):

    @classmethod
    def setUpClass(cls):
        super(RiskCase, cls).setUpClass()
        cls.earbuds.weight = 0.5
        cls.channel = cls.env['overseas.return.channel'].create({
            'name': 'Risk Test Shop', 'code': 'risk_shop', 'return_rate_baseline': 10.0})

    def _codes(self, order):
        return sorted(order.risk_reason_ids.mapped('code'))

    def _inspected(self, grade, reason=None, **line_vals):
        order = self._create_received([(self.earbuds, 1.0, reason or self.reason_defect)])
        if line_vals:
            order.line_ids.sudo(self.user).write(line_vals)
        self._inspect(order.line_ids, grade)
        return order

    def test_plain_return_has_no_risk(self):
        order = self._inspected('A')
        self.assertEqual(order.risk_score, 0)
        self.assertFalse(order.risk_reason_ids)

    def test_empty_box(self):
        order = self._inspected('D', content_finding='empty')
        self.assertEqual(self._codes(order), ['empty_box'])
        self.assertEqual(order.risk_score, 45)
        self.assertIn('Nothing in the box', order.risk_reason_ids.evidence)

    def test_something_else_and_weight(self):
        order = self._inspected('D', content_finding='other_item', received_weight=2.0)
        self.assertEqual(self._codes(order), ['other_item', 'weight'])
        self.assertEqual(order.risk_score, 60)
        weight = order.risk_reason_ids.filtered(lambda r: r.code == 'weight')
        self.assertIn('2 kg received, 0.5 kg expected', weight.evidence)

    def test_weight_close_to_the_product_is_fine(self):
        order = self._inspected('A', received_weight=0.55)
        self.assertEqual(order.risk_score, 0)

    def test_wear_on_changed_mind(self):
        worn = self._inspected('C', reason=self.reason_changed_mind)
        self.assertEqual(self._codes(worn), ['wear'])
        unworn = self._inspected('A', reason=self.reason_changed_mind)
        self.assertFalse(unworn.risk_reason_ids)
        defect = self._inspected('C')
        self.assertFalse(defect.risk_reason_ids)

    def test_serial_mismatch(self):
        order = self._inspected('B')
        line = order.line_ids
        if 'serial_mismatch' not in line._fields:
            # serials are not tracked on return lines yet: the signal stays silent
            order.action_assess_risk()
            self.assertNotIn('serial_mismatch', self._codes(order))
            return
        line.sudo().write({'serial_mismatch': True})
        order.action_assess_risk()
        self.assertIn('serial_mismatch', self._codes(order))

    def test_return_count(self):
        for _index in range(5):
            self._create_order()
        order = self._create_order()
        order.action_assess_risk()
        self.assertEqual(self._codes(order), ['return_count'])
        self.assertIn('5 other returns', order.risk_reason_ids.evidence)

    def test_return_rate_against_channel_baseline(self):
        self._create_delivered_sale([(self.mug, 4.0, 12.5)], 'SO-RISK-1')
        order = self._create_order([(self.mug, 1.0, self.reason_defect)],
                                   channel_id=self.channel.id)
        order.action_assess_risk()
        self.assertEqual(order.risk_score, 20)  # 25 % against twice 10 %
        self.assertIn('25.0 %', order.risk_reason_ids.evidence)
        self.channel.return_rate_baseline = 15.0
        order.action_assess_risk()
        self.assertFalse(order.risk_reason_ids)

    def test_refund_requested_before_receipt(self):
        order = self._create_order(refund_requested_date=fields.Datetime.now())
        order.action_assess_risk()
        self.assertEqual(self._codes(order), ['early_refund'])
        late = self._create_received()
        late.sudo().write({'refund_requested_date': '2099-01-01 00:00:00'})
        late.action_assess_risk()
        self.assertFalse(late.risk_reason_ids)

    def test_shared_with_abusive_returns(self):
        country = self.env.ref('base.us')
        address = {'street': '1 Main Street', 'zip': '10001', 'country_id': country.id}
        self.customer.write(address)
        abusive = self._create_order()
        with self.assertRaises(AccessError):
            abusive.sudo(self.user).action_confirm_abuse()
        with self.assertRaises(AccessError):
            abusive.sudo(self.user).write({'abuse_confirmed': True})
        self.assertFalse(abusive.abuse_confirmed)
        abusive.sudo(self.manager).action_confirm_abuse()
        self.assertTrue(abusive.abuse_confirmed)
        neighbour = self.env['res.partner'].create(dict(address, name='Other Name'))
        order = self._create_order(partner_id=neighbour.id)
        order.action_assess_risk()
        self.assertEqual(self._codes(order), ['shared_abuse'])
        self.assertIn(abusive.name, order.risk_reason_ids.evidence)
        stranger = self.env['res.partner'].create({'name': 'Stranger', 'zip': '99999'})
        other = self._create_order(partner_id=stranger.id)
        other.action_assess_risk()
        self.assertFalse(other.risk_reason_ids)
        risky = self.env['overseas.return.risk.reason'].sudo(self.manager).search(
            [('partner_id', '=', neighbour.id)])
        self.assertEqual(risky.order_id, order)

    def test_rule_holds_the_refund_of_a_risky_return(self):
        self.env['overseas.return.rule'].create({
            'name': 'Hold risky refunds', 'sequence': 1, 'min_risk_score': 30,
            'action': 'hold_refund'})
        with self.assertRaises(Exception):
            self.env['overseas.return.rule'].create({
                'name': 'Beyond', 'min_risk_score': 101, 'action': 'hold_refund'})
        safe = self._create_order(return_method='returnless')
        self.assertFalse(safe.refund_hold)
        self.assertEqual(safe.return_method, 'returnless')
        abusive = self._create_order()
        abusive.sudo(self.manager).action_confirm_abuse()
        order = self._create_order(return_method='returnless')
        self.assertEqual(order.risk_score, 35)
        self.assertTrue(order.refund_hold)
        self.assertEqual(order.return_method, 'ship_back')  # the goods must come back
        with self.assertRaises(AccessError):
            order.sudo(self.user).write({'refund_hold': False})
        order.action_approve()
        with self.assertRaises(UserError):
            order.action_create_refund()
        self.assertFalse(order.refund_invoice_ids)
        order.action_receive()
        self._inspect(order.line_ids, 'A')
        order._check_refund_hold()  # inspected: the hold is lifted
        self.assertTrue(order.action_create_refund())
