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
            'commands': self._bilingual_commands(),
        }

    @api.model
    def _bilingual_commands(self):
        """Head office may print in Chinese for a floor that reads English: each label
        also in English when the printing user's language is another one."""
        Scanner = self.env['overseas.return.scanner']
        commands = Scanner._command_sheet()
        english = {command['code']: command['label'] for command in
                   Scanner.with_context(lang='en_US')._command_sheet()}
        for command in commands:
            label_en = english.get(command['code'])
            command['label_en'] = label_en if label_en != command['label'] else False
        return commands
