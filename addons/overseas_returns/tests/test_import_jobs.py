import base64
import csv
import io

import odoo
from odoo.addons.queue_job.job import Job

from ..wizards.overseas_return_import import IMPORT_CHANNEL, import_inline
from .common import ReturnsCase

HEADER = ['order_ref', 'tracking_ref', 'sku', 'quantity', 'reason_code', 'return_date',
          'customer', 'customer_email', 'buyer_id', 'note']


class TestImportJobs(ReturnsCase):
    """Big manifests are imported by queue_job jobs, run here as the job runner runs
    them (Job.load(...).perform(), then done), one after the other."""

    @classmethod
    def setUpClass(cls):
        super(TestImportJobs, cls).setUpClass()
        cls.Order = cls.env['overseas.return.order']
        cls.ebay = cls.env.ref('overseas_returns.channel_ebay')
        Param = cls.env['ir.config_parameter'].sudo()
        # three rows make a big manifest, two rows a chunk: several jobs per import
        Param.set_param('overseas_returns.import_async_rows', '3')
        Param.set_param('overseas_returns.import_chunk_rows', '2')

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _csv(rows):
        output = io.StringIO()
        csv.writer(output).writerows(rows)
        return output.getvalue().encode('utf-8')

    def _rows(self):
        return [
            HEADER,
            ['JOB-1', 'TRK-1', 'EB-01', '2', 'manufacturing_defect', '2026-03-01',
             'Ann Lee', 'ann@example.com', '', 'silent'],
            ['JOB-1', 'TRK-1', 'MUG-01', '1', 'NOT_AS_DESCRIBED', '2026-03-02',
             'Ann Lee', 'ann@example.com', '', ''],
            ['JOB-2', 'TRK-2', 'EB-01', '1', 'manufacturing_defect', '2026-03-03',
             'Bob Roe', '', 'B-77', ''],
            ['JOB-3', 'TRK-3', 'MUG-01', '3', 'NOT_AS_DESCRIBED', '2026-03-04',
             '', '', '', 'chipped'],
            ['JOB-4', 'TRK-4', 'EB-01', '1', 'manufacturing_defect', '2026-03-05',
             'Bob Roe', '', 'B-77', ''],
        ]

    def _wizard(self, rows, **values):
        vals = {'data_file': base64.b64encode(self._csv(rows)),
                'filename': 'manifest.csv', 'warehouse_id': self.warehouse.id,
                'channel_id': self.ebay.id}
        vals.update(values)
        return self.env['overseas.return.import'].sudo(self.user).create(vals)

    def _pending_jobs(self):
        # the import's own jobs (the database may hold others, e.g. demo e-mails)
        return self.env['queue.job'].sudo().search(
            [('state', 'in', ('pending', 'enqueued')), ('channel', '=', IMPORT_CHANNEL)],
            order='id')

    def _perform(self, job_record):
        """What queue_job's /queue_job/runjob does with one job, in this transaction."""
        job = Job.load(self.env(user=odoo.SUPERUSER_ID), job_record.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()

    def _run_jobs(self):
        for _round in range(20):
            jobs = self._pending_jobs()
            if not jobs:
                return
            for job_record in jobs:
                self._perform(job_record)
            self.env['overseas.return.order'].invalidate_cache()
        self.fail('the jobs never finished')

    def _snapshot(self):
        """What a user checks after an import, without database ids."""
        orders = self.Order.search([('origin_ref', 'like', 'JOB-')], order='origin_ref')
        return [(order.origin_ref, order.tracking_ref, order.channel_id.code,
                 order.partner_id.name, order.partner_id.email or '',
                 order.partner_id.ref or '', order.date_requested, order.note or '',
                 sorted((line.product_id.default_code, line.product_qty,
                         line.reason_id.code, line.customer_note or '',
                         line.price_unit) for line in order.line_ids))
                for order in orders]

    # ------------------------------------------------------------------ tests
    def test_small_manifest_stays_synchronous(self):
        wizard = self._wizard(self._rows()[:3])
        wizard.action_import()
        self.assertEqual(wizard.state, 'done')
        self.assertEqual(wizard.order_count, 1)
        self.assertFalse(self._pending_jobs())

    def test_no_context_key_imports_a_big_manifest_in_the_request(self):
        """An RPC caller cannot keep a big manifest in its request (the time limits of
        a production server): it goes to the jobs whatever the context says."""
        wizard = self._wizard(self._rows()).with_context(overseas_import_inline=True,
                                                         import_inline=True)
        wizard.action_import()
        self.assertEqual(wizard.state, 'running')
        self.assertTrue(self._pending_jobs())
        self.assertFalse(self.Order.search([('origin_ref', 'like', 'JOB-')]),
                         'nothing is created in the request')

    def test_jobs_import_equals_inline_import(self):
        cr = self.env.cr
        cr.execute('SAVEPOINT inline_import')
        inline = self._wizard(self._rows())
        with import_inline():
            inline.action_import()
        self.assertEqual(inline.state, 'done')
        self.assertFalse(self._pending_jobs())
        expected = self._snapshot()
        partners = self.env['res.partner'].search_count([])
        cr.execute('ROLLBACK TO SAVEPOINT inline_import')
        self.env.clear()
        self.assertFalse(self._snapshot())

        wizard = self._wizard(self._rows())
        action = wizard.action_import()
        # answered at once: the import record, nothing imported yet
        self.assertEqual(action['res_id'], wizard.id)
        self.assertEqual(wizard.state, 'running')
        self.assertEqual((wizard.row_total, wizard.row_done, wizard.progress), (5, 0, 0.0))
        self.assertFalse(self._snapshot())
        self._run_jobs()
        self.assertEqual(self._snapshot(), expected)
        self.assertEqual(self.env['res.partner'].search_count([]), partners)
        self.assertEqual(len(expected), 4)
        self.assertEqual(wizard.state, 'done')
        self.assertEqual((wizard.row_done, wizard.progress), (5, 100.0))
        self.assertEqual((wizard.order_count, wizard.line_count, wizard.skipped_count),
                         (4, 5, 0))
        self.assertEqual(set(wizard.order_ids.mapped('origin_ref')),
                         {'JOB-1', 'JOB-2', 'JOB-3', 'JOB-4'})
        # chunks of whole orders: JOB-1's two rows in one job
        jobs = self.env['queue.job'].sudo().search(
            [('state', '=', 'done'), ('channel', '=', IMPORT_CHANNEL)])
        self.assertEqual(len(jobs.filtered(
            lambda j: j.method_name == '_job_import_chunk')), 3)
        self.assertTrue(all(job.user_id == self.user for job in jobs))
        # the user is told, in the inbox
        message = self.env['mail.message'].search(
            [('needaction_partner_ids', 'in', self.user.partner_id.id)],
            order='id desc', limit=1)
        self.assertIn('4 returns', message.body)

    def test_failed_chunk_is_retried_without_doubles(self):
        wizard = self._wizard(self._rows())
        wizard.action_import()
        self._perform(self._pending_jobs()[0])  # checks the file, queues the chunks
        chunk = self._pending_jobs().filtered(
            lambda j: j.method_name == '_job_import_chunk')[0]
        # the worker dies in the middle of the chunk: its transaction is rolled back
        cr = self.env.cr
        cr.execute('SAVEPOINT chunk')
        self._perform(chunk)
        self.assertTrue(self._snapshot())
        cr.execute('ROLLBACK TO SAVEPOINT chunk')
        self.env.clear()
        self.assertFalse(self._snapshot())
        self._run_jobs()
        once = self._snapshot()
        self.assertEqual(len(once), 4)
        self.assertEqual(sum(len(order[-1]) for order in once), 5)
        # the same chunk delivered once more (its completion lost): nothing doubles
        cr.execute("UPDATE overseas_return_import_chunk SET done = false "
                   "WHERE import_id = %s", (wizard.id,))
        chunk = self.env['queue.job'].sudo().browse(chunk.id)
        chunk.write({'state': 'pending'})
        self._perform(chunk)
        self.env['overseas.return.order'].invalidate_cache()
        self.assertEqual(self._snapshot(), once)

    def test_two_uploads_of_one_manifest_create_one_set(self):
        first = self._wizard(self._rows())
        second = self._wizard(self._rows())
        first.action_import()
        second.action_import()
        self._run_jobs()
        self.assertEqual(len(self._snapshot()), 4)
        self.assertEqual(
            self.env['overseas.return.line'].search_count(
                [('order_id.origin_ref', 'like', 'JOB-')]), 5)
        self.assertEqual((first.state, second.state), ('done', 'done'))
        self.assertEqual(first.line_count + second.line_count, 5)
        self.assertEqual(first.skipped_count + second.skipped_count, 5)

    def test_big_manifest_with_bad_rows_fails_and_changes_nothing(self):
        rows = self._rows()
        rows[3][2] = 'NO-SUCH-SKU'
        wizard = self._wizard(rows)
        wizard.action_import()
        self._run_jobs()
        self.assertEqual(wizard.state, 'failed')
        self.assertIn('NO-SUCH-SKU', wizard.job_message)
        self.assertEqual(wizard.error_count, 1)
        self.assertTrue(wizard.error_file)
        self.assertFalse(self._snapshot())
        message = self.env['mail.message'].search(
            [('needaction_partner_ids', 'in', self.user.partner_id.id)],
            order='id desc', limit=1)
        self.assertIn('not imported', message.body)

    def test_big_manifest_good_rows_imported_by_jobs(self):
        rows = self._rows()
        rows[3][2] = 'NO-SUCH-SKU'
        wizard = self._wizard(rows, import_good_rows=True)
        wizard.action_import()
        self._run_jobs()
        self.assertEqual(wizard.state, 'done')
        self.assertEqual((wizard.order_count, wizard.line_count, wizard.error_count),
                         (3, 4, 1))
        self.assertTrue(wizard.error_file)
        self.assertNotIn('JOB-2', [order[0] for order in self._snapshot()])

    # ------------------------------------------------------------------ fast path
    def _full_snapshot(self):
        """Every stored field of the imported returns and lines, their customers and
        lots, as a user reads them (no ids of records the import creates)."""
        skip = {'id', 'name', 'create_date', 'write_date', 'create_uid', 'write_uid',
                'message_last_post', 'access_token'}

        def value(record, field):
            value = record[field.name]
            if field.type == 'many2one':
                if field.comodel_name == 'res.partner':
                    return (value.name, value.email or '', value.ref or '')
                if field.comodel_name == 'overseas.return.order':
                    return value.origin_ref
                return value.id
            if field.type == 'datetime':
                return bool(value)  # stamped with the clock of each run
            if field.type in ('one2many', 'many2many'):
                if field.comodel_name == 'stock.production.lot':
                    return sorted(value.mapped('name'))
                return None
            return value

        def stored(record):
            return {name: value(record, field) for name, field in record._fields.items()
                    if field.store and name not in skip
                    and not name.startswith(('message_', 'activity_', 'rating_'))}
        orders = self.Order.search([('origin_ref', 'like', 'JOB-')], order='origin_ref')
        return [(stored(order), sorted((stored(line) for line in order.line_ids),
                                       key=lambda vals: sorted(map(repr, vals.items()))))
                for order in orders]

    def test_job_chunks_equal_the_inline_import(self):
        """The jobs create the same returns and lines, field by field (customers, lots,
        reasons, totals, stored related fields, a return completed), as an inline
        import of the same file."""
        self.earbuds.tracking = 'lot'
        rows = self._rows()
        rows[0].append('lot')
        for row in rows[1:]:
            row.append('LOT-A, LOT-B' if row[2] == 'EB-01' else '')
        # JOB-1 is open already: the import completes it
        self.Order.create({
            'partner_id': self.customer.id, 'warehouse_id': self.warehouse.id,
            'channel_id': self.ebay.id, 'origin_ref': 'JOB-1', 'tracking_ref': 'TRK-0',
            'line_ids': [(0, 0, {'product_id': self.mug.id, 'product_qty': 1.0,
                                 'lpn': 'LPN-OLD'})]})
        cr = self.env.cr
        cr.execute('SAVEPOINT full_import')
        inline = self._wizard(rows)
        with import_inline():
            inline.action_import()
        self.assertEqual(inline.state, 'done')
        expected = self._full_snapshot()
        partners = self.env['res.partner'].search_count([])
        cr.execute('ROLLBACK TO SAVEPOINT full_import')
        self.env.clear()

        wizard = self._wizard(rows)
        wizard.action_import()
        self._run_jobs()
        self.assertEqual(wizard.state, 'done')
        self.env.clear()
        fast = self._full_snapshot()
        self.assertEqual(fast, expected)
        self.assertEqual(self.env['res.partner'].search_count([]), partners)
        # what the comparison covers: 4 returns (one completed), 6 lines, lots, totals
        self.assertEqual(len(fast), 4)
        self.assertEqual(sum(len(lines) for _order, lines in fast), 6)
        job1 = self.Order.search([('origin_ref', '=', 'JOB-1')])
        self.assertEqual(sorted(job1.line_ids.mapped('lot_ids.name')), ['LOT-A', 'LOT-B'])
        self.assertEqual(job1.amount_total, sum(job1.line_ids.mapped('price_subtotal')))
        self.assertEqual(set(job1.line_ids.mapped('company_id')), {self.company})
        self.assertTrue(all(line.partner_id == job1.partner_id for line in job1.line_ids))

    def test_a_failed_part_is_reported_once_the_others_are_done(self):
        wizard = self._wizard(self._rows())
        wizard.action_import()
        self._perform(self._pending_jobs()[0])  # checks the file, queues the parts
        chunks = self._pending_jobs().filtered(
            lambda j: j.method_name == '_job_import_chunk')
        finish = self._pending_jobs().filtered(
            lambda j: j.method_name == '_job_finish_import')
        self.assertEqual(len(chunks), 3)
        # the first part fails for good while the others still wait
        chunks[0].write({'state': 'failed', 'exc_info': 'Boom: the part failed'})
        job = Job.load(self.env(user=odoo.SUPERUSER_ID), finish.uuid)
        from odoo.addons.queue_job.exception import RetryableJobError
        with self.assertRaises(RetryableJobError):
            job.perform()
        self.assertEqual(wizard.state, 'running', 'not failed while parts still run')
        for chunk in chunks[1:]:
            self._perform(chunk)
        self._perform(finish)
        self.assertEqual(wizard.state, 'failed')
        self.assertIn('1 of 3 parts', wizard.job_message)
        self.assertIn('Boom', wizard.job_message)
        # what the other parts did is on the record
        imported = self.Order.search([('origin_ref', 'like', 'JOB-')])
        self.assertEqual(wizard.order_ids, imported)
        self.assertEqual(wizard.order_count, len(imported))
        self.assertTrue(imported)

    def test_the_import_writes_its_own_progress_and_runs_once(self):
        wizard = self._wizard(self._rows()[:3])
        for vals in ({'state': 'done'}, {'order_count': 77}, {'job_message': 'forged'},
                     {'order_ids': [(6, 0, self.Order.search([], limit=1).ids)]}):
            with self.assertRaisesRegex(odoo.exceptions.AccessError, 'set by its actions'):
                wizard.write(vals)
        with self.assertRaisesRegex(odoo.exceptions.AccessError, 'set by its actions'):
            self._wizard(self._rows()[:3], state='done', order_count=5)
        wizard.action_import()
        # an inline import shows its rows done too
        self.assertEqual((wizard.state, wizard.row_total, wizard.row_done, wizard.progress),
                         ('done', 2, 2, 100.0))
        with self.assertRaisesRegex(odoo.exceptions.UserError, 'upload it in a new import'):
            wizard.action_import()
        self.assertEqual(len(self._snapshot()), 1)

    def test_jobs_write_in_the_user_s_language(self):
        self._load_zh_cn()
        self.user.lang = 'zh_CN'
        rows = self._rows()
        rows[3][2] = 'NO-SUCH-SKU'
        wizard = self._wizard(rows)
        wizard.action_import()
        self._run_jobs()
        self.assertEqual(wizard.state, 'failed')
        self.assertIn('NO-SUCH-SKU', wizard.job_message)
        self.assertNotIn('Nothing was imported', wizard.job_message)
