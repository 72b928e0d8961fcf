# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestAccess(CustomerLoyaltyCase):
    def test_manager_implies_user_implies_customer_user(self):
        manager_group = self.env.ref("customer_loyalty.group_loyalty_manager")
        user_group = self.env.ref("customer_loyalty.group_loyalty_user")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertIn(self.env.ref("customer_base.group_customer_user"), user_group.implied_ids)

    def test_user_issues_cards_and_reads_history(self):
        partner = self.create_customer()
        card = (
            self.env["loyalty.card"]
            .with_user(self.loyalty_user)
            ._issue_bonus_cards(partner.with_user(self.loyalty_user))
        )
        card = card.with_user(self.loyalty_user)
        self.assertTrue(card.history_ids.read(["kind", "issued"]))
        self.assertTrue(self.tier_gold.with_user(self.loyalty_user).read(["name"]))

    def test_user_cannot_manage(self):
        card = self.issue_card(self.create_customer())
        with self.assertRaises(AccessError):
            self.tier_gold.with_user(self.loyalty_user).discount_percent = 50
        with self.assertRaises(AccessError):
            self.program.with_user(self.loyalty_user).bonus_max_share = 90
        with self.assertRaises(AccessError):
            self.env["customer.loyalty.adjust.wizard"].with_user(self.loyalty_user).create(
                {"card_id": card.id, "points": 10, "reason": "Gift"}
            )
        with self.assertRaises(AccessError):
            card.history_ids.with_user(self.loyalty_manager).unlink()
        with self.assertRaises(UserError):
            card.with_user(self.loyalty_user)._change_points(10, "adjustment", reason="Gift")

    def test_manager_manages(self):
        self.tier_gold.with_user(self.loyalty_manager).discount_percent = 6
        self.assertEqual(self.tier_gold.program_id.reward_ids.discount, 6)
        self.program.with_user(self.loyalty_manager).bonus_max_share = 40
        card = self.issue_card(self.create_customer())
        card.with_user(self.loyalty_manager)._change_points(10, "adjustment", reason="Gift")
        self.assertEqual(card.points, 110.0)

    def test_user_blocks_and_replaces(self):
        card = self.issue_card(self.create_customer())
        wizard = (
            self.env["customer.loyalty.block.wizard"]
            .with_user(self.loyalty_user)
            .create({"card_id": card.id, "reason": "Lost", "replace": True})
        )
        action = wizard.action_apply()
        new_card = self.env["loyalty.card"].browse(action["res_id"])
        self.assertEqual(new_card.points, 100.0)
        self.assertEqual(card.state, "blocked")

    def test_issuing_a_card_needs_loyalty_rights(self):
        partner = self.create_customer()
        with self.assertRaises(AccessError):
            partner.with_user(self.user).action_issue_bonus_card()
        partner.with_user(self.loyalty_user).action_issue_bonus_card()
        self.assertTrue(partner.loyalty_card_id)
