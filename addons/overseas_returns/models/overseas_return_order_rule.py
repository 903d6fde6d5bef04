from odoo import _, fields, models
from odoo.tools import html_escape


class OverseasReturnRuleMixin(models.AbstractModel):
    """Part of overseas.return.order (listed in its _inherit): what the approval rules
    (overseas.return.rule) do to a new return."""

    _name = 'overseas.return.rule.mixin'
    _description = 'Return Approval by Rules'

    def _apply_approval_rules(self):
        """Let the first matching approval rule decide on new draft returns."""
        drafts = self.filtered(lambda order: order.state == 'draft')
        if not drafts:
            return
        if self.env.user.share:
            # sudo: a customer requesting a return on the portal may neither read the
            # rules nor plan or approve what they decide; their notes and e-mails still
            # name the customer as their author
            drafts = drafts.sudo().with_context(
                overseas_author_id=self.env.user.partner_id.id)
        decisions = drafts.env['overseas.return.rule']._rule_for_orders(drafts)
        for order, rule in decisions.items():
            if rule:
                getattr(order, '_rule_action_%s' % rule.action)(rule)

    def _post_rule_note(self, body):
        self.message_post(body=body, subtype='mail.mt_note',
                          author_id=self.env.context.get('overseas_author_id'))

    @staticmethod
    def _rule_label(rule):
        return html_escape(rule.name)

    def _approve_by_rule(self, rule):
        """action_approve's checks and state change without its manager check: the rule
        acts for the company. A check that fails leaves the return as it is."""
        self.ensure_one()
        blocker = self._approval_blocker()
        if blocker:
            self._post_rule_note(_(
                'The approval rule "%(rule)s" could not approve this return: '
                '%(problem)s') % {
                'rule': self._rule_label(rule), 'problem': html_escape(blocker)})
            return False
        self._approve()
        return True

    def _rule_action_approve(self, rule):
        if self._approve_by_rule(rule):
            self._post_rule_note(_('Approved automatically by the approval rule '
                                   '"%(rule)s".') % {'rule': self._rule_label(rule)})

    def _rule_action_manager(self, rule):
        self._post_rule_note(_(
            'The approval rule "%(rule)s" asks a returns manager to approve this '
            'return.') % {'rule': self._rule_label(rule)})
        users = rule.activity_user_id or self.env.ref(
            'overseas_returns.group_returns_manager').users.filtered(
                lambda user: not user.share and self.company_id in user.company_ids)
        if not users:
            return
        activity_type = self.env.ref('mail.mail_activity_data_todo',
                                     raise_if_not_found=False)
        values = {
            'res_model_id': self.env['ir.model']._get(self._name).id,
            'res_id': self.id,
            'activity_type_id': activity_type.id if activity_type else False,
            'summary': _('Approve or reject this return'),
            'note': _('Required by the approval rule "%(rule)s".') % {
                'rule': self._rule_label(rule)},
            'date_deadline': fields.Date.context_today(self),
        }
        Activity = self.env['mail.activity']
        for user in users:
            Activity.create(dict(values, user_id=user.id))

    def _rule_action_reject(self, rule):
        if not self.reject_reason and rule.reject_reason:
            self.write({'reject_reason': rule.reject_reason})
        self._reject()
        self._post_rule_note(_(
            'Rejected automatically by the approval rule "%(rule)s": '
            '%(reason)s') % {'rule': self._rule_label(rule),
                             'reason': html_escape(rule.reject_reason)})

    def _rule_action_returnless(self, rule):
        blocker = self._approval_blocker()
        if blocker:
            self._post_rule_note(_(
                'The approval rule "%(rule)s" could not make this return returnless: '
                '%(problem)s') % {
                'rule': self._rule_label(rule), 'problem': html_escape(blocker)})
            return
        self.write({'return_method': 'returnless'})
        self._approve_by_rule(rule)
        self._post_rule_note(_(
            'Returnless by the approval rule "%(rule)s": the customer keeps the goods '
            'and is refunded; approved automatically.') % {
            'rule': self._rule_label(rule)})

    def _rule_action_restocking_fee(self, rule):
        self.write({'restocking_fee_override': rule.restocking_fee_percent})
        self._post_rule_note(_(
            'The approval rule "%(rule)s" set the restocking fee to '
            '%(percent)s %%.') % {'rule': self._rule_label(rule),
                                  'percent': '%g' % rule.restocking_fee_percent})
