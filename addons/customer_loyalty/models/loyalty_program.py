# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

# A change to one of these fields may change which program is a company's bonus program.
BONUS_PROGRAM_KEY_FIELDS = {"is_bonus_card", "company_id", "active"}


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    is_bonus_card = fields.Boolean(
        string="Bonus Card Program",
        copy=False,
        index=True,
        help="The program behind the customers' bonus cards: card numbers, bonuses, "
        "expiry and tiers apply to its cards.",
    )
    bonus_card_issue_policy = fields.Selection(
        [
            ("registration", "On registration"),
            ("first_purchase", "On first confirmed purchase"),
            ("manual", "Manually"),
        ],
        string="Issue Cards",
        default="first_purchase",
        required=True,
    )
    bonus_max_share = fields.Float(
        string="Largest Share Paid by Points (%)",
        default=30.0,
        help="The largest part of an order, in percent, that bonus points may pay.",
    )
    bonus_points_lifetime_months = fields.Integer(
        string="Points Lifetime (months)",
        default=12,
        help="Points expire this many months after they were earned, oldest first. "
        "0 means they never expire.",
    )
    bonus_expiry_warning_days = fields.Integer(
        string="Warn Before Expiry (days)",
        default=14,
        help="The customer gets an email this many days before points expire.",
    )
    bonus_welcome_points = fields.Float(string="Welcome Bonus", default=100.0)
    bonus_birthday_points = fields.Float(string="Birthday Bonus", default=200.0)
    bonus_profile_points = fields.Float(
        string="Complete Profile Bonus",
        default=50.0,
        help="Given once, when the customer's birthday, email and personal-data consent "
        "are all known.",
    )
    bonus_tier_window_months = fields.Integer(
        string="Tier Window (months)",
        default=12,
        help="Tiers are based on the purchases of this many trailing months.",
    )
    bonus_tier_demotion_months = fields.Integer(
        string="Tier Kept At Least (months)",
        default=12,
        help="A customer is moved down at most once in this period, and never sooner "
        "than this after the last tier change.",
    )
    customer_loyalty_tier_id = fields.Many2one(
        "customer.loyalty.tier",
        string="Loyalty Tier",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="This promotion gives the tier's permanent discount to the tier's customers.",
    )
    bonus_expiry_cursor_date = fields.Date(
        string="Expiry Checked On",
        readonly=True,
        copy=False,
        help="Day of the last run of the points expiry.",
    )
    bonus_expiry_cursor_card_id = fields.Integer(
        string="Expiry Checked Up To",
        readonly=True,
        copy=False,
        help="Last card (by id) the points expiry checked that day: the next batch starts "
        "after it.",
    )

    _sql_constraints = [
        (
            "bonus_max_share_range",
            "CHECK(bonus_max_share >= 0 AND bonus_max_share <= 100)",
            "The share of an order paid by points must be between 0 and 100%.",
        ),
        (
            "bonus_lifetime_positive",
            "CHECK(bonus_points_lifetime_months >= 0 AND bonus_expiry_warning_days >= 0)",
            "The points lifetime and the warning delay cannot be negative.",
        ),
        (
            "bonus_points_positive",
            "CHECK(bonus_welcome_points >= 0 AND bonus_birthday_points >= 0 "
            "AND bonus_profile_points >= 0)",
            "Bonus points cannot be negative.",
        ),
        (
            "bonus_tier_months_positive",
            "CHECK(bonus_tier_window_months > 0 AND bonus_tier_demotion_months >= 0)",
            "The tier window must be at least one month.",
        ),
    ]

    @api.constrains("is_bonus_card", "program_type", "company_id", "active")
    def _check_single_bonus_program(self):
        for program in self.filtered("is_bonus_card"):
            if program.program_type != "loyalty":
                raise ValidationError(_("A bonus card program must be a loyalty program."))
            others = self.search_count(
                [
                    ("id", "!=", program.id),
                    ("is_bonus_card", "=", True),
                    ("company_id", "=", program.company_id.id),
                ]
            )
            if others:
                raise ValidationError(_("There can be only one bonus card program per company."))

    @api.model_create_multi
    def create(self, vals_list):
        programs = super().create(vals_list)
        if programs.filtered("is_bonus_card"):
            self.env.registry.clear_cache()
        return programs

    def write(self, vals):
        result = super().write(vals)
        if BONUS_PROGRAM_KEY_FIELDS & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        bonus_programs = self.filtered("is_bonus_card")
        result = super().unlink()
        if bonus_programs:
            self.env.registry.clear_cache()
        return result

    @api.model
    def _get_bonus_program(self, company=None):
        """The active bonus card program of the company (or the shared one)."""
        company = company or self.env.company
        return self.sudo().browse(self._get_bonus_program_id(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _get_bonus_program_id(self, company_id):
        """Id of the company's bonus program, cached: every confirmation and
        registration asks for it, and it changes only when a program does."""
        return (
            self.sudo()
            .search(
                [("is_bonus_card", "=", True), ("company_id", "in", [company_id, False])],
                order="company_id",
                limit=1,
            )
            .id
        )

    def _get_bonus_spending_reward(self):
        """The reward through which the points are spent: a discount per point."""
        self.ensure_one()
        return self.reward_ids.filtered(
            lambda r: r.reward_type == "discount" and r.discount_mode == "per_point"
        )[:1]

    def _get_bonus_point_value(self):
        """Value of one point in the program currency, from its spending reward."""
        self.ensure_one()
        return self._get_bonus_spending_reward().discount
