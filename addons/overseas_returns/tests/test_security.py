from odoo.exceptions import AccessError

from .common import ReturnsCase


class TestSecurity(ReturnsCase):

    def test_warehouse_user_runs_the_floor(self):
        order = self._create_order()
        order.sudo(self.manager).action_approve()
        as_user = order.sudo(self.user)
        as_user.action_receive()
        self._inspect(as_user.line_ids, 'A')
        as_user.line_ids.action_dispose()
        self.assertEqual(order.state, 'done')

    def test_user_cannot_configure(self):
        Grade = self.env['overseas.return.grade'].sudo(self.user)
        self.assertTrue(Grade.search([]))
        with self.assertRaises(AccessError):
            Grade.create({'code': 'Z', 'name': 'Z', 'default_disposition': 'scrap'})
        with self.assertRaises(AccessError):
            self.env.ref('overseas_returns.reason_changed_mind').sudo(self.user).write(
                {'name': 'x'})
        self.env['overseas.return.grade'].sudo(self.manager).create(
            {'code': 'Z', 'name': 'Z', 'default_disposition': 'scrap'})

    def test_employee_without_returns_group_sees_nothing(self):
        employee = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Someone', 'login': 'ort_someone',
            'groups_id': [(6, 0, [self.env.ref('base.group_user').id])]})
        order = self._create_order()
        with self.assertRaises(AccessError):
            order.sudo(employee).read(['name'])
        with self.assertRaises(AccessError):
            self.env['overseas.return.order'].sudo(employee).create({
                'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id})

    def test_multi_company_isolation(self):
        other = self.env['res.company'].create({'name': 'EU Subsidiary'})
        other_wh = self.env['stock.warehouse'].search([('company_id', '=', other.id)], limit=1)
        if not other_wh:
            other_wh = self.env['stock.warehouse'].create({
                'name': 'EU 3PL', 'code': 'EU3', 'company_id': other.id})
        self.assertTrue(other_wh.return_location_id)
        foreign = self._create_order(warehouse_id=other_wh.id, company_id=other.id)
        mine = self._create_order()
        visible = self.env['overseas.return.order'].sudo(self.user).search(
            [('id', 'in', (foreign | mine).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            foreign.sudo(self.user).read(['name'])
