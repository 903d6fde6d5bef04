from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.tools import html_escape

from odoo.addons.overseas_returns.models.queue_jobs import delayed
from odoo.addons.queue_job.job import job

PARAM_PREFIX = 'overseas_returns_reports.'
ALERT_DEFAULTS = {
    'alert_rate_threshold': 10.0,      # returned units per hundred delivered
    'alert_min_delivered': 20.0,       # fewer delivered units: no rate alert
    'alert_mismatch_threshold': 3.0,   # description-mismatch return lines
    'alert_window_days': 90.0,
}


class OverseasReturnProductAlert(models.AbstractModel):
    """Daily check of every product's recent returns; one activity per alerted product.

    Thresholds are system parameters (``overseas_returns_reports.alert_*``), with the
    defaults of ALERT_DEFAULTS.
    """

    _name = 'overseas.return.product.alert'
    _description = 'Overseas Returns Product Alert'

    @api.model
    def _alert_params(self):
        get_param = self.env['ir.config_parameter'].sudo().get_param
        params = {}
        for key, default in ALERT_DEFAULTS.items():
            try:
                params[key] = float(get_param(PARAM_PREFIX + key, default))
            except (TypeError, ValueError):
                params[key] = default
        return params

    @api.model
    def _find_alerts(self, today=None):
        """{product id: figures} for products over a threshold in the alert window."""
        params = self._alert_params()
        today = fields.Date.from_string(today or fields.Date.context_today(self))
        date_from = fields.Date.to_string(
            today - timedelta(days=int(params['alert_window_days'])))
        cr = self.env.cr
        cr.execute("""
            SELECT product_id, SUM(qty_delivered), SUM(qty_returned)
              FROM overseas_return_rate_report
             WHERE date >= %s
             GROUP BY product_id
        """, (date_from,))
        alerts = {}
        for product_id, delivered, returned in cr.fetchall():
            rate = 100.0 * returned / delivered if delivered else 0.0
            if (delivered >= params['alert_min_delivered'] and delivered
                    and rate >= params['alert_rate_threshold']):
                alerts[product_id] = {'rate': rate, 'delivered': delivered,
                                      'returned': returned, 'mismatch': 0}
        cr.execute("""
            SELECT r.product_id, COUNT(*)
              FROM overseas_return_report r
              JOIN overseas_return_reason_category rc ON rc.id = r.reason_category_id
             WHERE r.date >= %s AND rc.code = 'mismatch'
               AND r.order_state NOT IN ('cancel', 'rejected')
             GROUP BY r.product_id
        """, (date_from,))
        for product_id, count in cr.fetchall():
            if count >= params['alert_mismatch_threshold']:
                alerts.setdefault(product_id, {'rate': None, 'delivered': 0.0,
                                               'returned': 0.0})
                alerts[product_id]['mismatch'] = count
            elif product_id in alerts:
                alerts[product_id]['mismatch'] = count
        if alerts:
            self._add_dominant_reasons(alerts, date_from)
        return alerts

    def _add_dominant_reasons(self, alerts, date_from):
        self.env.cr.execute("""
            SELECT DISTINCT ON (r.product_id) r.product_id, r.reason_id
              FROM overseas_return_report r
             WHERE r.date >= %s AND r.product_id IN %s AND r.reason_id IS NOT NULL
               AND r.order_state NOT IN ('cancel', 'rejected')
             GROUP BY r.product_id, r.reason_id
             ORDER BY r.product_id, SUM(r.product_qty) DESC, COUNT(*) DESC, r.reason_id
        """, (date_from, tuple(alerts)))
        for product_id, reason_id in self.env.cr.fetchall():
            alerts[product_id]['reason_id'] = reason_id

    @api.model
    def _cron_enqueue_product_alerts(self):
        """Scheduled daily: the check runs as a job (channel root.overseas_reports),
        so that the cron worker is free at once and the check can run on any node."""
        return delayed(self, description=_('Product return alerts')) \
            ._cron_product_alerts()

    @api.model
    @job(default_channel='root.overseas_reports')
    def _cron_product_alerts(self, today=None):
        """Scheduled daily: raise one alert activity per product over a threshold.

        A product whose template already has an open alert activity is left alone.
        """
        alerts = self._find_alerts(today=today)
        if not alerts:
            return self.env['mail.activity']
        activity_type = self.env.ref(
            'overseas_returns_reports.mail_activity_type_return_alert')
        products = self.env['product.product'].sudo().browse(list(alerts))
        templates = products.mapped('product_tmpl_id')
        Activity = self.env['mail.activity'].sudo()
        open_ids = set(Activity.search([
            ('res_model', '=', 'product.template'), ('res_id', 'in', templates.ids),
            ('activity_type_id', '=', activity_type.id)]).mapped('res_id'))
        model = self.env['ir.model'].sudo().search([('model', '=', 'product.template')])
        created = Activity
        for product in products:
            template = product.product_tmpl_id
            if template.id in open_ids:
                continue
            open_ids.add(template.id)
            created |= Activity.create(self._prepare_activity_vals(
                product, alerts[product.id], activity_type, model, today))
        return created

    def _alert_user(self, product):
        template = product.product_tmpl_id
        user = getattr(template, 'responsible_id', False) or template.create_uid
        if not user or not user.active:
            user = self.env['res.users'].browse(SUPERUSER_ID)
        return user

    def _prepare_activity_vals(self, product, figures, activity_type, model, today):
        reason = self.env['overseas.return.reason'].browse(figures.get('reason_id'))
        reason_name = reason.name or _('none')
        lines = []
        if figures.get('rate') is not None:
            lines.append(_('Return rate over the last %(days)s days: %(rate).1f %% '
                           '(%(returned)s of %(delivered)s delivered units).') % {
                'days': int(self._alert_params()['alert_window_days']),
                'rate': figures['rate'], 'returned': figures['returned'],
                'delivered': figures['delivered']})
        if figures.get('mismatch'):
            lines.append(_('Description-mismatch returns: %(count)s.')
                         % {'count': figures['mismatch']})
        lines.append(_('Dominant reason: %(reason)s.') % {'reason': reason_name})
        deadline = fields.Date.from_string(today or fields.Date.context_today(self))
        return {
            'res_model_id': model.id,
            'res_id': product.product_tmpl_id.id,
            'activity_type_id': activity_type.id,
            'user_id': self._alert_user(product).id,
            'summary': _('Returns alert: %(product)s (%(reason)s)') % {
                'product': product.display_name, 'reason': reason_name},
            'note': ''.join('<p>%s</p>' % html_escape(line) for line in lines),
            'date_deadline': fields.Date.to_string(deadline + timedelta(days=2)),
        }
