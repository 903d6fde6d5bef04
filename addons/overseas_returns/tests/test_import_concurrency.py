"""Two imports of the same manifest at once, on two real database connections: the
returns exist once, the second import is told (or retried by Odoo's RPC layer)."""
import base64
import csv
import io
import threading
import time

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests.common import TransactionCase, at_install, post_install

HEADER = ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code', 'return_date',
          'customer', 'condition', 'note']


@at_install(False)
@post_install(True)
class TestImportConcurrency(TransactionCase):

    def setUp(self):
        super(TestImportConcurrency, self).setUp()
        self.tag = 'RACE%d' % (int(time.time() * 1000) % 10 ** 8)
        self.refs = ['%s-%d' % (self.tag, i) for i in range(6)]
        rows = [HEADER] + [[ref, 'T' + ref, self.tag, '1', 'changed_mind', '2026-03-01',
                            'Racer %s' % ref, '', ''] for ref in self.refs]
        output = io.StringIO()
        csv.writer(output).writerows(rows)
        content = base64.b64encode(output.getvalue().encode())
        # committed data, visible to every connection; removed in the cleanup
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.partners_before = env['res.partner'].with_context(
                active_test=False).search([]).ids
            self.product_id = env['product.product'].create({
                'name': 'Race Lamp', 'default_code': self.tag, 'type': 'product',
                'list_price': 10.0}).id
            warehouse = env['stock.warehouse'].search(
                [('company_id', '=', env.user.company_id.id)], limit=1)
            self.wizard_ids = [env['overseas.return.import'].create({
                'data_file': content, 'filename': 'race.csv',
                'warehouse_id': warehouse.id}).id for _i in range(2)]
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env['overseas.return.order'].search([('origin_ref', 'in', self.refs)])
            orders.mapped('line_ids').unlink()
            orders.unlink()
            env['overseas.return.import'].browse(self.wizard_ids).unlink()
            env['product.product'].browse(self.product_id).unlink()
            env['res.partner'].with_context(active_test=False).search(
                [('id', 'not in', self.partners_before)]).unlink()

    def _orders(self, env):
        return env['overseas.return.order'].search([('origin_ref', 'in', self.refs)])

    def _rpc_import(self, wizard_id, results):
        """As an RPC call: a fresh cursor, retried on serialization failures."""
        with api.Environment.manage():
            try:
                odoo.service.model.execute(self.cr.dbname, SUPERUSER_ID,
                                           'overseas.return.import', 'action_import',
                                           [wizard_id])
                results[wizard_id] = 'ok'
            except Exception as error:  # reported by the assertion below
                results[wizard_id] = repr(error)

    def _wizard_counts(self, env):
        return sorted((w.order_count, w.skipped_count) for w in
                      env['overseas.return.import'].browse(self.wizard_ids))

    def test_second_import_waits_and_creates_nothing_twice(self):
        """The first import holds its claim (not committed yet); the second, started
        meanwhile, waits, is retried after the first commits and skips every row."""
        results = {}
        with self.registry.cursor() as cr1:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env1['overseas.return.import'].browse(self.wizard_ids[0]).action_import()
            second = threading.Thread(target=self._rpc_import,
                                      args=(self.wizard_ids[1], results))
            second.start()
            time.sleep(1.0)
            self.assertTrue(second.is_alive(), 'the second import waits for the first')
            cr1.commit()
        second.join(60)
        self.assertEqual(results, {self.wizard_ids[1]: 'ok'})
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = self._orders(env)
            self.assertEqual(sorted(orders.mapped('origin_ref')), sorted(self.refs))
            self.assertEqual(len(orders.mapped('line_ids')), 6)
            self.assertEqual(len(orders.mapped('partner_id')), 6)
            self.assertEqual(self._wizard_counts(env), [(0, 6), (6, 0)])

    def test_two_imports_at_once(self):
        results = {}
        threads = [threading.Thread(target=self._rpc_import, args=(wizard_id, results))
                   for wizard_id in self.wizard_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual(set(results.values()), {'ok'})
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(len(self._orders(env)), 6)
            self.assertEqual(len(self._orders(env).mapped('line_ids')), 6)
            self.assertEqual(self._wizard_counts(env), [(0, 6), (6, 0)])

    def test_loser_told_without_retry(self):
        """Outside Odoo's RPC retry, the import that lost the race gets a clear error
        and creates nothing."""
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            wizard2 = env2['overseas.return.import'].browse(self.wizard_ids[1])
            wizard2.filename  # the second worker's snapshot starts here
            env1['overseas.return.import'].browse(self.wizard_ids[0]).action_import()
            cr1.commit()
            with self.assertRaises(psycopg2.extensions.TransactionRollbackError) as raised:
                wizard2.action_import()
            self.assertIn('Nothing was imported by this one', str(raised.exception))
            cr2.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(len(self._orders(env)), 6)
