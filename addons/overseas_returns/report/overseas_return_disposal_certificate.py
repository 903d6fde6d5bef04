from odoo import _, api, fields, models
from odoo.exceptions import UserError

CERTIFIED_DISPOSITIONS = ('donate', 'scrap')


class ReportDisposalCertificate(models.AbstractModel):
    """Donation / destruction certificate of disposed return lines."""

    _name = 'report.overseas_returns.report_disposal_certificate'
    _description = 'Donation and Destruction Certificate'

    @api.model
    def _source_lines(self, docids):
        """The return lines the user printed the certificate from."""
        return self.env['overseas.return.line'].browse(docids)

    @api.model
    def _certified_lines(self, docids):
        lines = self._source_lines(docids).filtered(
            lambda line: line.state == 'disposed'
            and line.disposition in CERTIFIED_DISPOSITIONS)
        if not lines:
            raise UserError(_(
                'There is nothing to certify: only return lines that were donated or '
                'destroyed (scrapped) and are disposed of appear on a certificate.'))
        return lines.sorted(lambda line: (line.date_disposed or '', line.id))

    @api.model
    def _prepare_section(self, disposition, lines):
        value_totals = {}
        for line in lines:
            value_totals.setdefault(line.currency_id, 0.0)
            value_totals[line.currency_id] += line.qty_received * line.price_unit
        return {
            'disposition': disposition,
            'lines': lines,
            'qty_total': sum(lines.mapped('qty_received')),
            'value_totals': sorted(value_totals.items(),
                                   key=lambda item: item[0].name or ''),
        }

    @api.model
    def get_report_values(self, docids, data=None):
        lines = self._certified_lines(docids)
        print_date = fields.Date.context_today(self)
        names = sorted(set(lines.mapped('order_id.name')))
        sections = [self._prepare_section(disposition, lines.filtered(
                        lambda line, d=disposition: line.disposition == d))
                    for disposition in CERTIFIED_DISPOSITIONS
                    if disposition in lines.mapped('disposition')]
        return {
            'doc_ids': lines.ids,
            'doc_model': 'overseas.return.line',
            'docs': lines,
            'sections': sections,
            'print_date': print_date,
            'qty_digits': self.env['decimal.precision'].precision_get(
                'Product Unit of Measure'),
            'certificate_number': '%s / %s' % (print_date, ', '.join(names)),
        }


class ReportOrderDisposalCertificate(models.AbstractModel):
    """The same certificate printed from returns: their donated or destroyed lines."""

    _name = 'report.overseas_returns.report_order_disposal_certificate'
    _inherit = 'report.overseas_returns.report_disposal_certificate'
    _description = 'Donation and Destruction Certificate of Returns'

    @api.model
    def _source_lines(self, docids):
        return self.env['overseas.return.order'].browse(docids).mapped('line_ids')
