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

    def test_company_tree_of_record_rules_follows_new_and_moved_companies(self):
        """The rules' company tree is resolved once per user (ir_rule.py): a company
        created under the user's, or moved out of it, is seen at the next query."""
        Order = self.env['overseas.return.order']
        mine = self._create_order()
        as_user = Order.sudo(self.user)
        # the rule's domain is computed (and cached) before the subsidiary exists
        self.assertEqual(as_user.search([('id', '=', mine.id)]), mine)
        branch = self.env['res.company'].create({
            'name': 'US Branch', 'parent_id': self.company.id})
        branch_wh = self.env['stock.warehouse'].create({
            'name': 'Branch 3PL', 'code': 'BR3', 'company_id': branch.id})
        theirs = self._create_order(warehouse_id=branch_wh.id, company_id=branch.id)
        self.assertEqual(as_user.search([('id', 'in', (mine | theirs).ids)]), mine | theirs,
                         'a subsidiary created later is part of the tree at once')
        self.assertEqual(theirs.sudo(self.user).read(['name'])[0]['name'], theirs.name)
        # moved to a company of its own: out of the tree, out of sight
        holding = self.env['res.company'].create({'name': 'Other Holding'})
        branch.write({'parent_id': holding.id})
        self.assertEqual(as_user.search([('id', 'in', (mine | theirs).ids)]), mine)
        with self.assertRaises(AccessError):
            theirs.sudo(self.user).read(['name'])
        # and back under the user's company
        branch.write({'parent_id': self.company.id})
        self.assertEqual(as_user.search([('id', 'in', (mine | theirs).ids)]), mine | theirs)

    def test_company_tree_rules_select_what_odoo_selects(self):
        """Three levels of companies, a user in the middle company and then in the
        bottom one: every rule read with the company tree resolved selects the same
        records as Odoo's own rule domain (company fields, a path through the
        warehouse, res.company's own tree)."""
        from ..models.ir_rule import IrRule as ReturnsIrRule
        Company = self.env['res.company']
        mid = Company.create({'name': 'EU Holding', 'parent_id': self.company.id})
        low = Company.create({'name': 'DE Shop', 'parent_id': mid.id})
        user = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'DE Clerk', 'login': 'ort_de_clerk', 'email': 'de@example.com',
            'company_id': low.id, 'company_ids': [(6, 0, (self.company | mid | low).ids)],
            'groups_id': [(6, 0, [self.env.ref('overseas_returns.group_returns_user').id,
                                  self.env.ref('base.group_user').id])]})
        for company in (self.company, mid, low):
            self.env['res.partner'].create({'name': 'Buyer of %s' % company.name,
                                            'company_id': company.id})
        # records of each company: a warehouse (with its locations and operation types)
        self.env['stock.warehouse'].create({'name': 'DE 3PL', 'code': 'DE3',
                                            'company_id': low.id})
        self.env['stock.warehouse'].create({'name': 'EU 3PL', 'code': 'EU3',
                                            'company_id': mid.id})
        for company in (mid, low):  # the user in the middle of the tree, then below
            user.write({'company_id': company.id})
            Rule = self.env['ir.rule'].sudo(user)
            for model_name in ('res.partner', 'res.company', 'overseas.return.order',
                               'stock.warehouse', 'stock.location', 'stock.move',
                               'stock.picking.type', 'account.invoice', 'sale.order',
                               'ir.property'):
                for mode in ('read', 'write'):
                    ours = Rule._compute_domain(model_name, mode)
                    odoo = super(ReturnsIrRule, Rule)._compute_domain(model_name, mode)
                    Model = self.env[model_name].sudo().with_context(active_test=False)
                    self.assertEqual(Model.search(ours or []), Model.search(odoo or []),
                                     '%s (%s), user in %s' % (model_name, mode,
                                                              company.name))
        ours = self.env['ir.rule'].sudo(user)._compute_domain('stock.warehouse', 'read')
        self.assertIn(('company_id', 'in', [low.id]), ours, 'the tree is resolved')
        top_partner = self.env['res.partner'].search(
            [('company_id', '=', self.company.id), ('name', 'like', 'Buyer of')])
        self.assertEqual(top_partner.sudo(user).read(['name'])[0]['name'],
                         top_partner.name, 'the parent companies\' partners stay in sight')

    def test_company_tree_leaves_only_company_child_of_rewritten(self):
        """Leaves of other models, other operators and names are left to the ORM."""
        Rule = self.env['ir.rule']
        Order = self.env['overseas.return.order']
        self.assertEqual(Rule._company_tree_leaf(Order, ('company_id', '=', 1)),
                         ('company_id', '=', 1))
        self.assertEqual(Rule._company_tree_leaf(Order, ('partner_id', 'child_of', [1])),
                         ('partner_id', 'child_of', [1]))
        self.assertEqual(Rule._company_tree_leaf(Order, ('company_id', 'child_of', 'x')),
                         ('company_id', 'child_of', 'x'))
        self.assertEqual(Rule._company_tree_leaf(Order, '|'), '|')
        Partner = self.env['res.partner']
        self.assertEqual(  # child_ids: the ORM walks up the tree there
            Rule._company_tree_leaf(Partner, ('company_id.child_ids', 'child_of', [1])),
            ('company_id.child_ids', 'child_of', [1]))
        self.assertEqual(  # on res.company itself: left to the ORM
            Rule._company_tree_leaf(self.env['res.company'], ('parent_id', 'child_of', [1])),
            ('parent_id', 'child_of', [1]))
        leaf = Rule._company_tree_leaf(Order, ('company_id', 'child_of', [self.company.id]))
        self.assertEqual(leaf[:2], ('company_id', 'in'))
        self.assertEqual(set(leaf[2]), set(self.env['res.company'].search(
            [('id', 'child_of', self.company.id)]).ids))
