# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models


class CustomerLoyaltyTierChange(models.Model):
    _name = "customer.loyalty.tier.change"
    _description = "Loyalty Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    old_tier_id = fields.Many2one("customer.loyalty.tier", string="From", readonly=True)
    new_tier_id = fields.Many2one("customer.loyalty.tier", string="To", readonly=True)
    direction = fields.Selection(
        [("up", "Promotion"), ("down", "Demotion")], required=True, readonly=True
    )
    reason = fields.Char(required=True, readonly=True)
    purchase_amount = fields.Monetary(
        readonly=True, currency_field="currency_id", help="Purchases over the tier window."
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
        index=True,
        help="Company whose tiers and purchases the change was computed with.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        changes = super().create(vals_list)
        self.env["customer.webhook.delivery"]._enqueue("tier.changed", changes)
        return changes

    def _webhook_tier_payload(self):
        """Data of a tier.changed webhook for this change."""
        self.ensure_one()
        change = self.sudo()
        return {
            "model": self._name,
            "id": change.id,
            "partner_id": change.partner_id.id,
            "old_tier": change.old_tier_id.name or None,
            "new_tier": change.new_tier_id.name or None,
            "direction": change.direction,
            "reason": change.reason,
            "purchase_amount": change.purchase_amount,
            "currency": change.currency_id.name or None,
            "date": fields.Date.to_string(change.date),
        }

    def _notify_vip(self):
        """Ask the salesperson to welcome the customers promoted to a VIP tier."""
        for change in self:
            partner = change.partner_id
            partner.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(partner.user_id or self.env.user).id,
                summary=_("%s is now a VIP customer", partner.display_name),
                note=_(
                    "Promoted to the %s tier: a personal welcome and a gift are due.",
                    change.new_tier_id.name,
                ),
            )
