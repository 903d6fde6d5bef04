from odoo import api, models


class OverseasReturnRefundSettingMixin(models.AbstractModel):
    """A setting of the refund policy (refund rules, deduction types): the stored refund
    figures of the open returns depend on it but have no field path to it for
    @api.depends, so every change refreshes them."""

    _name = 'overseas.return.refund.setting.mixin'
    _description = 'Refund Policy Setting'

    @api.model
    def create(self, vals):
        record = super(OverseasReturnRefundSettingMixin, self).create(vals)
        self.env['overseas.return.order']._refresh_refund_amounts()
        return record

    @api.multi
    def write(self, vals):
        result = super(OverseasReturnRefundSettingMixin, self).write(vals)
        self.env['overseas.return.order']._refresh_refund_amounts()
        return result

    @api.multi
    def unlink(self):
        result = super(OverseasReturnRefundSettingMixin, self).unlink()
        self.env['overseas.return.order']._refresh_refund_amounts()
        return result
