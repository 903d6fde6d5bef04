from odoo import _, api, fields, models

# the steps a customer follows on the portal, in the order of the flow
PORTAL_STEPS = ('draft', 'approved', 'received', 'inspected', 'done')
# state reached -> date field stamped when the state is written
STATE_DATE_FIELDS = {
    'approved': 'date_approved',
    'inspected': 'date_inspected',
}


class OverseasReturnOrder(models.Model):
    """Customer portal: where a return stands, told to the customer."""

    _inherit = 'overseas.return.order'

    date_approved = fields.Datetime(
        readonly=True, copy=False,
        help='When the return was approved (shown on the customer portal).')
    date_inspected = fields.Datetime(
        readonly=True, copy=False,
        help='When every line of the return was inspected (shown on the customer '
             'portal).')
    portal_url = fields.Char(compute='_compute_portal_url',
                             string='Portal Link')

    def _compute_portal_url(self):
        """The customer's page of the return (links in the portal and in e-mails)."""
        for order in self:
            order.portal_url = '/my/returns/%s' % order.id

    @api.multi
    def write(self, vals):
        date_field = STATE_DATE_FIELDS.get(vals.get('state'))
        if date_field and date_field not in vals:
            vals = dict(vals, **{date_field: fields.Datetime.now()})
        return super(OverseasReturnOrder, self).write(vals)

    def _portal_timeline(self):
        """The steps of the return for the portal: label, date, reached, current."""
        self.ensure_one()
        labels = {
            'draft': _('Requested'),
            'approved': _('Approved'),
            'received': _('Received at the warehouse'),
            'inspected': _('Inspected'),
            'done': _('Done'),
        }
        dates = {
            'draft': self.create_date,
            'approved': self.date_approved,
            'received': self.date_received,
            'inspected': self.date_inspected,
            'done': self.date_done,
        }
        reached = PORTAL_STEPS.index(self.state) if self.state in PORTAL_STEPS else 0
        steps = []
        for index, step in enumerate(PORTAL_STEPS):
            done = self.state in PORTAL_STEPS and index <= reached or index == 0
            steps.append({
                'state': step,
                'label': labels[step],
                'date': done and dates[step] or False,
                'reached': done,
                'current': step == self.state,
            })
        return steps
