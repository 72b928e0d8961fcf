# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class CustomerWebhookDelivery(models.Model):
    _inherit = "customer.webhook.delivery"

    @api.model
    def _webhook_payload(self, record):
        if record._name == "customer.segment.event":
            return {
                "model": record._name,
                "id": record.id,
                "partner_id": record.partner_id.id,
                "segment_id": record.segment_id.id,
                "segment": record.segment_id.name,
                "segment_kind": record.segment_kind,
                "event_type": record.event_type,
                "date": record.date,
            }
        return super()._webhook_payload(record)
