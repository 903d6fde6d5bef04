from odoo import _, api, models
from odoo.tools import float_is_zero

from .overseas_return_grade import DISPOSITIONS
from .overseas_return_reason import FAULT_PARTIES
from .overseas_return_scanner import ScanRefused, _qty


def _command_code(key):
    return key.upper().replace('_', '-')


class OverseasReturnScanner(models.Model):
    """Inspection and disposal from the scanner: scan the product, then grade,
    checklist, fault party and disposition commands, CONFIRM, DISPOSE.  Only methods
    of their own here: the main scanner file lists these commands."""

    _inherit = 'overseas.return.scanner'

    @api.model
    def _inspection_commands(self):
        """The inspection and disposal part of ``_commands``."""
        # plain loops: inside a comprehension _() cannot see self, nor so the language
        commands = []
        for grade in self.env['overseas.return.grade'].search([]):
            commands.append(('GRADE-%s' % grade.code.upper(), '_cmd_grade',
                             _('Grade %s') % grade.display_name))
        commands += [
            ('PASS', '_cmd_check_pass', _('Check passed')),
            ('FAIL', '_cmd_check_fail', _('Check failed')),
            ('NA', '_cmd_check_na', _('Check not applicable')),
            ('PASS-ALL', '_cmd_pass_all', _('All open checks passed')),
        ]
        Line = self.env['overseas.return.line']
        fault_labels = dict(Line._fields['fault_party']._description_selection(self.env))
        for key, _label in FAULT_PARTIES:
            commands.append(('FAULT-%s' % _command_code(key), '_cmd_fault',
                             _('Fault: %s') % fault_labels[key]))
        commands.append(('CONFIRM', '_cmd_confirm', _('Confirm inspection')))
        disposition_labels = dict(
            Line._fields['disposition']._description_selection(self.env))
        for key, _label in DISPOSITIONS:
            commands.append(('DISP-%s' % _command_code(key), '_cmd_disposition',
                             _('Disposition: %s') % disposition_labels[key]))
        commands.append(('DISPOSE', '_cmd_dispose', _('Dispose of the line')))
        return commands

    # ------------------------------------------------------------------ selection
    def _select_for_inspection(self, product):
        """The first line of this product still to inspect, else still to dispose of."""
        lines = self.order_id.line_ids.filtered(lambda l: l.product_id == product)
        if not lines:
            raise ScanRefused(_('%(product)s is not on %(order)s. Nothing changed. Put '
                                'the unit aside and scan a product of %(order)s.')
                              % {'product': product.display_name,
                                 'order': self.order_id.name})
        arrived = lines.filtered(lambda l: l.qty_received > 0)
        if not arrived:
            raise ScanRefused(_('No %(product)s has arrived on %(order)s yet: it waits in '
                                'the backorder of the receipt. Nothing changed. Scan a '
                                'product that arrived.')
                              % {'product': product.display_name,
                                 'order': self.order_id.name})
        lines = arrived
        line = lines.filtered(lambda l: l.state == 'received')[:1]
        if line:
            inspection = line._open_inspections()
            self._set_line(line, inspection)
            return (_('Inspecting %(line)s. %(next)s')
                    % {'line': line.product_id.display_name,
                       'next': self._next_step()}, 'success')
        line = lines.filtered(lambda l: l.state == 'inspected')[:1]
        if line:
            self._set_line(line)
            return (_('%(product)s is inspected (%(grade)s, %(disposition)s): scan a '
                      'disposition or DISPOSE.')
                    % {'product': product.display_name,
                       'grade': line.grade_id.display_name,
                       'disposition': self._disposition_label(line.disposition)},
                    'success')
        raise ScanRefused(_('%(product)s is already disposed of. Nothing changed. '
                            '%(next)s')
                          % {'product': product.display_name,
                             'next': self._state_hint(self.order_id)})

    def _disposition_label(self, disposition):
        if not disposition:
            return _('no disposition')
        return self._label(self.env['overseas.return.line'], 'disposition', disposition)

    def _next_step(self):
        inspection = self.inspection_id
        if not inspection.grade_id:
            return _('Scan a grade.')
        check = inspection.check_ids.filtered(lambda c: not c.result)[:1]
        if check:
            return _('Check: %s - scan PASS or FAIL.') % check.name
        return _('Scan CONFIRM.')

    def _require_inspection(self):
        inspection = self.inspection_id
        if not inspection or inspection.state != 'draft':
            raise ScanRefused(_('Scan a product waiting for inspection first.'))
        return inspection

    # ------------------------------------------------------------------ inspection
    def _cmd_grade(self, command):
        inspection = self._require_inspection()
        code = command[len('GRADE-'):]
        grade = self.env['overseas.return.grade'].search([('code', '=ilike', code)],
                                                           limit=1)
        inspection.write({'grade_id': grade.id})
        return (_('Grade %(grade)s. %(next)s')
                % {'grade': grade.display_name, 'next': self._next_step()}, 'success')

    def _answer_check(self, result):
        inspection = self._require_inspection()
        check = inspection.check_ids.filtered(lambda c: not c.result)[:1]
        if not check:
            raise ScanRefused(_('Every check is answered already. %s') % self._next_step())
        check.write({'result': result})
        return (_('%(check)s: %(result)s. %(next)s')
                % {'check': check.name, 'result': self._label(check, 'result'),
                   'next': self._next_step()},
                'warning' if result == 'fail' else 'success')

    def _cmd_check_pass(self, command):
        return self._answer_check('pass')

    def _cmd_check_fail(self, command):
        return self._answer_check('fail')

    def _cmd_check_na(self, command):
        return self._answer_check('na')

    def _cmd_pass_all(self, command):
        inspection = self._require_inspection()
        inspection.action_pass_open_checks()
        return (_('Every open check passed. %s') % self._next_step(), 'success')

    def _cmd_fault(self, command):
        inspection = self._require_inspection()
        code = command[len('FAULT-'):]
        party = [key for key, _label in FAULT_PARTIES if _command_code(key) == code][0]
        inspection.write({'fault_party': party})
        return (_('Fault: %(party)s. %(next)s')
                % {'party': self._label(inspection, 'fault_party'),
                   'next': self._next_step()}, 'success')

    def _cmd_confirm(self, command):
        inspection = self._require_inspection()
        disposition = self.pending_disposition
        inspection.action_confirm()
        line = inspection.line_id
        if disposition:
            line.write({'disposition': disposition})
        self._set_line(line)
        return (_('Inspection confirmed: %(grade)s, %(disposition)s. Scan DISPOSE, or '
                  'another disposition first.')
                % {'grade': line.grade_id.display_name,
                   'disposition': self._disposition_label(line.disposition)}, 'success',
                {'inspection_id': inspection.id})

    # ------------------------------------------------------------------ disposal
    def _cmd_disposition(self, command):
        code = command[len('DISP-'):]
        disposition = [key for key, _label in DISPOSITIONS if _command_code(key) == code][0]
        label = self._disposition_label(disposition)
        if self.inspection_id.state == 'draft':
            self.write({'pending_disposition': disposition})
            return (_('%(disposition)s once confirmed. %(next)s')
                    % {'disposition': label, 'next': self._next_step()}, 'success')
        line = self.line_id
        if not line or line.state != 'inspected':
            raise ScanRefused(_('Scan an inspected product first.'))
        line.write({'disposition': disposition})
        return (_('%(product)s: %(disposition)s. Scan DISPOSE.')
                % {'product': line.product_id.display_name, 'disposition': label},
                'success')

    def _cmd_dispose(self, command):
        """Dispose of the current line only, and say which line and what is left
        on the others of the return."""
        line = self.line_id
        if not line or line.state != 'inspected':
            raise ScanRefused(_('Scan an inspected product first.'))
        line.action_dispose()
        self._set_line(self.env['overseas.return.line'])
        order = line.order_id
        lines = order.line_ids
        values = {
            'product': line.product_id.display_name,
            'qty': _qty(line.qty_received),
            'index': list(lines).index(line) + 1,
            'count': len(lines),
            'disposition': self._disposition_label(line.disposition),
            'order': order.name,
        }
        done = _('%(product)s (line %(index)s of %(count)s, %(qty)s units) disposed of: '
                 '%(disposition)s.') % values
        left = (lines - line).filtered(lambda l: l.state != 'disposed')
        if not left:
            return (_('%(done)s Every line of %(order)s is disposed of. Scan the next '
                      'parcel.') % {'done': done, 'order': order.name}, 'success',
                    {'line_id': line.id})
        todo = {
            'draft': _('not arrived'),
            'received': _('to inspect'),
            'inspected': _('to dispose of'),
        }
        not_arrived = _('not arrived (it waits in the backorder of the receipt)')
        remaining = '; '.join('%s: %s' % (
            other.product_id.display_name,
            not_arrived if other.state == 'received' and float_is_zero(
                other.qty_received, precision_rounding=other.product_uom_id.rounding)
            else todo.get(other.state, other.state)) for other in left)
        return (_('%(done)s Still open on %(order)s: %(remaining)s. Scan the next '
                  'product.') % {'done': done, 'order': order.name,
                                 'remaining': remaining}, 'success',
                {'line_id': line.id})
