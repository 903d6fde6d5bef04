from odoo import fields, models
from odoo.addons import decimal_precision as dp


class OverseasReturnScanLog(models.Model):
    """One scan at the returns scanner: who scanned what, when, and what it did.

    Written by ``overseas.return.scanner.scan`` only, never changed afterwards (an
    undone count keeps its line; the undo is a scan of its own that points to it).
    ``ORT-UNDO`` reads the counts of its scanner here.
    """

    _name = 'overseas.return.scan.log'
    _description = 'Returns Scan Log'
    _order = 'id desc'
    _rec_name = 'code'

    scanner_id = fields.Many2one('overseas.return.scanner', string='Scanner', required=True,
                                 index=True, ondelete='cascade', readonly=True)
    user_id = fields.Many2one('res.users', string='Scanned By', required=True, index=True,
                              readonly=True, default=lambda self: self.env.user)
    date = fields.Datetime(string='Scanned On', required=True, readonly=True,
                           default=fields.Datetime.now)
    company_id = fields.Many2one(related='scanner_id.warehouse_id.company_id', store=True,
                                 readonly=True, string='Company')
    warehouse_id = fields.Many2one(related='scanner_id.warehouse_id', store=True,
                                   readonly=True, string='Warehouse')
    code = fields.Char(string='Code Scanned', required=True, readonly=True)
    result = fields.Selection([
        ('done', 'Done'),
        ('warning', 'Warning'),
        ('refused', 'Refused'),
    ], required=True, readonly=True, index=True,
        help='Refused: the scan changed nothing.')
    message = fields.Char(readonly=True)
    order_id = fields.Many2one('overseas.return.order', string='Return', index=True,
                               readonly=True, ondelete='set null')
    line_id = fields.Many2one('overseas.return.line', string='Line', readonly=True,
                              ondelete='set null')
    inspection_id = fields.Many2one('overseas.return.inspection', string='Inspection',
                                    readonly=True, ondelete='set null')
    qty_delta = fields.Float(string='Units Counted', readonly=True,
                             digits=dp.get_precision('Product Unit of Measure'),
                             help='Units this scan added to the line\'s counted quantity.')
    announced_delta = fields.Float(
        string='Units Announced', readonly=True, digits=dp.get_precision('Product Unit of Measure'),
        help='Units this scan added to the line\'s announced quantity (unidentified '
             'parcels, units accepted by a manager).')
    lot_id = fields.Many2one('stock.production.lot', string='Lot/Serial Number',
                             readonly=True, ondelete='set null',
                             help='Recorded on the line by this count (a GS1 label): '
                                  'UNDO takes it back.')
    undo_of_id = fields.Many2one('overseas.return.scan.log', string='Undoes', readonly=True,
                                 index=True, ondelete='set null')
    undo_log_ids = fields.One2many('overseas.return.scan.log', 'undo_of_id',
                                   string='Undone By', readonly=True)

