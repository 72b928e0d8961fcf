# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class CustomerWebhookDelivery(models.Model):
    _inherit = "customer.webhook.delivery"

    @api.model
    def _webhook_payload(self, record):
        """Loyalty events: tier.changed, points.earned and points.spent."""
        if record._name == "customer.loyalty.tier.change":
            return record._webhook_tier_payload()
        if record._name == "loyalty.history":
            return record._webhook_points_payload()
        return super()._webhook_payload(record)
