# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

HISTORY_KINDS = [
    ("earned", "Earned"),
    ("spent", "Spent"),
    ("expired", "Expired"),
    ("birthday", "Birthday Bonus"),
    ("welcome", "Welcome Bonus"),
    ("action", "Action Bonus"),
    ("adjustment", "Manual Adjustment"),
    ("reversal", "Reversal"),
    ("transfer", "Card Replacement"),
]


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    card_id = fields.Many2one(index=True)
    kind = fields.Selection(HISTORY_KINDS, index=True, readonly=True)
    reason = fields.Char(readonly=True, help="Why the points were changed by hand.")
    date = fields.Datetime(
        default=fields.Datetime.now,
        required=True,
        index=True,
        readonly=True,
        help="When the points were earned or taken; expiry counts from this date.",
    )
    partner_id = fields.Many2one(
        related="card_id.partner_id", store=True, index=True, string="Customer"
    )
    is_bonus_card = fields.Boolean(related="card_id.is_bonus_card", store=True)
    points_change = fields.Float(compute="_compute_points_change", store=True, string="Change")
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, string="Recorded By"
    )

    @api.depends("issued", "used")
    def _compute_points_change(self):
        for line in self:
            line.points_change = (line.issued or 0.0) - (line.used or 0.0)

    @api.model_create_multi
    def create(self, vals_list):
        """Give every bonus-card line a kind; one line per kind.

        The sale flow writes one line per order and card with both the points
        earned and spent: on bonus cards it becomes an earned and a spent line.
        """
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .browse([vals["card_id"] for vals in vals_list if vals.get("card_id")])
        )
        bonus_card_ids = set(cards.filtered("is_bonus_card").ids)
        split_vals = []
        for vals in vals_list:
            if vals.get("card_id") not in bonus_card_ids or vals.get("kind"):
                split_vals.append(vals)
                continue
            issued, used = vals.get("issued") or 0.0, vals.get("used") or 0.0
            if issued:
                split_vals.append({**vals, "kind": "earned", "issued": issued, "used": 0.0})
            if used:
                split_vals.append({**vals, "kind": "spent", "issued": 0.0, "used": used})
            if not issued and not used:
                split_vals.append({**vals, "kind": "earned"})
        for vals in split_vals:
            if vals.get("kind") == "adjustment" and not (vals.get("reason") or "").strip():
                raise UserError(_("A manual adjustment needs a reason."))
        return super().create(split_vals)

    def unlink(self):
        """The bonus ledger is append-only: cancelled orders get reversal lines."""
        lines = self
        if self.env.context.get("customer_loyalty_keep_ledger"):
            lines = self.filtered(lambda line: not line.is_bonus_card)
        return super(LoyaltyHistory, lines).unlink()
