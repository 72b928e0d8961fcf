# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import secrets

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

WEBHOOK_EVENTS = (
    "customer.created",
    "customer.updated",
    "consent.given",
    "consent.withdrawn",
    "segment.entered",
    "segment.left",
    "tier.changed",
    "points.earned",
    "points.spent",
)


class CustomerWebhookSubscription(models.Model):
    """A receiver of outbound webhooks and the events it wants."""

    _name = "customer.webhook.subscription"
    _description = "Customer Webhook Subscription"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    url = fields.Char("URL", required=True)
    events = fields.Char(
        required=True,
        default="*",
        help="Comma-separated events, or * for all: " + ", ".join(WEBHOOK_EVENTS),
    )
    secret = fields.Char(
        required=True,
        copy=False,
        default=lambda self: secrets.token_hex(32),
        help="Shared secret used to sign every delivery (HMAC-SHA256).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    delivery_ids = fields.One2many("customer.webhook.delivery", "subscription_id")

    @api.constrains("events")
    def _check_events(self):
        for subscription in self:
            unknown = set(subscription._event_list()) - set(WEBHOOK_EVENTS) - {"*"}
            if unknown:
                raise ValidationError(
                    _(
                        "Unknown webhook events: %(events)s. Known events: %(known)s.",
                        events=", ".join(sorted(unknown)),
                        known=", ".join(WEBHOOK_EVENTS),
                    )
                )

    @api.constrains("url")
    def _check_url(self):
        for subscription in self:
            if not subscription.url.startswith(("http://", "https://")):
                raise ValidationError(_("The webhook URL must start with http:// or https://."))

    def _event_list(self):
        self.ensure_one()
        return [event.strip() for event in (self.events or "").split(",") if event.strip()]

    @api.model
    @tools.ormcache("company_id", "event")
    def _subscription_ids_for(self, company_id, event):
        """Ids of the active subscriptions of ``company_id`` to ``event`` (cached)."""
        subscriptions = self.sudo().search([("company_id", "=", company_id)])
        return tuple(
            subscription.id
            for subscription in subscriptions
            if {"*", event} & set(subscription._event_list())
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
