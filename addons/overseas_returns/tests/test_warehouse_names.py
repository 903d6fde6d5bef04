from odoo.tests.common import SavepointCase, at_install, post_install


@at_install(False)
@post_install(True)
class TestWarehouseNames(SavepointCase):
    """The locations and operation types the add-on creates for a warehouse read in
    the user's language: English stays English, a Chinese user reads Chinese."""

    @classmethod
    def setUpClass(cls):
        super(TestWarehouseNames, cls).setUpClass()
        Lang = cls.env['res.lang'].with_context(active_test=False)
        if not Lang.search([('code', '=', 'zh_CN'), ('active', '=', True)]):
            Lang.load_lang('zh_CN')
        cls.env['ir.module.module'].search(
            [('name', '=', 'overseas_returns')])._update_translations('zh_CN')
        cls.company = cls.env.ref('base.main_company')

    def _names(self, warehouse, lang):
        wh = warehouse.with_context(lang=lang)
        return (wh.return_location_id.name, wh.return_rework_location_id.name,
                wh.return_type_id.name, wh.return_disposition_type_id.name)

    def test_english_creator(self):
        warehouse = self.env['stock.warehouse'].with_context(lang='en_US').create({
            'name': 'Names EN', 'code': 'NEN', 'company_id': self.company.id})
        self.assertEqual(self._names(warehouse, 'en_US'), (
            'Returns Quarantine', 'Rework', 'Customer Returns', 'Return Dispositions'))
        self.assertEqual(self._names(warehouse, 'zh_CN')[0], '退货待检区')
        self.assertEqual(self._names(warehouse, 'zh_CN')[2], '客户退货')
        # the stored full name is the English creator's
        self.assertEqual(warehouse.return_location_id.complete_name,
                         'Physical Locations/NEN-Returns/Returns Quarantine')

    def test_chinese_creator(self):
        """A Chinese user creating a warehouse no longer stores Chinese names for the
        English users; the full location name is in the creator's language."""
        warehouse = self.env['stock.warehouse'].with_context(lang='zh_CN').create({
            'name': 'Names ZH', 'code': 'NZH', 'company_id': self.company.id})
        self.assertEqual(self._names(warehouse, 'en_US')[0], 'Returns Quarantine')
        self.assertEqual(self._names(warehouse, 'en_US')[2], 'Customer Returns')
        self.assertEqual(self._names(warehouse, 'zh_CN')[0], '退货待检区')
        self.assertEqual(self._names(warehouse, 'zh_CN')[2], '客户退货')
        self.assertTrue(warehouse.return_location_id.complete_name.endswith('/退货待检区'),
                        warehouse.return_location_id.complete_name)
        self.assertIn('客户退货', warehouse.return_type_id.with_context(
            lang='zh_CN').display_name)

    def test_warehouse_form_shows_the_returns_setup_without_routes(self):
        """The return locations and types are on the warehouse form even when
        multi-step routes are off (core hides its notebook then)."""
        manager = self.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Route-less Manager', 'login': 'ort_routeless_manager',
            'groups_id': [(6, 0, [self.env.ref('stock.group_stock_manager').id,
                                  self.env.ref('overseas_returns.group_returns_manager').id])]})
        if manager.has_group('stock.group_adv_location'):
            manager.groups_id = [(3, self.env.ref('stock.group_adv_location').id)]
        self.assertFalse(manager.has_group('stock.group_adv_location'))
        arch = self.env['stock.warehouse'].sudo(manager).fields_view_get(
            view_type='form')['arch']
        self.assertIn('return_location_id', arch)
        self.assertIn('return_type_id', arch)
