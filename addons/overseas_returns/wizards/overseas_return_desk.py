from odoo import _, api, fields, models
from odoo.addons import decimal_precision as dp
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from ..models.overseas_return_guard import ensure_one_record


class OverseasReturnDeskNumbersMixin(models.AbstractModel):
    """The desk wizards' quantities, checked on every create and write."""

    _name = 'overseas.return.desk.numbers.mixin'
    _inherit = ['overseas.return.numbers.mixin']
    _description = 'Desk Quantities Checked Before Storing'

    @api.model
    def create(self, vals):
        self._check_number_vals(vals)
        return super(OverseasReturnDeskNumbersMixin, self).create(vals)

    @api.multi
    def write(self, vals):
        self._check_number_vals(vals)
        return super(OverseasReturnDeskNumbersMixin, self).write(vals)


class OverseasReturnRegister(models.TransientModel):
    """Register Return on a sale: which delivered lines come back, how many, why."""

    _name = 'overseas.return.register'
    _description = 'Register a Return from a Sale'

    sale_id = fields.Many2one('sale.order', string='Sale Order', required=True,
                              readonly=True)
    line_ids = fields.One2many('overseas.return.register.line', 'wizard_id',
                               string='Products')

    @api.model
    def default_get(self, fields_list):
        res = super(OverseasReturnRegister, self).default_get(fields_list)
        sale = self.env['sale.order'].browse(
            self.env.context.get('default_sale_id') or self.env.context.get('active_id'))
        if sale.exists():
            res['sale_id'] = sale.id
            line_vals = self.env['overseas.return.order']._prepare_lines_from_sale(sale)
            res['line_ids'] = [(0, 0, {
                'sale_line_id': vals['sale_line_id'],
                'product_id': vals['product_id'],
                'qty_returnable': vals['product_qty'],
                'qty': vals['product_qty'] if len(line_vals) == 1 else 0.0,
            }) for vals in line_vals]
        return res

    @api.multi
    def action_register(self):
        """Create the draft return of the chosen lines and open it."""
        ensure_one_record(self)
        Order = self.env['overseas.return.order']
        returnable = self.env['overseas.return.line']._returnable_qty_by_sale_line(
            self.line_ids.mapped('sale_line_id'))
        chosen = []
        for line in self.line_ids:
            rounding = line.product_id.uom_id.rounding or 0.01
            if float_is_zero(line.qty, precision_rounding=rounding):
                continue
            if line.qty < 0:
                raise UserError(_('The quantity of %s to return must be positive.')
                                % line.product_id.display_name)
            available = returnable.get(line.sale_line_id.id, 0.0)
            if float_compare(line.qty, available, precision_rounding=rounding) > 0:
                raise UserError(_('At most %(qty)s of %(product)s can be returned: '
                                  'delivered and not yet returned.') % {
                    'qty': available, 'product': line.product_id.display_name})
            if not line.reason_id:
                raise UserError(_('Give the reason why %s comes back.')
                                % line.product_id.display_name)
            chosen.append({
                'product_id': line.product_id.id,
                'product_qty': line.qty,
                'price_unit': line.sale_line_id.price_reduce,
                'sale_line_id': line.sale_line_id.id,
                'reason_id': line.reason_id.id,
                'customer_note': line.note or False,
            })
        if not chosen:
            raise UserError(_('Choose the products that come back and their quantities.'))
        order = Order.create(Order._prepare_vals_from_sale(self.sale_id, chosen))
        return order._action_open_form()


class OverseasReturnRegisterLine(models.TransientModel):
    _name = 'overseas.return.register.line'
    _inherit = ['overseas.return.desk.numbers.mixin']
    _checked_numbers = ('qty',)
    _description = 'Register a Return: Product'

    wizard_id = fields.Many2one('overseas.return.register', required=True,
                                ondelete='cascade')
    sale_line_id = fields.Many2one('sale.order.line', required=True, readonly=True)
    product_id = fields.Many2one('product.product', required=True, readonly=True)
    qty_returnable = fields.Float(string='Returnable', readonly=True,
                                  digits=dp.get_precision('Product Unit of Measure'),
                                  help='Delivered and not yet returned.')
    qty = fields.Float(string='Quantity to Return',
                       digits=dp.get_precision('Product Unit of Measure'))
    reason_id = fields.Many2one('overseas.return.reason', string='Reason')
    note = fields.Char(string="Customer's Words")


