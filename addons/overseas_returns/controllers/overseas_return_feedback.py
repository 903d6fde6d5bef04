from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from ..models.overseas_return_order_mail import FEEDBACK_RATINGS, FEEDBACK_RATING_VALUES


class OverseasReturnFeedback(http.Controller):
    """One-click rating links of the 'return done' e-mail, then an optional comment.

    A thin layer on rating.mixin: the token is the one of the customer's pending
    rating.rating (``rating_get_access_token``) and both steps go through
    ``rating_apply``. Our 5-level scale is stored on rating.rating's 0..10 scale
    (FEEDBACK_RATING_VALUES); Odoo's own /rating/<token>/<rate> links work as well.
    """

    def _feedback_rating(self, token, consumed):
        """The rating.rating of a return behind ``token``, or 404."""
        # sudo: the customer follows a link of an e-mail, without logging in; the
        # secret token is the access right
        rating = request.env['rating.rating'].sudo().search([
            ('access_token', '=', token),
            ('res_model', '=', 'overseas.return.order'),
            ('consumed', '=', consumed)], limit=1) if token else None
        order = rating and request.env['overseas.return.order'].sudo().browse(
            rating.res_id).exists()
        if not order or order.state != 'done':
            raise request.not_found()
        return rating, order

    def _not_found(self):
        """A link that leads to no finished return: the 404 status, in a page that
        says so rather than the server's bare one."""
        return request.render('overseas_returns.overseas_return_feedback_not_found', {},
                              status=404)

    def _render(self, order, **values):
        order = order.with_context(lang=order.partner_id.lang or request.env.lang)
        values.update(order=order, res_company=order.company_id,
                      user_id=request.env.user, ratings=FEEDBACK_RATINGS)
        return request.render('overseas_returns.overseas_return_feedback_page', values)

    @http.route('/returns/feedback/<string:token>/<int:rating>',
                type='http', auth='public', methods=['GET'])
    def feedback_rate(self, token, rating, **kwargs):
        if str(rating) not in FEEDBACK_RATING_VALUES:
            return self._not_found()
        try:
            rating_rec, order = self._feedback_rating(token, consumed=False)
        except NotFound:
            # a second star of the e-mail clicked: the first rating stays, the page
            # says which one it is (and still takes a comment)
            try:
                rating_rec, order = self._feedback_rating(token, consumed=True)
            except NotFound:
                return self._not_found()
            return self._render(order, token=token)
        order.rating_apply(FEEDBACK_RATING_VALUES[str(rating)], token=token)
        return self._render(order, token=token)

    @http.route('/returns/feedback/<string:token>/comment',
                type='http', auth='public', methods=['POST'])
    def feedback_comment(self, token, comment='', **kwargs):
        try:
            rating, order = self._feedback_rating(token, consumed=True)
        except NotFound:
            return self._not_found()
        comment = (comment or '').strip()[:5000]
        if comment and rating.feedback:
            return self._render(order, token=token, thanks=True, already_commented=True)
        if comment:
            # the rate stays; rating_apply adds the comment and posts it in the chatter
            order.rating_apply(int(rating.rating), token=token, feedback=comment)
        return self._render(order, token=token, thanks=True)
