# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

PROFILE_FIELDS = {"birth_day", "birth_month", "email", "consent_personal_data"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    bonus_card_ids = fields.One2many(
        "loyalty.card",
        "partner_id",
        string="Bonus Cards",
        domain=[("is_bonus_card", "=", True)],
        readonly=True,
    )
    loyalty_card_id = fields.Many2one(
        "loyalty.card",
        string="Bonus Card",
        compute="_compute_loyalty_card_id",
        search="_search_loyalty_card_id",
        compute_sudo=True,
    )
    loyalty_card_code = fields.Char(
        related="loyalty_card_id.code", string="Bonus Card Number", compute_sudo=True
    )
    # tracking=False: the card keeps the history of its points (its ledger);
    # tracking them here too would look the card up at every write of a contact.
    loyalty_points = fields.Float(
        related="loyalty_card_id.points",
        string="Bonus Points",
        compute_sudo=True,
        tracking=False,
    )
    loyalty_history_count = fields.Integer(
        compute="_compute_loyalty_history_count", compute_sudo=True, string="Points History"
    )
    loyalty_tier_id = fields.Many2one(
        "customer.loyalty.tier",
        string="Loyalty Tier",
        index="btree_not_null",
        readonly=True,
        copy=False,
        tracking=True,
    )
    loyalty_tier_date = fields.Date(string="Tier Since", readonly=True, copy=False)
    loyalty_tier_review_date = fields.Date(readonly=True, copy=False)
    loyalty_tier_change_ids = fields.One2many(
        "customer.loyalty.tier.change", "partner_id", string="Tier Changes", readonly=True
    )

    @api.depends("bonus_card_ids.active", "bonus_card_ids.state")
    def _compute_loyalty_card_id(self):
        for partner in self:
            partner.loyalty_card_id = partner.bonus_card_ids.filtered(
                lambda card: card.active and card.state == "active"
            )[:1]

    def _search_loyalty_card_id(self, operator, value):
        return [("bonus_card_ids", operator, value)]

    def _compute_loyalty_history_count(self):
        history_counts = dict(
            self.env["loyalty.history"]._read_group(
                [("partner_id", "in", self.ids), ("is_bonus_card", "=", True)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.loyalty_history_count = history_counts.get(partner, 0)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        program = self.env["loyalty.program"]._get_bonus_program()
        if program.bonus_card_issue_policy == "registration":
            registered = partners.filtered("customer_registration_date")
            self.env["loyalty.card"]._issue_bonus_cards(registered)
        return partners

    def write(self, vals):
        unregistered = (
            self.filtered(lambda p: not p.customer_registration_date)
            if vals.get("customer_registration_date")
            else self.browse()
        )
        result = super().write(vals)
        if unregistered:
            program = self.env["loyalty.program"]._get_bonus_program()
            if program.bonus_card_issue_policy == "registration":
                self.env["loyalty.card"]._issue_bonus_cards(unregistered)
        if PROFILE_FIELDS & set(vals):
            self._give_profile_bonus()
        return result

    def _give_profile_bonus(self):
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("is_bonus_card", "=", True),
                    ("profile_bonus_given", "=", False),
                ]
            )
        )
        cards._give_profile_bonus()

    def action_issue_bonus_card(self):
        self.env["loyalty.card"].check_access("create")
        cards = self.env["loyalty.card"]._issue_bonus_cards(self)
        if len(self) == 1 and cards:
            return self.action_view_bonus_card()
        return True

    def action_view_bonus_card(self):
        self.ensure_one()
        return {
            "name": _("Bonus Card"),
            "type": "ir.actions.act_window",
            "res_model": "loyalty.card",
            "view_mode": "form",
            "res_id": self.loyalty_card_id.id,
        }

    def action_view_loyalty_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_loyalty.action_loyalty_history"
        )
        action["domain"] = [("partner_id", "=", self.id), ("is_bonus_card", "=", True)]
        return action

    # ------------------------------------------------------------------
    # Tiers
    # ------------------------------------------------------------------
    @api.model
    def _get_trailing_purchase_amounts(self, date_from, company, partners):
        """{commercial partner id: confirmed purchases since date_from, company currency}.

        The sum is taken per partner through the indexes (LATERAL), so its cost
        follows the partners asked, not the orders of the whole window.
        """
        if not partners:
            return {}
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "date_order", "amount_total", "currency_rate", "company_id"]
        )
        self.flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            """
            SELECT target.id, amounts.total
              FROM unnest(%(partner_ids)s) AS target(id)
             CROSS JOIN LATERAL (
                    SELECT SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                               AS total
                      FROM res_partner buyer
                      JOIN sale_order so ON so.partner_id = buyer.id
                     WHERE buyer.commercial_partner_id = target.id
                       AND so.state = 'sale'
                       AND so.date_order >= %(date_from)s
                       AND so.company_id = %(company_id)s
                   ) amounts
             WHERE amounts.total IS NOT NULL
            """,
            {"date_from": date_from, "company_id": company.id, "partner_ids": partners.ids},
        )
        return dict(self.env.cr.fetchall())

    def _filter_may_be_promoted(self, company):
        """The partners whose lifetime purchases could earn a higher tier.

        The lifetime total kept by customer_base (same orders, same currency
        conversion) bounds the trailing-window amount from above, so a partner
        whose lifetime total does not reach a higher threshold cannot be
        promoted: confirming their order needs no purchase sum. Only the total
        and the tier are read, against the cached thresholds; the nightly
        review does not take this shortcut.
        """
        rules = self.env["customer.loyalty.tier"]._get_rules(company.id)
        if not rules:
            return self.browse()
        partners = self.with_company(company)
        partners.fetch(["purchase_total", "loyalty_tier_id"])

        def may_be_promoted(partner):
            current = partner.loyalty_tier_id
            if current.id in rules:
                floor = rules[current.id].threshold
            else:
                floor = current.threshold_amount if current else float("-inf")
            return any(floor < rule.threshold <= partner.purchase_total for rule in rules.values())

        return partners.filtered(may_be_promoted).with_env(self.env)

    def _review_loyalty_tier(self, allow_demotion=False, reason=None):
        """Move the commercial partners to the tier their trailing purchases earn.

        Promotions happen at once; demotions only when allowed (the nightly
        review) and at most once per demotion period. One query sums the
        purchases; only the partners whose tier changes are written, with one
        write per new tier.
        """
        change_model = self.env["customer.loyalty.tier.change"].sudo()
        partners = self.commercial_partner_id
        company = self.env.company
        if not allow_demotion:
            partners = partners._filter_may_be_promoted(company)
            if not partners:
                return change_model
        tiers = self.env["customer.loyalty.tier"].search(
            [("company_id", "=", company.id)], order="threshold_amount desc"
        )
        # A customer holding another company's tier keeps it: this company's
        # purchases and thresholds never replace (or wipe) it.
        partners = partners.filtered(
            lambda p: not p.loyalty_tier_id or p.loyalty_tier_id.company_id == company
        )
        if not partners or not tiers:
            return change_model
        program = self.env["loyalty.program"]._get_bonus_program(company)
        window = program.bonus_tier_window_months or 12
        demotion_months = program.bonus_tier_demotion_months if program else 12
        today = fields.Date.context_today(self)
        amounts = self._get_trailing_purchase_amounts(
            today - relativedelta(months=window), company, partners
        )
        demotion_limit = today - relativedelta(months=demotion_months)
        moved = defaultdict(list)
        change_vals = []
        for partner in partners:
            amount = amounts.get(partner.id, 0.0)
            new_tier = next((t for t in tiers if amount >= t.threshold_amount), tiers.browse())
            old_tier = partner.loyalty_tier_id
            if new_tier == old_tier:
                continue
            promotion = not old_tier or (
                new_tier and new_tier.threshold_amount > old_tier.threshold_amount
            )
            if not promotion and (
                not allow_demotion
                or (partner.loyalty_tier_date and partner.loyalty_tier_date > demotion_limit)
            ):
                continue
            moved[new_tier].append(partner.id)
            change_vals.append(
                {
                    "partner_id": partner.id,
                    "date": today,
                    "old_tier_id": old_tier.id,
                    "new_tier_id": new_tier.id,
                    "direction": "up" if promotion else "down",
                    "purchase_amount": amount,
                    "currency_id": company.currency_id.id,
                    "company_id": company.id,
                    "reason": reason
                    or (
                        _("Purchases of the last %s months reached the tier threshold", window)
                        if promotion
                        else _("Purchases of the last %s months fell below the tier", window)
                    ),
                }
            )
        for new_tier, partner_ids in moved.items():
            self.sudo().browse(partner_ids).write(
                {"loyalty_tier_id": new_tier.id, "loyalty_tier_date": today}
            )
        changes = change_model.create(change_vals)
        changes.filtered(lambda c: c.direction == "up" and c.new_tier_id.is_vip)._notify_vip()
        return changes

    @api.model
    def _get_tier_review_batch(self, since, today, limit):
        """Ids of the next partners to review today: active, not reviewed yet, with a
        tier or with confirmed purchases (in any company) since ``since``; in id order.

        ``OFFSET 0`` keeps the EXISTS a per-partner lookup through the indexes
        (partner, then its orders): without it PostgreSQL may hash every order
        of the window at each batch, which grows with the base, not the batch.
        """
        self.env["sale.order"].flush_model(["partner_id", "state", "date_order"])
        self.flush_model(
            ["active", "commercial_partner_id", "loyalty_tier_id", "loyalty_tier_review_date"]
        )
        self.env.cr.execute(
            """
            SELECT partner.id
              FROM res_partner partner
             WHERE partner.active
               AND (partner.loyalty_tier_review_date IS NULL
                    OR partner.loyalty_tier_review_date < %(today)s)
               AND (partner.loyalty_tier_id IS NOT NULL
                    OR EXISTS (SELECT 1
                                 FROM res_partner buyer
                                 JOIN sale_order so ON so.partner_id = buyer.id
                                WHERE buyer.commercial_partner_id = partner.id
                                  AND so.state = 'sale'
                                  AND so.date_order >= %(since)s
                               OFFSET 0))
             ORDER BY partner.id
             LIMIT %(limit)s
            """,
            {"today": today, "since": since, "limit": limit},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_review_loyalty_tiers(self, batch_size=1000):
        """Nightly review of every customer with a tier or recent purchases; resumes.

        Per batch: one query picks the partners; then, for each company with
        tiers, one query sums their purchases in that company and only the
        partners whose tier changes are written, each with its own company's
        thresholds and window. The batch is marked as reviewed today in the
        same transaction: an interrupted batch is done again, a finished one is
        not.
        """
        companies = self.env["customer.loyalty.tier"].sudo().search([]).company_id
        today = fields.Date.context_today(self)
        windows = [
            self.env["loyalty.program"]._get_bonus_program(company).bonus_tier_window_months or 12
            for company in companies
        ] or [12]
        since = today - relativedelta(months=max(windows))
        partner_ids = self._get_tier_review_batch(since, today, batch_size + 1)
        # The tier changes are recorded (customer.loyalty.tier.change, on the
        # Customer tab): no chatter message per partner in a nightly batch.
        batch = self.sudo().with_context(mail_notrack=True).browse(partner_ids[:batch_size])
        changes = self.env["customer.loyalty.tier.change"].sudo()
        for company in companies:
            changes |= batch.with_company(company)._review_loyalty_tier(allow_demotion=True)
        batch.write({"loyalty_tier_review_date": today})
        remaining = 0
        if len(partner_ids) > batch_size:
            # An upper bound: partners not reviewed today (counting exactly who has
            # recent purchases would scan the orders of the window at every batch).
            remaining = self.sudo().search_count(
                [
                    ("id", ">", batch.ids[-1]),
                    "|",
                    ("loyalty_tier_review_date", "=", False),
                    ("loyalty_tier_review_date", "<", today),
                ]
            )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return changes

    def _customer_erase_traces(self):
        """Forgetting customers also deletes the chatter of their cards."""
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", self.ids)])
        )
        self.env["mail.message"].sudo().search(
            [("model", "=", "loyalty.card"), ("res_id", "in", cards.ids)]
        ).unlink()
        return super()._customer_erase_traces()
