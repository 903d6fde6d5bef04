from odoo.exceptions import AccessError, ValidationError

from .common import ReturnsCase


class EconomicsCase(ReturnsCase):
    """A warehouse cost model with its shipped defaults and products of known prices."""

    @classmethod
    def setUpClass(cls):
        super(EconomicsCase, cls).setUpClass()
        cls.cost_model = cls.env['overseas.return.cost.model'].create({
            'warehouse_id': cls.warehouse.id})
        Product = cls.env['product.product']
        cls.cheap = Product.create({
            'name': 'Phone Strap', 'type': 'product', 'list_price': 4.0,
            'standard_price': 3.0, 'weight': 1.0})
        cls.valuable = Product.create({
            'name': 'Bluetooth Speaker', 'type': 'product', 'list_price': 60.0,
            'standard_price': 30.0, 'weight': 1.0})

    def _inspected_line(self, product, grade_code, warehouse=None):
        values = {'warehouse_id': warehouse.id} if warehouse else {}
        order = self._create_received([(product, 1.0, self.reason_defect)], **values)
        self._inspect(order.line_ids, grade_code)
        return order.line_ids

    def _nets(self, line):
        return {option.disposition: (option.expected_recovery, option.expected_cost,
                                     option.expected_net)
                for option in line.disposition_option_ids}

    def test_shipped_defaults(self):
        self.assertEqual(sorted(self.cost_model.resale_ids.mapped('grade_id.code')),
                         ['A', 'B', 'C'])
        self.assertEqual(self.cost_model.currency_id, self.company.currency_id)

    def test_cheap_unit_is_disposed_of_locally(self):
        line = self._inspected_line(self.cheap, 'D')
        nets = self._nets(line)
        # not resellable: neither the shelf nor rework
        self.assertEqual(sorted(nets), ['donate', 'return_to_origin', 'scrap'])
        # home: 3.00 back for 1.50 handling + 6.00 freight + 0.15 duty
        self.assertEqual(nets['return_to_origin'], (3.0, 7.65, -4.65))
        # destroyed here: 1.50 handling + 0.80 fee for 1 kg
        self.assertEqual(nets['scrap'], (0.0, 2.3, -2.3))
        self.assertEqual(line.proposed_disposition, 'scrap')
        self.assertEqual(line.disposition, 'scrap')
        self.assertFalse(line.disposition_overridden)

    def test_valuable_grade_b_is_restocked(self):
        line = self._inspected_line(self.valuable, 'B')
        nets = self._nets(line)
        self.assertEqual(nets['restock'], (42.0, 1.5, 40.5))  # 70 % of 60
        self.assertEqual(nets['rework'], (39.0, 4.5, 34.5))   # 65 % of 60, 3.00 rework
        self.assertEqual(nets['donate'], (0.0, 2.5, -2.5))
        self.assertEqual(line.disposition, 'restock')
        self.assertEqual(line.disposition_option_ids.filtered('is_proposed').disposition,
                         'restock')

    def test_channel_and_category_prices(self):
        channel = self.env['overseas.return.channel'].create(
            {'name': 'Outlet Shop', 'code': 'outlet'})
        categ = self.env['product.category'].create({'name': 'Fragile'})
        self.valuable.categ_id = categ
        self.cost_model.write({
            'resale_ids': [(0, 0, {'grade_id': self.grade['B'].id,
                                   'channel_id': channel.id, 'percent': 40.0})],
            'rework_cost_ids': [(0, 0, {'categ_id': categ.id, 'cost': 1.0})]})
        order = self._create_received([(self.valuable, 1.0, self.reason_defect)],
                                      channel_id=channel.id)
        self._inspect(order.line_ids, 'B')
        nets = self._nets(order.line_ids)
        self.assertEqual(nets['restock'], (24.0, 1.5, 22.5))
        self.assertEqual(nets['rework'], (39.0, 2.5, 36.5))
        self.assertEqual(order.line_ids.disposition, 'rework')

    def test_hazard_is_destroyed_whatever_the_money(self):
        line = self._inspected_line(self.valuable, 'F')
        self.assertEqual(line.disposition_option_ids.mapped('disposition'), ['scrap'])
        self.assertEqual(line.disposition, 'scrap')
        with self.assertRaises(ValidationError):
            line.sudo(self.user).write({'disposition': 'restock'})
        self.assertEqual(line.disposition, 'scrap')

    def test_override_records_the_money_left(self):
        line = self._inspected_line(self.valuable, 'B')
        line.sudo(self.user).write({'disposition': 'return_to_origin'})
        self.assertTrue(line.disposition_overridden)
        # restock 40.50 against home 30.00 - (1.50 + 6.00 + 1.50) = 21.00
        self.assertAlmostEqual(line.override_money_left, 19.5)
        notes = line.order_id.message_ids.mapped('body')
        self.assertTrue(any('19.50' in note and 'Warehouse Worker' in note
                            for note in notes), notes)
        line.sudo(self.user).write({'disposition': 'restock'})
        self.assertFalse(line.disposition_overridden)
        self.assertEqual(line.override_money_left, 0.0)

    def test_economics_fields_belong_to_the_actions(self):
        line = self._inspected_line(self.valuable, 'B')
        for vals in ({'proposed_disposition': 'scrap'}, {'override_money_left': 0.0},
                     {'received_weight': 3.0}):
            with self.assertRaises(AccessError):
                line.sudo(self.user).write(vals)
        self.assertEqual(line.proposed_disposition, 'restock')
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.cost_model.write({'duty_percent': 120.0})
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.cost_model.write({'handling_per_unit': -1.0})
        self.cost_model.invalidate_cache()
        self.assertEqual(self.cost_model.duty_percent, 5.0)

    def test_without_cost_model_the_rules_propose(self):
        warehouse = self.env['stock.warehouse'].create({
            'name': 'Test EU 3PL', 'code': 'TEU', 'company_id': self.company.id})
        line_d = self._inspected_line(self.valuable, 'D', warehouse)
        self.assertEqual(line_d.disposition, 'return_to_origin')
        self.assertFalse(line_d.disposition_option_ids)
        line_f = self._inspected_line(self.valuable, 'F', warehouse)
        self.assertEqual(line_f.disposition, 'scrap')
