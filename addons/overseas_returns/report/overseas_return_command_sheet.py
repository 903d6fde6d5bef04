from odoo import api, models


class ReportScannerCommands(models.AbstractModel):
    """The sheet of command barcodes printed for a warehouse's inspection bench."""

    _name = 'report.overseas_returns.report_scanner_commands'
    _description = 'Scanner Command Sheet'

    @api.model
    def get_report_values(self, docids, data=None):
        return {
            'doc_ids': docids,
            'doc_model': 'stock.warehouse',
            'docs': self.env['stock.warehouse'].browse(docids),
            'commands': self.env['overseas.return.scanner']._command_sheet(),
        }
