import odoo
from odoo.exceptions import UserError

from ..models.overseas_return_mass_jobs import MASS_CHANNEL
from .common import run_jobs
from .test_refund import RefundCase


class TestMassJobs(RefundCase):
    """Mass dispositions and refunds of many records run as queue_job jobs, run
    here as the job runner runs them."""

    @classmethod
    def setUpClass(cls):
        super(TestMassJobs, cls).setUpClass()
        # more than one selected record is "many"
        cls.env['ir.config_parameter'].sudo().set_param(
            'overseas_returns.mass_job_records', '1')

    def _run_jobs(self):
        return run_jobs(self.env, MASS_CHANNEL)

    def test_mass_disposition_in_jobs(self):
        orders = [self._create_received([(self.earbuds, 1.0, self.reason_changed_mind)])
                  for _i in range(3)]
        for order in orders:
            self._inspect(order.line_ids, 'A')
        lines = orders[0].line_ids | orders[1].line_ids | orders[2].line_ids
        self.assertTrue(lines.sudo(self.user).action_dispose_in_jobs())
        self.assertEqual(set(lines.mapped('state')), {'inspected'}, 'nothing done yet')
        jobs = self._run_jobs()
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.user_id, self.user)
        lines.invalidate_cache()
        self.assertEqual(set(lines.mapped('state')), {'disposed'})
        self.assertEqual(self.qty_at(self.earbuds, self.stock_location), 3.0)

    def test_mass_disposition_refuses_lines_not_inspected(self):
        inspected = self._create_received([(self.earbuds, 1.0, self.reason_changed_mind)])
        self._inspect(inspected.line_ids, 'A')
        received = self._create_received([(self.mug, 1.0, self.reason_changed_mind)])
        with self.assertRaises(UserError):
            (inspected.line_ids | received.line_ids).sudo(self.user) \
                .action_dispose_in_jobs()
        self.assertFalse(self.env['queue.job'].sudo().search([('channel', '=', MASS_CHANNEL)]))
        self.assertEqual(inspected.line_ids.state, 'inspected')

    def test_mass_refund_in_jobs(self):
        orders = self.env['overseas.return.order']
        for _i in range(2):
            invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
            orders |= self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        self.assertTrue(orders.sudo(self.accountant).action_refund_in_jobs())
        self.assertEqual(set(orders.mapped('refund_state')), {'to_refund'})
        self._run_jobs()
        orders.invalidate_cache()
        self.assertEqual(orders.mapped('refund_count'), [1, 1])
        self.assertAlmostEqual(sum(orders.mapped('refund_invoice_ids.amount_total')), 230.0)

    def test_mass_refund_refused_without_invoicing_rights(self):
        invoice = self._invoice([(self.earbuds, 1.0, 100.0, 0.0, self.tax_15)])
        order = self._returned(invoice, [(self.earbuds, 1.0, self.reason_defect)])
        with self.assertRaises(odoo.exceptions.AccessError):
            order.sudo(self.user).action_refund_in_jobs()
        self.assertFalse(self.env['queue.job'].sudo().search([('channel', '=', MASS_CHANNEL)]))
