# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestSecuritySale(CustomerLoyaltyCase):
    """Selling to card holders needs Sales rights only; cancelling is never refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="sales_only",
            groups="base.group_user,sales_team.group_sale_salesman",
            name="Sales Only",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="sales_manager_only",
            groups="base.group_user,sales_team.group_sale_manager",
            name="Sales Manager Only",
        )

    def sell_as(self, user, partner, amount):
        """Create and confirm an order in the web client's way, as ``user``."""
        order = (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": False,
                            },
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    def test_salesperson_without_loyalty_rights_sells_to_a_tier_customer(self):
        partner = self.create_customer()
        self.create_order(partner, 25000.0)  # Silver: x1.25 and 3% discount
        card = partner.loyalty_card_id
        self.assertEqual(partner.loyalty_tier_id, self.tier_silver)
        for user in (self.salesperson, self.sales_manager, self.user, self.loyalty_user):
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                before = card.points
                order = self.sell_as(user, partner, 1000.0)
                self.assertEqual(order.state, "sale")
                self.assertTrue(
                    order.order_line.filtered(
                        lambda line: line.reward_id.program_id == self.tier_silver.program_id
                    )
                )
                self.env.invalidate_all()
                self.assertAlmostEqual(card.points - before, 121.25, places=2)
                self.assertLedgerMatches(card)

    def test_salesperson_without_loyalty_rights_promotes_and_cancels(self):
        partner = self.create_customer(user_id=self.salesperson.id)
        self.create_order(partner, 100.0)  # the card and the base tier
        order = self.sell_as(self.salesperson, partner, 120000.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_vip)
        self.assertEqual(partner.activity_ids.user_id, self.salesperson)
        card = partner.loyalty_card_id
        # Odoo lets only sales administrators delete the order's coupon points.
        order.with_user(self.sales_manager).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.env.invalidate_all()
        self.assertEqual(card.points, 110.0)
        self.assertLedgerMatches(card)

    def test_salesperson_cannot_read_tiers_or_write_cards_directly(self):
        """Selling works without opening the tiers or the ledger to the salesperson."""
        partner = self.create_customer()
        card = self.issue_card(partner)
        with self.assertRaises(AccessError):
            self.tier_gold.with_user(self.salesperson).read(["threshold_amount"])
        with self.assertRaises(AccessError):
            card.with_user(self.salesperson).write({"points": 5000})
        self.env.invalidate_all()
        self.assertEqual(card.points, 100.0)

    # ------------------------------------------------------------------
    # Cancelling after the earned points were spent or expired
    # ------------------------------------------------------------------
    def test_cancel_after_earned_points_were_spent(self):
        partner = self.create_customer()
        order = self.create_order(partner, 500.0)  # welcome 100 + 50 earned
        card = partner.loyalty_card_id
        card._change_points(-130, "spent", description="Spent at the till")
        order.with_user(self.sales_manager).with_context(
            disable_cancel_warning=True
        ).action_cancel()
        self.assertEqual(order.state, "cancel")
        self.env.invalidate_all()
        self.assertEqual(card.points, 0.0)
        reversal = card.history_ids.filtered(lambda h: h.kind == "reversal")
        self.assertEqual((reversal.used, reversal.issued), (20.0, 0.0))
        shortfall = card.history_ids.filtered(lambda h: h.kind == "shortfall")
        self.assertEqual(
            (shortfall.shortfall_points, shortfall.issued, shortfall.used), (30.0, 0.0, 0.0)
        )
        self.assertEqual((shortfall.order_model, shortfall.order_id), ("sale.order", order.id))
        self.assertLedgerMatches(card)

    def test_cancel_after_earned_points_expired(self):
        partner = self.create_customer()
        order = self.create_order(partner, 500.0)
        card = partner.loyalty_card_id
        card._change_points(-150, "expired", description="Points expired")
        order._action_cancel()
        self.env.invalidate_all()
        self.assertEqual(card.points, 0.0)
        self.assertFalse(card.history_ids.filtered(lambda h: h.kind == "reversal"))
        shortfall = card.history_ids.filtered(lambda h: h.kind == "shortfall")
        self.assertEqual(shortfall.shortfall_points, 50.0)
        self.assertLedgerMatches(card)

    def test_cancel_gives_back_spent_points_before_taking_back_earned_ones(self):
        partner = self.create_customer()
        card = self.issue_card(partner)  # 100 points
        order = self.create_order(partner, 1000.0, confirm=False)
        self.apply_points(order)  # spends 100
        order.action_confirm()  # earns 100
        card._change_points(-100, "spent", description="Spent at the till")
        order._action_cancel()
        self.env.invalidate_all()
        # 0 + 100 given back - 100 taken back: nothing is missing
        self.assertEqual(card.points, 0.0)
        self.assertFalse(card.history_ids.filtered(lambda h: h.kind == "shortfall"))
        self.assertLedgerMatches(card)

    def test_cancel_of_a_blocked_card_order(self):
        partner = self.create_customer()
        order = self.create_order(partner, 500.0)
        card = partner.loyalty_card_id
        card._block("Lost")
        order._action_cancel()
        self.env.invalidate_all()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(card.points, 100.0)
        self.assertLedgerMatches(card)
