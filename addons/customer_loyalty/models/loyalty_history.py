# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .loyalty_card import ledger_is_open

HISTORY_KINDS = [
    ("earned", "Earned"),
    ("spent", "Spent"),
    ("expired", "Expired"),
    ("birthday", "Birthday Bonus"),
    ("welcome", "Welcome Bonus"),
    ("action", "Action Bonus"),
    ("adjustment", "Manual Adjustment"),
    ("reversal", "Reversal"),
    ("shortfall", "Reversal Shortfall"),
    ("transfer", "Card Replacement"),
]


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    card_id = fields.Many2one(index=True)
    kind = fields.Selection(HISTORY_KINDS, index=True, readonly=True)
    reason = fields.Char(readonly=True, help="Why the points were changed by hand.")
    shortfall_points = fields.Float(
        string="Not Taken Back",
        readonly=True,
        help="Points earned on a cancelled order that were already spent or expired: "
        "the customer keeps them. The line itself does not change the balance.",
    )
    date = fields.Datetime(
        default=fields.Datetime.now,
        required=True,
        index=True,
        readonly=True,
        help="When the points were earned or taken; expiry counts from this date.",
    )
    # Precomputed: a ledger line is inserted with them, not updated right after.
    partner_id = fields.Many2one(
        related="card_id.partner_id", store=True, precompute=True, index=True, string="Customer"
    )
    is_bonus_card = fields.Boolean(related="card_id.is_bonus_card", store=True, precompute=True)
    points_change = fields.Float(
        compute="_compute_points_change", store=True, precompute=True, string="Change"
    )
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, string="Recorded By"
    )
    api_key_id = fields.Many2one(
        "customer.api.key",
        string="Integration",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        groups="customer_base.group_customer_manager",
        help="The integration (a till, a shop site) that spent the points through the API.",
    )
    balance_after = fields.Float(
        compute="_compute_balance_after",
        help="Balance of the card after this line: the sum of its lines up to this one.",
    )

    @api.depends("issued", "used")
    def _compute_points_change(self):
        for line in self:
            line.points_change = (line.issued or 0.0) - (line.used or 0.0)

    def _compute_balance_after(self):
        """Running balance from the ledger, for all the lines at once."""
        line_ids = [line_id for line_id in self.ids if isinstance(line_id, int)]
        balances = {}
        if line_ids:
            self.flush_model(["card_id", "issued", "used"])
            # One pass over the ledgers of the cards concerned (a running sum),
            # not one sum per line over all the lines before it.
            self.env.cr.execute(
                """
                SELECT id, balance
                  FROM (SELECT id,
                               SUM(COALESCE(issued, 0) - COALESCE(used, 0))
                                   OVER (PARTITION BY card_id ORDER BY id) AS balance
                          FROM loyalty_history
                         WHERE card_id IN (SELECT card_id FROM loyalty_history
                                            WHERE id IN %(ids)s)) ledger
                 WHERE id IN %(ids)s
                """,
                {"ids": tuple(line_ids)},
            )
            balances = dict(self.env.cr.fetchall())
        for line in self:
            line.balance_after = balances.get(line.id, 0.0)

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
        if bonus_card_ids and not ledger_is_open():
            raise AccessError(
                _("Bonus points history lines are only written by the points ledger itself.")
            )
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
        lines = super().create(split_vals)
        lines._enqueue_points_webhooks()
        return lines

    def _enqueue_points_webhooks(self):
        """points.earned / points.spent for the bonus-card lines that add / take points."""
        bonus_lines = self.filtered("is_bonus_card")
        if not bonus_lines:
            return
        deliveries = self.env["customer.webhook.delivery"]
        deliveries._enqueue("points.earned", bonus_lines.filtered(lambda line: line.issued > 0))
        deliveries._enqueue("points.spent", bonus_lines.filtered(lambda line: line.used > 0))

    def _webhook_points_payload(self):
        """Data of a points.earned / points.spent webhook for this line."""
        self.ensure_one()
        line = self.sudo()
        order = None
        if line.order_model in self.env and line.order_id:
            source = self.env[line.order_model].sudo().browse(line.order_id).exists()
            if source:
                order = {"model": source._name, "id": source.id, "name": source.display_name}
        return {
            "model": self._name,
            "id": line.id,
            "partner_id": line.partner_id.id or None,
            "card_number": line.card_id.code,
            "points": abs(line.points_change),
            "balance": line.balance_after,
            "kind": line.kind,
            "description": line.description,
            "order": order,
            "date": fields.Datetime.to_string(line.date),
        }

    def write(self, vals):
        """The bonus ledger is append-only, for everyone: a mistake is corrected
        by a new line (a manual adjustment), never by rewriting one."""
        if self.sudo().filtered("is_bonus_card"):
            raise AccessError(_("Bonus points history lines cannot be changed."))
        return super().write(vals)

    def unlink(self):
        """The bonus ledger is append-only: cancelled orders get reversal lines.

        Odoo's cancellation deletes the history of the order; it asks to keep
        the bonus lines, which are then left out. Any other deletion of a bonus
        line is refused.
        """
        bonus_lines = self.sudo().filtered("is_bonus_card")
        if bonus_lines and not self.env.context.get("customer_loyalty_keep_ledger"):
            raise AccessError(_("Bonus points history lines cannot be deleted."))
        return super(LoyaltyHistory, self - bonus_lines).unlink()
