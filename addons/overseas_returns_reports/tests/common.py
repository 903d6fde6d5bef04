from odoo.tests.common import SavepointCase, at_install, post_install

# the "now" of every figure of the data set
NOW = '2026-03-31 12:00:00'
TODAY = '2026-03-31'


@at_install(False)
@post_install(True)
class ReportsCase(SavepointCase):
    """A known data set built through the real flow, in two companies.

    Company A, warehouse RPA:
      deliveries  D1 earbuds 20 (2026-01-15), D2 earbuds 10 (2026-02-10),
                  D3 mugs 10 (2026-01-20), sale SO mugs 5 (2026-03-03)
      returns     R1 D1 earbuds 2 size differs, seller, grade A restock, 1 day,
                     fully refunded (2 x 40)
                  R4 D1 earbuds 1 damaged in transit, carrier, grade C rework done,
                     2 days
                  R2 D2 earbuds 1 manufacturing defect, seller, grade D return to
                     origin, 3 days, refunded 30 of 40
                  R3 D3 mugs 3 changed mind, customer, grade F scrap, 10 days
                  R5 SO line mugs 1 size differs (2026-03-10), received 20 days ago
                  R6 earbuds 1 changed mind, returnless, approved (no delivery)
                  R7 earbuds 2 colour differs, grade B, not disposed, received 70
                     days ago (no delivery)
    Company B, warehouse RPB: D9 earbuds 10 (2026-01-25); R9 D9 earbuds 5 changed mind.
    """

    @classmethod
    def setUpClass(cls):
        super(ReportsCase, cls).setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True, mail_notrack=True))
        ref = cls.env.ref
        cls.company = ref('base.main_company')
        cls.company_b = cls.env['res.company'].create({
            'name': 'Reports Test Company B', 'currency_id': cls.company.currency_id.id})
        cls.warehouse = cls.env['stock.warehouse'].create({
            'name': 'Reports Test A', 'code': 'RPA', 'company_id': cls.company.id})
        cls.warehouse_b = cls.env['stock.warehouse'].create({
            'name': 'Reports Test B', 'code': 'RPB', 'company_id': cls.company_b.id})
        cls.customer = cls.env['res.partner'].create({
            'name': 'Report Buyer', 'customer': True, 'country_id': ref('base.us').id})
        cls.categ = cls.env['product.category'].create({'name': 'Report Electronics'})
        cls.responsible = cls.env['res.users'].with_context(no_reset_password=True).create({
            'name': 'Product Owner', 'login': 'ort_rep_owner', 'email': 'po@example.com',
            'groups_id': [(6, 0, [ref('base.group_user').id])]})
        Product = cls.env['product.product']
        cls.earbuds = Product.create({
            'name': 'Report Earbuds', 'type': 'product', 'list_price': 40.0,
            'standard_price': 10.0, 'categ_id': cls.categ.id,
            'responsible_id': cls.responsible.id})
        cls.mug = Product.create({
            'name': 'Report Mug', 'type': 'product', 'list_price': 12.5,
            'standard_price': 4.0})
        cls.earbuds.with_context(force_company=cls.company_b.id).standard_price = 10.0
        cls.reason = {code: ref('overseas_returns.reason_%s' % code) for code in (
            'size_differs', 'colour_differs', 'manufacturing_defect',
            'damaged_in_transit', 'changed_mind')}
        cls.grade = {code: ref('overseas_returns.grade_%s' % code.lower())
                     for code in 'ABCDEF'}
        Quant = cls.env['stock.quant']
        for warehouse in (cls.warehouse, cls.warehouse_b):
            for product in (cls.earbuds, cls.mug):
                Quant._update_available_quantity(product, warehouse.lot_stock_id, 100.0)
        cls._build_data()

    # ------------------------------------------------------------------ factories
    @classmethod
    def _deliver(cls, warehouse, product, qty, date):
        customers = cls.env.ref('stock.stock_location_customers')
        picking = cls.env['stock.picking'].create({
            'picking_type_id': warehouse.out_type_id.id,
            'location_id': warehouse.lot_stock_id.id,
            'location_dest_id': customers.id,
            'partner_id': cls.customer.id,
            'company_id': warehouse.company_id.id,
            'move_lines': [(0, 0, {
                'name': product.name, 'product_id': product.id,
                'product_uom': product.uom_id.id, 'product_uom_qty': qty,
                'location_id': warehouse.lot_stock_id.id,
                'location_dest_id': customers.id,
                'company_id': warehouse.company_id.id})],
        })
        cls._validate(picking, date)
        return picking

    @classmethod
    def _validate(cls, picking, date):
        picking.action_confirm()
        picking.action_assign()
        for move_line in picking.move_line_ids:
            move_line.qty_done = move_line.product_uom_qty
        picking.action_done()
        picking.move_lines.write({'date': date})
        return picking

    @classmethod
    def _return(cls, product, qty, reason, date, warehouse=None, **values):
        warehouse = warehouse or cls.warehouse
        vals = {
            'partner_id': cls.customer.id,
            'warehouse_id': warehouse.id,
            'company_id': warehouse.company_id.id,
            'date_requested': date,
            'line_ids': [(0, 0, {'product_id': product.id, 'product_qty': qty,
                                 'reason_id': reason.id,
                                 'sale_line_id': values.pop('sale_line_id', False)})],
        }
        vals.update(values)
        order = cls.env['overseas.return.order'].create(vals)
        order.action_approve()
        return order

    @classmethod
    def _receive(cls, order, date_received):
        order.action_receive()
        order.write({'date_received': date_received})

    @classmethod
    def _inspect(cls, lines, grade_code, fault_party=None):
        Inspection = cls.env['overseas.return.inspection']
        lines.action_inspect()
        inspections = Inspection.search([('line_id', 'in', lines.ids),
                                         ('state', '=', 'draft')])
        inspections.mapped('check_ids').write({'result': 'pass'})
        values = {'grade_id': cls.grade[grade_code].id}
        if fault_party:
            values['fault_party'] = fault_party
        inspections.write(values)
        inspections.action_confirm()

    @classmethod
    def _dispose(cls, order, grade_code, fault_party, disposition, date_disposed):
        line = order.line_ids
        cls._inspect(line, grade_code, fault_party)
        line.write({'disposition': disposition})
        line.action_dispose()
        if line.rework_state == 'in_progress':
            line.action_rework_done()
        line.write({'date_disposed': date_disposed})

    @classmethod
    def _accounting(cls):
        Account = cls.env['account.account']
        cls.account_receivable = Account.create({
            'code': 'ORTR01', 'name': 'Report Receivable', 'reconcile': True,
            'user_type_id': cls.env.ref('account.data_account_type_receivable').id,
            'company_id': cls.company.id})
        cls.account_income = Account.create({
            'code': 'ORTI01', 'name': 'Report Income',
            'user_type_id': cls.env.ref('account.data_account_type_revenue').id,
            'company_id': cls.company.id})
        cls.journal = cls.env['account.journal'].create({
            'name': 'Report Sales', 'code': 'ORTS', 'type': 'sale',
            'company_id': cls.company.id,
            'default_debit_account_id': cls.account_income.id,
            'default_credit_account_id': cls.account_income.id})

    @classmethod
    def _refund(cls, order, amounts):
        """An open credit note; amounts are (price, deduction type or False)."""
        line = order.line_ids
        refund = cls.env['account.invoice'].create({
            'partner_id': cls.customer.id, 'type': 'out_refund',
            'journal_id': cls.journal.id, 'account_id': cls.account_receivable.id,
            'company_id': cls.company.id, 'currency_id': cls.company.currency_id.id,
            'payment_term_id': False, 'fiscal_position_id': False,
            'partner_bank_id': False, 'overseas_return_id': order.id,
            'invoice_line_ids': [(0, 0, {
                'name': line.product_id.name, 'product_id': line.product_id.id,
                'quantity': 1.0, 'price_unit': price, 'account_id': cls.account_income.id,
                'return_line_id': line.id, 'return_deduction_type': deduction,
            }) for price, deduction in amounts]})
        refund.action_invoice_open()
        return refund

    # ------------------------------------------------------------------ data set
    @classmethod
    def _build_data(cls):
        reason = cls.reason
        cls.d1 = cls._deliver(cls.warehouse, cls.earbuds, 20.0, '2026-01-15 10:00:00')
        cls.d2 = cls._deliver(cls.warehouse, cls.earbuds, 10.0, '2026-02-10 10:00:00')
        cls.d3 = cls._deliver(cls.warehouse, cls.mug, 10.0, '2026-01-20 10:00:00')
        cls.d9 = cls._deliver(cls.warehouse_b, cls.earbuds, 10.0, '2026-01-25 10:00:00')
        cls.sale = cls.env['sale.order'].create({
            'partner_id': cls.customer.id, 'warehouse_id': cls.warehouse.id,
            'order_line': [(0, 0, {'product_id': cls.mug.id, 'product_uom_qty': 5.0,
                                   'price_unit': 12.5})]})
        cls.sale.action_confirm()
        cls._validate(cls.sale.picking_ids, '2026-03-03 10:00:00')

        cls.r1 = cls._return(cls.earbuds, 2.0, reason['size_differs'], '2026-02-05',
                             delivery_id=cls.d1.id)
        cls.r4 = cls._return(cls.earbuds, 1.0, reason['damaged_in_transit'], '2026-02-06',
                             delivery_id=cls.d1.id)
        cls.r2 = cls._return(cls.earbuds, 1.0, reason['manufacturing_defect'],
                             '2026-02-20', delivery_id=cls.d2.id)
        cls.r3 = cls._return(cls.mug, 3.0, reason['changed_mind'], '2026-02-25',
                             delivery_id=cls.d3.id)
        cls.r5 = cls._return(cls.mug, 1.0, reason['size_differs'], '2026-03-10',
                             sale_order_id=cls.sale.id,
                             sale_line_id=cls.sale.order_line.id)
        cls.r6 = cls._return(cls.earbuds, 1.0, reason['changed_mind'], '2026-02-12',
                             return_method='returnless')
        cls.r7 = cls._return(cls.earbuds, 2.0, reason['colour_differs'], '2026-02-15')
        cls.r9 = cls._return(cls.earbuds, 5.0, reason['changed_mind'], '2026-02-01',
                             warehouse=cls.warehouse_b, delivery_id=cls.d9.id)

        for order, received in ((cls.r1, '2026-02-10 08:00:00'),
                                (cls.r4, '2026-02-10 08:00:00'),
                                (cls.r2, '2026-02-24 08:00:00'),
                                (cls.r3, '2026-03-01 08:00:00'),
                                (cls.r5, '2026-03-11 12:00:00'),
                                (cls.r7, '2026-01-20 12:00:00'),
                                (cls.r9, '2026-02-05 08:00:00')):
            cls._receive(order, received)
        cls._dispose(cls.r1, 'A', 'seller', 'restock', '2026-02-11 08:00:00')
        cls._dispose(cls.r4, 'C', 'carrier', 'rework', '2026-02-12 08:00:00')
        cls._dispose(cls.r2, 'D', 'seller', 'return_to_origin', '2026-02-27 08:00:00')
        cls._dispose(cls.r3, 'F', 'customer', 'scrap', '2026-03-11 08:00:00')
        cls._inspect(cls.r7.line_ids, 'B')
        cls._dispose(cls.r9, 'A', 'customer', 'restock', '2026-02-06 08:00:00')

        cls._accounting()
        cls.refund_r1 = cls._refund(cls.r1, [(80.0, False)])
        cls.refund_r2 = cls._refund(cls.r2, [(40.0, False), (-10.0, 'restocking_fee')])
