import odoo
from odoo.tests.common import SavepointCase, at_install, post_install

from odoo.addons.queue_job.job import Job


def set_done(moves, qty=None):
    """Validate-ready moves: reserve, then mark ``qty`` (default: the demand) as done.

    Does not assume a confirmed delivery already has move lines: that reservation is
    made by procurement_jit, an auto-install add-on that Odoo's runner may install
    after ours. Done quantities fill the reserved lines in order; a move without any
    line gets one.
    """
    moves.filtered(lambda move: move.state in ('confirmed', 'partially_available'))._action_assign()
    for move in moves:
        remaining = move.product_uom_qty if qty is None else qty
        lines = move.move_line_ids
        if not lines:
            move.quantity_done = remaining
            continue
        for line in lines:
            done = remaining if line == lines[-1] else min(remaining, line.product_uom_qty)
            line.qty_done = done
            remaining -= done


def pending_jobs(env, channel=None, records=None):
    """The pending queue_job jobs (of ``channel``, about ``records``), oldest first;
    the database may hold others (the demo data's e-mails)."""
    domain = [('state', '=', 'pending')]
    if channel:
        domain.append(('channel', '=', channel))
    if records is not None:
        domain.append(('model_name', '=', records._name))
    jobs = env['queue.job'].sudo().search(domain, order='id')
    if records is not None:
        ids = set(records.ids)
        jobs = jobs.filtered(lambda job: ids & set(job.record_ids or ()))
    return jobs


def run_jobs(env, channel=None, records=None):
    """Run the pending jobs (see pending_jobs) one after the other, as the job runner
    runs them (tests have no runner); returns their queue.job records."""
    jobs = pending_jobs(env, channel, records)
    for job_record in jobs:
        job = Job.load(env(user=odoo.SUPERUSER_ID), job_record.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
    env['queue.job'].invalidate_cache()
    return jobs


def run_mail_jobs(env, orders):
    """Render and post the status e-mails queued so far for ``orders``."""
    return run_jobs(env, 'root.overseas_mail', orders)


@at_install(False)
@post_install(True)
class ReturnsCase(SavepointCase):
    """Shared fixtures: a warehouse with return locations, customers, products, users."""

    @classmethod
    def setUpClass(cls):
        super(ReturnsCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True, mail_notrack=True))
        cls.company = cls.env.ref('base.main_company')
        if not cls.env.user.email:  # a database without demo data: chatter needs an author
            cls.env.user.email = 'admin@example.com'
        cls.warehouse = cls.env['stock.warehouse'].create({
            'name': 'Test US 3PL', 'code': 'TUS', 'company_id': cls.company.id})
        cls.customer = cls.env['res.partner'].create({'name': 'Jane Buyer', 'customer': True})
        cls.categ_electronics = cls.env['product.category'].create({'name': 'Electronics'})
        Product = cls.env['product.product']
        cls.earbuds = Product.create({
            'name': 'Wireless Earbuds', 'default_code': 'EB-01', 'type': 'product',
            'list_price': 40.0, 'categ_id': cls.categ_electronics.id,
            'barcode': '4006381333931'})
        cls.mug = Product.create({
            'name': 'Ceramic Mug', 'default_code': 'MUG-01', 'type': 'product',
            'list_price': 12.5})
        cls.reason_defect = cls.env.ref('overseas_returns.reason_manufacturing_defect')
        cls.reason_changed_mind = cls.env.ref('overseas_returns.reason_changed_mind')
        cls.reason_transit = cls.env.ref('overseas_returns.reason_damaged_in_transit')
        cls.grade = {code: cls.env.ref('overseas_returns.grade_%s' % code.lower())
                     for code in 'ABCDEF'}
        group_user = cls.env.ref('overseas_returns.group_returns_user')
        group_manager = cls.env.ref('overseas_returns.group_returns_manager')
        Users = cls.env['res.users'].with_context(no_reset_password=True)
        cls.user = Users.create({
            'name': 'Warehouse Worker', 'login': 'ort_worker', 'email': 'w@example.com',
            'groups_id': [(6, 0, [group_user.id, cls.env.ref('base.group_user').id])]})
        cls.manager = Users.create({
            'name': 'Returns Manager', 'login': 'ort_manager', 'email': 'm@example.com',
            'groups_id': [(6, 0, [group_manager.id, cls.env.ref('base.group_user').id])]})
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.return_location = cls.warehouse.return_location_id

    @classmethod
    def _create_order(cls, lines=None, **values):
        """A draft return; lines are (product, qty, reason) tuples."""
        lines = lines or [(cls.earbuds, 1.0, cls.reason_defect)]
        vals = {
            'partner_id': cls.customer.id,
            'warehouse_id': cls.warehouse.id,
            'origin_ref': '113-0000000-0000001',
            'line_ids': [(0, 0, {'product_id': product.id, 'product_qty': qty,
                                 'reason_id': reason.id})
                         for product, qty, reason in lines],
        }
        vals.update(values)
        return cls.env['overseas.return.order'].create(vals)

    @classmethod
    def _create_received(cls, lines=None, **values):
        order = cls._create_order(lines, **values)
        order.action_approve()
        order.action_receive()
        return order

    @classmethod
    def _inspect(cls, lines, grade_code, fault_party=None):
        """Inspect lines with every check passed; returns the confirmed inspections."""
        Inspection = cls.env['overseas.return.inspection']
        lines.action_inspect()
        inspections = Inspection.search([('line_id', 'in', lines.ids), ('state', '=', 'draft')])
        inspections.mapped('check_ids').write({'result': 'pass'})
        values = {'grade_id': cls.grade[grade_code].id}
        if fault_party:
            values['fault_party'] = fault_party
        inspections.write(values)
        inspections.action_confirm()
        return inspections

    @classmethod
    def _create_delivered_sale(cls, lines, client_order_ref, done_qty=None):
        """A confirmed sale whose delivery is done, from stock seeded for it.

        lines are (product, qty, price) tuples; done_qty, when given, is what left
        the warehouse for every line (a partial delivery leaves a backorder).
        """
        for product, qty, _price in lines:
            cls.env['stock.quant']._update_available_quantity(
                product, cls.stock_location, max(qty, 10.0))
        sale = cls.env['sale.order'].create({
            'partner_id': cls.customer.id,
            'warehouse_id': cls.warehouse.id,
            'client_order_ref': client_order_ref,
            'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': qty,
                                   'price_unit': price})
                           for product, qty, price in lines]})
        sale.action_confirm()
        delivery = sale.picking_ids
        set_done(delivery.move_lines, done_qty)
        delivery.action_done()
        return sale, delivery

    def _load_zh_cn(self):
        """Chinese with the add-on's translations (a test database has English only)."""
        Lang = self.env['res.lang']
        if not Lang.search([('code', '=', 'zh_CN'), ('active', '=', True)]):
            Lang.load_lang('zh_CN')
            self.env['ir.module.module'].search(
                [('name', '=', 'overseas_returns')])._update_translations('zh_CN')

    def qty_at(self, product, location):
        return self.env['stock.quant']._get_available_quantity(product, location)


