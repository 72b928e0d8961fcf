# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import new_test_user

from odoo.addons.customer_base.tests.common import CustomerBaseCase


class CustomerLoyaltyCase(CustomerBaseCase):
    """The bonus card program with round numbers: 1 point per 10, 1 point = 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, loyalty_no_mail=True))
        cls.program = cls.env.ref("customer_loyalty.loyalty_program_bonus_card")
        cls.program.write(
            {
                "company_id": cls.env.company.id,
                "bonus_card_issue_policy": "first_purchase",
                "bonus_max_share": 30.0,
                "bonus_points_lifetime_months": 12,
                "bonus_welcome_points": 100.0,
                "bonus_birthday_points": 200.0,
                "bonus_profile_points": 50.0,
            }
        )
        cls.program.rule_ids.reward_point_amount = 0.1
        cls.reward = cls.program.reward_ids
        cls.reward.discount = 1.0
        cls.tier_base = cls.env.ref("customer_loyalty.tier_base")
        cls.tier_silver = cls.env.ref("customer_loyalty.tier_silver")
        cls.tier_gold = cls.env.ref("customer_loyalty.tier_gold")
        cls.tier_vip = cls.env.ref("customer_loyalty.tier_vip")
        (
            cls.tier_base | cls.tier_silver | cls.tier_gold | cls.tier_vip
        ).company_id = cls.env.company
        cls.loyalty_user = new_test_user(
            cls.env,
            login="loyalty_user",
            groups="base.group_user,customer_loyalty.group_loyalty_user,"
            "sales_team.group_sale_salesman",
            name="Loyalty User",
        )
        cls.loyalty_manager = new_test_user(
            cls.env,
            login="loyalty_manager",
            groups="base.group_user,customer_loyalty.group_loyalty_manager,"
            "sales_team.group_sale_salesman",
            name="Loyalty Manager",
        )

    @classmethod
    def issue_card(cls, partner, points=0.0):
        """A card with the welcome bonus and, if asked, extra points."""
        card = cls.env["loyalty.card"]._issue_bonus_cards(partner)
        if points:
            card._change_points(points, "adjustment", reason="Test balance")
        return card

    def backdate(self, lines, when):
        """Date ledger lines in the past. The ledger is append-only, so the
        fixture writes the date in SQL, as if the lines had been written then."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_history SET date = %s WHERE id IN %s", [when, tuple(lines.ids)]
        )
        self.env.invalidate_all()

    def assertLedgerMatches(self, card):
        card.invalidate_recordset()
        total = sum(card.history_ids.mapped("issued")) - sum(card.history_ids.mapped("used"))
        self.assertAlmostEqual(card.points, total, places=2)
        self.assertFalse(self.env["loyalty.card"]._get_ledger_mismatches())

    def apply_points(self, order):
        """Spend the card's points on the quotation, as the Rewards button does."""
        order._update_programs_and_rewards()
        rewards = order._get_claimable_rewards()
        card = order.partner_id.loyalty_card_id
        self.assertIn(self.reward, rewards.get(card, self.env["loyalty.reward"]))
        result = order._apply_program_reward(self.reward, card)
        self.assertFalse(result.get("error"), result)
        return order.order_line.filtered(lambda line: line.coupon_id == card)