class OverseasReturnReceive(models.TransientModel):
    """The form's Receive: the worker counts what is in the parcel."""

    _name = 'overseas.return.receive'
    _description = 'Receive a Return'

    order_id = fields.Many2one('overseas.return.order', required=True, readonly=True)
    line_ids = fields.One2many('overseas.return.receive.line', 'wizard_id',
                               string='Count')
    mismatch = fields.Boolean(compute='_compute_mismatch')

    @api.depends('line_ids.qty_counted', 'line_ids.product_qty')
    def _compute_mismatch(self):
        for wizard in self:
            wizard.mismatch = any(line.difference for line in wizard.line_ids)

    @api.model
    def default_get(self, fields_list):
        res = super(OverseasReturnReceive, self).default_get(fields_list)
        order = self.env['overseas.return.order'].browse(
            self.env.context.get('default_order_id') or self.env.context.get('active_id'))
        if order.exists():
            res['order_id'] = order.id
            res['line_ids'] = [(0, 0, {
                'return_line_id': line.id, 'product_id': line.product_id.id,
                'product_qty': line.product_qty,
                'qty_counted': line.qty_received or line.product_qty,
            }) for line in order.line_ids]
        return res

    @api.multi
    def action_receive(self):
        """Receive what was counted: less than announced leaves a backorder, more
        needs a returns manager (both as the order's action_receive)."""
        ensure_one_record(self)
        order = self.order_id
        if order.state != 'approved':
            raise UserError(_('Only an approved return can be received (%s).')
                            % order.name)
        counted = {}
        for line in self.line_ids:
            if line.qty_counted < 0:
                raise UserError(_('The count of %s cannot be negative.')
                                % line.product_id.display_name)
            if line.return_line_id.order_id != order:
                raise UserError(_('%s is not a line of this return.')
                                % line.return_line_id.display_name)
            counted[line.return_line_id] = line.qty_counted
        if not any(counted.values()):
            raise UserError(_('Nothing was counted: enter what arrived in the parcel.'))
        by_qty = {}
        for return_line, qty in counted.items():
            by_qty[qty] = by_qty.get(qty, return_line.browse()) | return_line
        # a refused receipt (over-receipt without a manager) raises: the request's
        # transaction, count included, is rolled back
        for qty, lines in by_qty.items():
            lines.write({'qty_received': qty})
        order.with_context(overseas_return_counted=True).action_receive()
        return {'type': 'ir.actions.act_window_close'}  # the form reloads


class OverseasReturnReceiveLine(models.TransientModel):
    _name = 'overseas.return.receive.line'
    _inherit = ['overseas.return.desk.numbers.mixin']
    _checked_numbers = ('qty_counted',)
    _description = 'Receive a Return: Count'

    wizard_id = fields.Many2one('overseas.return.receive', required=True,
                                ondelete='cascade')
    return_line_id = fields.Many2one('overseas.return.line', required=True,
                                     readonly=True)
    product_id = fields.Many2one('product.product', readonly=True)
    product_qty = fields.Float(string='Announced', readonly=True,
                               digits=dp.get_precision('Product Unit of Measure'))
    qty_counted = fields.Float(string='Counted',
                               digits=dp.get_precision('Product Unit of Measure'))
    difference = fields.Float(compute='_compute_difference',
                              digits=dp.get_precision('Product Unit of Measure'))

    @api.depends('product_qty', 'qty_counted')
    def _compute_difference(self):
        for line in self:
            line.difference = line.qty_counted - line.product_qty


class OverseasReturnLineSplit(models.TransientModel):
    """Split units off a return line (or the line of an inspection in progress)."""

    _name = 'overseas.return.line.split'
    _inherit = ['overseas.return.desk.numbers.mixin']
    _checked_numbers = ('qty',)
    _description = 'Split a Return Line'

    line_id = fields.Many2one('overseas.return.line', required=True, readonly=True)
    inspection_id = fields.Many2one('overseas.return.inspection', readonly=True)
    qty_received = fields.Float(related='line_id.qty_received', readonly=True)
    qty = fields.Float(string='Units to Split Off', default=1.0,
                       digits=dp.get_precision('Product Unit of Measure'))

    @api.multi
    def action_split(self):
        ensure_one_record(self)
        if self.inspection_id:
            inspection_id = self.inspection_id.action_split(self.qty)
            action = self.env.ref(
                'overseas_returns.overseas_return_inspection_action').read()[0]
            action.update(views=[(False, 'form')], view_mode='form',
                          res_id=inspection_id)
            return action
        self.line_id.action_split(self.qty)
        return {'type': 'ir.actions.act_window_close'}