class ValuationCase(ReturnsCase):
    """ReturnsCase with real-time stock valuation: accounts, a stock journal and
    helpers to make valued products and buy them into stock."""

    @classmethod
    def setUpClass(cls):
        super(ValuationCase, cls).setUpClass()
        Account = cls.env['account.account']
        assets = cls.env.ref('account.data_account_type_current_assets')
        expenses = cls.env.ref('account.data_account_type_expenses')

        def account(code, name, kind):
            return Account.create({'code': code, 'name': name, 'user_type_id': kind.id,
                                   'reconcile': kind == assets})
        cls.acc_valuation = account('ORT1401', 'Stock Valuation', assets)
        cls.acc_input = account('ORT1402', 'Stock Input', assets)
        cls.acc_output = account('ORT1403', 'Stock Output', assets)
        cls.acc_scrap = account('ORT6401', 'Scrap Loss', expenses)
        cls.acc_donation = account('ORT6402', 'Donations', expenses)
        cls.acc_writedown = account('ORT6403', 'Returns Write-down', expenses)
        cls.stock_journal = cls.env['account.journal'].create({
            'name': 'Stock Valuation', 'code': 'ORTSV', 'type': 'general'})
        cls.supplier_location = cls.env.ref('stock.stock_location_suppliers')
        cls.env.ref('stock.stock_location_scrapped').valuation_in_account_id = cls.acc_scrap
        cls.warehouse.return_donation_location_id.valuation_in_account_id = cls.acc_donation

    @classmethod
    def _valued_product(cls, cost_method, name, list_price=50.0, **category_values):
        """A stockable product of a new real-time valued category."""
        values = {
            'name': 'Real-time %s %s' % (cost_method, name),
            'property_cost_method': cost_method,
            'property_valuation': 'real_time',
            'property_stock_valuation_account_id': cls.acc_valuation.id,
            'property_stock_account_input_categ_id': cls.acc_input.id,
            'property_stock_account_output_categ_id': cls.acc_output.id,
            'property_stock_journal': cls.stock_journal.id,
        }
        values.update(category_values)
        category = cls.env['product.category'].create(values)
        return cls.env['product.product'].create({
            'name': name, 'type': 'product', 'categ_id': category.id,
            'list_price': list_price, 'invoice_policy': 'delivery'})

    @classmethod
    def _buy(cls, product, qty, price):
        """Receive ``qty`` of ``product`` from a supplier at ``price`` into stock."""
        move = cls.env['stock.move'].create({
            'name': 'purchase', 'product_id': product.id, 'product_uom': product.uom_id.id,
            'product_uom_qty': qty, 'price_unit': price,
            'location_id': cls.supplier_location.id,
            'location_dest_id': cls.stock_location.id})
        move._action_confirm()
        move._action_assign()
        move.move_line_ids.qty_done = qty
        move._action_done()
        return move

    def balance(self, account):
        lines = self.env['account.move.line'].search([('account_id', '=', account.id)])
        return sum(lines.mapped('debit')) - sum(lines.mapped('credit'))
