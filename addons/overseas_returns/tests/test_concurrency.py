"""Two warehouse workers (two server workers) on the same return, with two real
database connections: one succeeds, the other is refused, nothing is done twice."""
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError, ValidationError
from odoo.tests.common import TransactionCase, at_install, post_install
from odoo.tools import mute_logger

from .common import set_done


@at_install(False)
@post_install(True)
class TestConcurrency(TransactionCase):

    def setUp(self):
        super(TestConcurrency, self).setUp()
        # committed data, visible to both connections (the test database is a throwaway copy)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            code = 'C%03d' % (env['stock.warehouse'].search_count([]) % 1000)
            warehouse = env['stock.warehouse'].create({'name': 'Race %s' % code, 'code': code})
            product = env['product.product'].create({
                'name': 'Race Lamp %s' % code, 'type': 'product', 'list_price': 10.0})
            order = env['overseas.return.order'].create({
                'partner_id': env.ref('base.res_partner_2').id if env.ref(
                    'base.res_partner_2', raise_if_not_found=False) else env.user.partner_id.id,
                'warehouse_id': warehouse.id,
                'line_ids': [(0, 0, {
                    'product_id': product.id, 'product_qty': 2.0,
                    'reason_id': env.ref('overseas_returns.reason_changed_mind').id})]})
            order.action_approve()
            self.order_id, self.line_id = order.id, order.line_ids.id
            self.product_id, self.warehouse_id = product.id, warehouse.id
        self.cr1 = self.registry.cursor()
        self.cr2 = self.registry.cursor()
        self.addCleanup(self.cr1.close)
        self.addCleanup(self.cr2.close)
        self.env1 = api.Environment(self.cr1, SUPERUSER_ID, {})
        self.env2 = api.Environment(self.cr2, SUPERUSER_ID, {})

    def _qty(self, env, location):
        product = env['product.product'].browse(self.product_id)
        return env['stock.quant']._get_available_quantity(product, location)

    def test_concurrent_receive_and_dispose(self):
        orders1 = self.env1['overseas.return.order'].browse(self.order_id)
        orders2 = self.env2['overseas.return.order'].browse(self.order_id)
        orders1.action_receive()                          # worker 1, not committed yet
        with self.assertRaises(UserError):
            orders2.action_receive()                      # worker 2 is told at once
        self.cr2.rollback()
        self.cr1.commit()
        with self.assertRaises(UserError):
            orders2.action_receive()                      # retry sees it was received
        self.cr2.rollback()
        self.assertEqual(len(orders2.picking_ids), 1, 'one receipt only')
        # end worker 2's read transaction: a snapshot older than worker 1's next commit
        # would get PostgreSQL's serialization failure, which Odoo's RPC layer retries
        self.cr2.rollback()

        line1 = self.env1['overseas.return.line'].browse(self.line_id)
        line2 = self.env2['overseas.return.line'].browse(self.line_id)
        line1.action_inspect()
        inspection = line1.inspection_ids
        inspection.check_ids.write({'result': 'pass'})
        inspection.grade_id = self.env1.ref('overseas_returns.grade_a')
        inspection.action_confirm()
        self.cr1.commit()

        line1.action_dispose()
        with self.assertRaises(UserError):
            line2.action_dispose()
        self.cr2.rollback()
        self.cr1.commit()
        with self.assertRaises(UserError):
            line2.action_dispose()
        self.cr2.rollback()
        warehouse = self.env2['stock.warehouse'].browse(self.warehouse_id)
        self.assertEqual(self._qty(self.env2, warehouse.lot_stock_id), 2.0, 'moved once')
        self.assertEqual(self._qty(self.env2, warehouse.return_location_id), 0.0)
        self.assertEqual(line2.state, 'disposed')

    def test_no_context_key_skips_the_inspection_lock(self):
        """The desk's batch tells the inspection's create which lines it has locked
        through a value of the server's own thread: a caller who passes a context key
        naming the line still waits for (here: is refused by) the other worker's lock."""
        self.env1['overseas.return.order'].browse(self.order_id).action_receive()
        self.cr1.commit()
        line1 = self.env1['overseas.return.line'].browse(self.line_id)
        line1._lock_for_update()                          # worker 1 is on the line
        Inspection2 = self.env2['overseas.return.inspection'].with_context(
            overseas_return_locked_line_ids=[self.line_id])
        with self.assertRaises(UserError) as refused:
            Inspection2.create({'line_id': self.line_id})
        self.assertIn('Someone else is processing', refused.exception.name)
        self.cr2.rollback()
        self.cr1.rollback()
        # once worker 1 is gone, the inspection starts
        Inspection2.create({'line_id': self.line_id})
        self.assertEqual(self.env2['overseas.return.inspection'].search_count(
            [('line_id', '=', self.line_id), ('state', '=', 'draft')]), 1)
        self.cr2.rollback()


@at_install(False)
@post_install(True)
class TestConcurrentClaims(TransactionCase):
    """Two "Register Return" clicks (or two portal requests) for the same delivered
    units: the second is refused, or retried by Odoo and then refused; never two
    returns of the same units."""

    def setUp(self):
        super(TestConcurrentClaims, self).setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            code = 'K%03d' % (env['stock.warehouse'].search_count([]) % 1000)
            # its own company: what this test commits stays out of other tests' figures
            company = env['res.company'].create({'name': 'Claims Company %s' % code})
            warehouse = env['stock.warehouse'].create({'name': 'Claims %s' % code,
                                                       'code': code,
                                                       'company_id': company.id})
            product = env['product.product'].create({
                'name': 'Claim Kettle %s' % code, 'type': 'product', 'list_price': 20.0})
            env['stock.quant']._update_available_quantity(product, warehouse.lot_stock_id, 5)
            partner = env['res.partner'].create({'name': 'Claim Customer %s' % code})
            sale = env['sale.order'].create({
                'partner_id': partner.id, 'warehouse_id': warehouse.id,
                'company_id': company.id,
                'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 2.0,
                                       'price_unit': 20.0})]})
            sale.action_confirm()
            set_done(sale.picking_ids.move_lines, 2.0)
            sale.picking_ids.action_done()
            self.sale_id = sale.id
        self.cr1 = self.registry.cursor()
        self.cr2 = self.registry.cursor()
        self.addCleanup(self.cr1.close)
        self.addCleanup(self.cr2.close)
        self.env1 = api.Environment(self.cr1, SUPERUSER_ID, {})
        self.env2 = api.Environment(self.cr2, SUPERUSER_ID, {})

    def _register(self, env):
        return env['overseas.return.order'].create_from_sale_order(
            env['sale.order'].browse(self.sale_id))

    def test_two_registrations_of_the_same_units(self):
        import psycopg2.extensions
        self._register(self.env1)                         # first click, not committed
        with self.assertRaises(ValidationError):
            self._register(self.env2)                     # second click: told at once
        self.cr2.rollback()
        # the second worker's snapshot predates the first commit
        self.env2['sale.order'].browse(self.sale_id).read(['name'])
        self.cr1.commit()
        with self.assertRaises(psycopg2.extensions.TransactionRollbackError):
            with mute_logger('odoo.sql_db'):
                self._register(self.env2)                 # Odoo's RPC layer retries this
        self.cr2.rollback()
        with self.assertRaises(UserError):
            self._register(self.env2)                     # the retry: nothing left
        self.cr2.rollback()
        returns = self.env2['overseas.return.order'].search(
            [('sale_order_id', '=', self.sale_id)])
        self.assertEqual(len(returns), 1)
        self.assertEqual(sum(returns.mapped('line_ids.product_qty')), 2.0)
