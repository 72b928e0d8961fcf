# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestSaleFlow(CustomerLoyaltyCase):
    def test_first_purchase_issues_card_and_earns(self):
        partner = self.create_customer()
        order = self.create_order(partner, 1000.0)
        card = partner.loyalty_card_id
        self.assertTrue(card)
        # welcome 100 + 1000 / 10
        self.assertEqual(card.points, 200.0)
        earned = card.history_ids.filtered(lambda h: h.kind == "earned")
        self.assertEqual(earned.issued, 100.0)
        self.assertEqual((earned.order_model, earned.order_id), ("sale.order", order.id))
        self.assertLedgerMatches(card)

    def test_no_points_without_card_under_manual_policy(self):
        self.program.bonus_card_issue_policy = "manual"
        partner = self.create_customer()
        order = self.create_order(partner, 1000.0)
        self.assertFalse(order.coupon_point_ids)
        self.assertFalse(partner.loyalty_card_id)

    def test_spend_points_on_quotation(self):
        partner = self.create_customer()
        card = self.issue_card(partner)  # 100 points
        order = self.create_order(partner, 1000.0, confirm=False)
        lines = self.apply_points(order)
        self.assertAlmostEqual(sum(lines.mapped("price_total")), -100.0)
        self.assertEqual(sum(lines.mapped("points_cost")), 100.0)
        self.assertEqual(card.points, 100.0, "nothing is taken before confirmation")
        order.action_confirm()
        # 100 - 100 spent + (1000 - 0) / 10 earned on the amount before points
        self.assertEqual(card.points, 100.0)
        self.assertEqual(sorted(card.history_ids.mapped("kind")), ["earned", "spent", "welcome"])
        spent = card.history_ids.filtered(lambda h: h.kind == "spent")
        self.assertEqual(spent.used, 100.0)
        self.assertLedgerMatches(card)

    def test_points_pay_at_most_the_allowed_share(self):
        partner = self.create_customer()
        card = self.issue_card(partner, points=900.0)  # 1000 points
        order = self.create_order(partner, 1000.0, confirm=False)
        lines = self.apply_points(order)
        self.assertAlmostEqual(sum(lines.mapped("price_total")), -300.0)
        self.assertEqual(sum(lines.mapped("points_cost")), 300.0)
        order.action_confirm()
        self.assertEqual(card.points, 1000.0 - 300.0 + 100.0)
        self.assertLedgerMatches(card)

    def test_spending_more_than_the_share_is_refused(self):
        partner = self.create_customer()
        self.issue_card(partner, points=900.0)
        order = self.create_order(partner, 1000.0, confirm=False)
        lines = self.apply_points(order)
        lines.price_unit = -500.0
        with self.assertRaises(UserError):
            order._check_bonus_spending()

    def test_spending_more_than_the_balance_is_refused(self):
        partner = self.create_customer()
        card = self.issue_card(partner)
        order = self.create_order(partner, 1000.0, confirm=False)
        self.apply_points(order)
        # the points went elsewhere in the meantime
        card._change_points(-60, "spent", description="Other shop")
        with self.assertRaises(UserError):
            order.action_confirm()
        card.invalidate_recordset()
        self.assertEqual(card.points, 40.0)
        self.assertEqual(order.state, "draft")

    def test_cancel_reverses_and_never_counts_twice(self):
        partner = self.create_customer()
        card = self.issue_card(partner)
        order = self.create_order(partner, 1000.0, confirm=False)
        self.apply_points(order)
        order.action_confirm()
        self.assertEqual(card.points, 100.0)
        order._action_cancel()
        # earned 100 taken back, spent 100 given back
        self.assertEqual(card.points, 100.0)
        reversals = card.history_ids.filtered(lambda h: h.kind == "reversal")
        self.assertEqual(sorted(reversals.mapped("issued")), [0.0, 100.0])
        self.assertEqual(sorted(reversals.mapped("used")), [0.0, 100.0])
        self.assertTrue(card.history_ids.filtered(lambda h: h.kind == "earned"))
        self.assertLedgerMatches(card)
        order.action_draft()
        order.action_confirm()
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        # welcome 100 + one purchase worth 100 points
        self.assertEqual(card.points, 200.0)
        self.assertLedgerMatches(card)

    def test_cancel_earning_only_order(self):
        partner = self.create_customer()
        order = self.create_order(partner, 500.0)
        card = partner.loyalty_card_id
        self.assertEqual(card.points, 150.0)
        order._action_cancel()
        self.assertEqual(card.points, 100.0)
        self.assertLedgerMatches(card)

    def test_blocked_card_earns_nothing(self):
        partner = self.create_customer()
        card = self.issue_card(partner)
        card._block("Stolen")
        self.program.bonus_card_issue_policy = "manual"
        order = self.create_order(partner, 1000.0)
        self.assertFalse(order.coupon_point_ids)
        self.assertEqual(card.points, 100.0)
