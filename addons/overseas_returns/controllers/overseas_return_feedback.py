from odoo import fields, http
from odoo.http import request
from odoo.tools import consteq

from ..models.overseas_return_order_mail import FEEDBACK_RATINGS


class OverseasReturnFeedback(http.Controller):
    """One-click rating links of the 'return done' e-mail, then an optional comment."""

    def _feedback_order(self, order_id, token):
        order = request.env['overseas.return.order'].sudo().browse(order_id).exists()
        if not order or order.state != 'done' or not order.feedback_token \
                or not token or not consteq(order.feedback_token, token):
            raise request.not_found()
        return order

    def _render(self, order, **values):
        order = order.with_context(lang=order.partner_id.lang or request.env.lang)
        values.update(order=order, res_company=order.company_id,
                      user_id=request.env.user, ratings=FEEDBACK_RATINGS)
        return request.render('overseas_returns.overseas_return_feedback_page', values)

    @http.route('/returns/feedback/<int:order_id>/<string:token>/<int:rating>',
                type='http', auth='public', methods=['GET'])
    def feedback_rate(self, order_id, token, rating, **kwargs):
        order = self._feedback_order(order_id, token)
        if str(rating) not in dict(FEEDBACK_RATINGS):
            raise request.not_found()
        order.write({'feedback_rating': str(rating),
                     'feedback_date': fields.Datetime.now()})
        return self._render(order, token=token)

    @http.route('/returns/feedback/<int:order_id>/<string:token>/comment',
                type='http', auth='public', methods=['POST'])
    def feedback_comment(self, order_id, token, comment='', **kwargs):
        order = self._feedback_order(order_id, token)
        comment = (comment or '').strip()[:5000]
        if comment:
            order.write({'feedback_comment': comment,
                         'feedback_date': fields.Datetime.now()})
        return self._render(order, token=token, thanks=True)
