# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import namedtuple

from odoo import _, api, fields, models, tools

# What a confirmation needs of a tier, cached per company.
TierRule = namedtuple("TierRule", ["threshold", "earn_multiplier", "program_id"])
# A change to one of these fields changes the cached rules.
RULE_KEY_FIELDS = {"threshold_amount", "earn_multiplier", "program_id", "active", "company_id"}


class CustomerLoyaltyTier(models.Model):
    _name = "customer.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "threshold_amount, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    threshold_amount = fields.Monetary(
        string="Purchases From",
        help="Purchases over the trailing window (company currency) needed for this tier.",
    )
    earn_multiplier = fields.Float(
        default=1.0, help="Points earned on a purchase are multiplied by this factor."
    )
    discount_percent = fields.Float(
        string="Permanent Discount (%)",
        help="Discount given on every order of the tier's customers, through a promotion "
        "of the loyalty engine.",
    )
    is_vip = fields.Boolean(
        string="VIP", help="The salesperson gets an activity when a customer reaches this tier."
    )
    program_id = fields.Many2one(
        "loyalty.program", string="Discount Promotion", readonly=True, copy=False
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Customers")

    _sql_constraints = [
        ("threshold_positive", "CHECK(threshold_amount >= 0)", "The threshold cannot be negative."),
        ("multiplier_positive", "CHECK(earn_multiplier > 0)", "The multiplier must be positive."),
        (
            "discount_range",
            "CHECK(discount_percent >= 0 AND discount_percent < 100)",
            "The discount must be between 0 and 100%.",
        ),
        (
            "threshold_company_unique",
            "UNIQUE(company_id, threshold_amount)",
            "Two tiers cannot have the same threshold.",
        ),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("loyalty_tier_id", "in", self.ids)], ["loyalty_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    @api.model_create_multi
    def create(self, vals_list):
        tiers = super().create(vals_list)
        tiers._sync_discount_program()
        self.env.registry.clear_cache()
        return tiers

    def write(self, vals):
        result = super().write(vals)
        if {"discount_percent", "name", "active", "company_id"} & set(vals):
            self._sync_discount_program()
        if RULE_KEY_FIELDS & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        programs = self.program_id
        result = super().unlink()
        programs.sudo().write({"active": False})
        self.env.registry.clear_cache()
        return result

    @api.model
    @tools.ormcache("company_id")
    def _get_rules(self, company_id):
        """{tier id: TierRule} of the company's active tiers, cached: every
        confirmation reads its customer's tier, and checks whether they may
        move up, without a query."""
        tiers = self.sudo().search([("company_id", "=", company_id)])
        return {
            tier.id: TierRule(tier.threshold_amount, tier.earn_multiplier, tier.program_id.id)
            for tier in tiers
        }

    def _prepare_discount_program_values(self):
        self.ensure_one()
        return {
            "name": _("%s tier discount", self.name),
            "program_type": "promotion",
            "trigger": "auto",
            "applies_on": "current",
            "company_id": self.company_id.id,
            "customer_loyalty_tier_id": self.id,
            "portal_visible": False,
            "communication_plan_ids": [(5, 0, 0)],
            "rule_ids": [
                (5, 0, 0),
                (
                    0,
                    0,
                    {
                        "reward_point_mode": "order",
                        "reward_point_amount": 1,
                        "minimum_amount": 0,
                        "minimum_qty": 0,
                    },
                ),
            ],
            "reward_ids": [
                (5, 0, 0),
                (
                    0,
                    0,
                    {
                        "reward_type": "discount",
                        "discount_mode": "percent",
                        "discount": self.discount_percent,
                        "discount_applicability": "order",
                        "required_points": 1,
                        "description": _(
                            "%(tier)s tier: %(discount)s%% off",
                            tier=self.name,
                            discount=self.discount_percent,
                        ),
                    },
                ),
            ],
        }

    def _sync_discount_program(self):
        """Keep one automatic promotion per tier for its permanent discount."""
        for tier in self.sudo():
            wanted = tier.active and tier.discount_percent > 0
            if wanted and not tier.program_id:
                tier.program_id = self.env["loyalty.program"].create(
                    tier._prepare_discount_program_values()
                )
            elif wanted:
                tier.program_id.write(
                    {
                        "name": _("%s tier discount", tier.name),
                        "active": True,
                        "company_id": tier.company_id.id,
                    }
                )
                tier.program_id.reward_ids[:1].write(
                    {
                        "discount": tier.discount_percent,
                        "description": _(
                            "%(tier)s tier: %(discount)s%% off",
                            tier=tier.name,
                            discount=tier.discount_percent,
                        ),
                    }
                )
            elif tier.program_id:
                tier.program_id.active = False

    def action_view_partners(self):
        self.ensure_one()
        return {
            "name": self.name,
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("loyalty_tier_id", "=", self.id)],
        }
