import contextlib
import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class OverseasReturnDemo(models.AbstractModel):
    """Steps of the demo data (demo/overseas_return_sale_demo.xml) that XML records
    cannot express: real deliveries, validated invoices and credit notes, returns of
    those sales at each stage, and the Chinese language. Every step goes through
    Odoo's and the add-on's public actions, never around them. Called from the demo
    file only (on install: demo data is noupdate)."""

    _name = 'overseas.return.demo'
    _description = 'Overseas Returns Demo Data'

    @contextlib.contextmanager
    def _demo_guard(self, step):
        """Demo data never blocks an install: a step that fails is rolled back to its
        savepoint and logged (tests/test_first_hour.py checks the demo's outcome).
        A decorator would hide the signature Odoo's call_kw reads."""
        try:
            with self.env.cr.savepoint():
                yield
        except Exception:  # noqa: BLE001 - any failure of optional demo data
            _logger.warning('demo step %s failed, skipped', step, exc_info=True)

    @api.model
    def _demo_load_chinese(self):
        """Activate zh_CN with the translations of the installed add-ons (Odoo loads
        ours and those of the add-ons installed after us by itself)."""
        with self._demo_guard('_demo_load_chinese'):
            Lang = self.env['res.lang'].with_context(active_test=False)
            if not Lang.search([('code', '=', 'zh_CN'), ('active', '=', True)]):
                Lang.load_lang('zh_CN')
            modules = self.env['ir.module.module'].search(
                [('state', 'in', ('installed', 'to install', 'to upgrade'))])
            modules._update_translations('zh_CN')
            # the warehouses made before zh_CN existed get their Chinese names
            for warehouse in self.env['stock.warehouse'].with_context(
                    active_test=False, lang='en_US').search([]):
                warehouse._translate_return_setup()
            return True
        return False

    @api.model
    def _demo_translate(self, model, translations, lang='zh_CN'):
        """Write translated names: ``translations`` maps record ids to names."""
        with self._demo_guard('_demo_translate'):
            for record_id, name in translations.items():
                self.env[model].browse(int(record_id)).with_context(lang=lang).write(
                    {'name': name})
            return True
        return False

    @api.model
    def _demo_deliver_and_invoice(self, sale_ids, days_ago=None, invoice=True):
        """Confirm the sales, deliver everything (stock is added where short: the
        demo has no purchases), date the deliveries ``days_ago[i]`` days back, and
        invoice and validate them when the company has a chart of accounts."""
        with self._demo_guard('_demo_deliver_and_invoice'):
            sales = self.env['sale.order'].browse(sale_ids)
            # one by one: Odoo 11's _action_confirm reads a field of self as a singleton
            for sale in sales.filtered(lambda sale: sale.state in ('draft', 'sent')):
                sale.action_confirm()
            Quant = self.env['stock.quant']
            now = fields.Datetime.from_string(fields.Datetime.now())
            for index, sale in enumerate(sales):
                pickings = sale.picking_ids.filtered(
                    lambda picking: picking.state not in ('done', 'cancel'))
                for move in pickings.mapped('move_lines'):
                    location = move.location_id
                    if move.product_id.type == 'product' and Quant._get_available_quantity(
                            move.product_id, location) < move.product_uom_qty:
                        Quant._update_available_quantity(
                            move.product_id, location, move.product_uom_qty)
                pickings.action_assign()
                for move in pickings.mapped('move_lines'):
                    if move.move_line_ids:
                        for line in move.move_line_ids:
                            line.qty_done = line.product_uom_qty
                    else:
                        move.quantity_done = move.product_uom_qty
                pickings.action_done()
                if days_ago:
                    date = fields.Datetime.to_string(
                        now - timedelta(days=days_ago[index]))
                    sale.write({'date_order': date, 'confirmation_date': date})
                    pickings.write({'date_done': date})
                    pickings.mapped('move_lines').write({'date': date})
            if invoice and self.env['account.account'].search_count(
                    [('company_id', 'in', sales.mapped('company_id').ids)]):
                invoice_ids = sales.action_invoice_create()
                invoices = self.env['account.invoice'].browse(invoice_ids)
                for invoice_record in invoices:
                    sale = invoice_record.invoice_line_ids.mapped('sale_line_ids.order_id')[:1]
                    invoice_record.date_invoice = fields.Date.to_string(
                        fields.Datetime.from_string(sale.date_order or fields.Datetime.now()))
                invoices.action_invoice_open()
            elif invoice:
                _logger.info('demo: no chart of accounts, the demo sales stay uninvoiced')
            return True
        return False

    @api.model
    def _demo_return_from_sale(self, xmlid, sale_id, reasons, quantities=None, note=None):
        """Create the return of a delivered sale as the desk does (Register Return),
        ``reasons`` and ``quantities`` by sale line id, and name it
        ``overseas_returns.<xmlid>`` for the next steps of the demo file."""
        with self._demo_guard('_demo_return_from_sale'):
            Return = self.env['overseas.return.order']
            sale = self.env['sale.order'].browse(sale_id)
            quantities = {int(key): value for key, value in (quantities or {}).items()}
            reasons = {int(key): value for key, value in reasons.items()}
            line_vals = []
            for vals in Return._prepare_lines_from_sale(sale):
                if vals['sale_line_id'] not in reasons:
                    continue
                vals.update(reason_id=reasons[vals['sale_line_id']],
                            customer_note=note or False)
                if vals['sale_line_id'] in quantities:
                    vals['product_qty'] = quantities[vals['sale_line_id']]
                line_vals.append(vals)
            order = Return.create(Return._prepare_vals_from_sale(sale, line_vals))
            self.env['ir.model.data'].create({
                'module': 'overseas_returns', 'name': xmlid, 'model': order._name,
                'res_id': order.id, 'noupdate': True})
            return order.id
        return False

    @api.model
    def _demo_call(self, xmlids, method):
        """``method`` of the demo returns named by ``xmlids`` (those that exist)."""
        with self._demo_guard('_demo_call'):
            Data = self.env['ir.model.data']
            ids = [Data.xmlid_to_res_id('overseas_returns.%s' % xmlid) for xmlid in xmlids]
            orders = self.env['overseas.return.order'].browse([i for i in ids if i])
            return getattr(orders, method)() if orders else False
        return False

    @api.model
    def _demo_inspect_and_dispose(self, xmlids, grade_id, note=None):
        """Receive-to-done of the returns: one inspection per line with this grade,
        every open check passed, then the proposed disposition carried out."""
        with self._demo_guard('_demo_inspect_and_dispose'):
            Data = self.env['ir.model.data']
            orders = self.env['overseas.return.order'].browse(
                [Data.xmlid_to_res_id('overseas_returns.%s' % xmlid) for xmlid in xmlids])
            lines = orders.mapped('line_ids')
            inspections = lines._open_inspections()
            inspections.write({'grade_id': grade_id, 'note': note or False})
            inspections.action_pass_open_checks()
            inspections.action_confirm()
            for order in orders:
                order.line_ids.filtered(lambda line: line.state == 'inspected').action_dispose()
            rework = lines.filtered(lambda line: line.rework_state == 'in_progress')
            if rework:
                rework.action_rework_done()
            return True
        return False

    @api.model
    def _demo_refund(self, xmlid, amount=None, validate=True):
        """A credit note of the return (all it allows, or ``amount``), validated."""
        with self._demo_guard('_demo_refund'):
            order = self.env['overseas.return.order'].browse(
                self.env['ir.model.data'].xmlid_to_res_id('overseas_returns.%s' % xmlid))
            if not order.invoice_id:
                _logger.info('demo: %s has no invoice (no chart of accounts), no refund',
                             order.name)
                return False
            refund_id = order.action_create_refund(amount) if amount else \
                order.action_create_refund()
            if validate:
                self.env['account.invoice'].browse(refund_id).action_invoice_open()
            return refund_id
        return False
