# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyWebhooks(CustomerLoyaltyCase):
    """Loyalty events are queued as deliveries (sending is tested in customer_base)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.subscription = cls.env["customer.webhook.subscription"].create(
            {
                "name": "CRM",
                "url": "https://crm.example.com/hook",
                "events": "tier.changed, points.earned, points.spent",
            }
        )

    def payloads(self, event):
        deliveries = self.env["customer.webhook.delivery"].search(
            [("subscription_id", "=", self.subscription.id), ("event", "=", event)],
            order="id",
        )
        return [json.loads(delivery.payload) for delivery in deliveries]

    def test_points_earned_and_spent(self):
        partner = self.create_customer()
        card = self.issue_card(partner)
        order = self.create_order(partner, 1000.0, confirm=False)
        self.apply_points(order)
        order.action_confirm()
        earned = self.payloads("points.earned")
        self.assertEqual([p["kind"] for p in earned], ["welcome", "earned"])
        welcome, purchase = earned
        self.assertEqual((welcome["points"], welcome["balance"]), (100.0, 100.0))
        self.assertIsNone(welcome["order"])
        self.assertEqual(purchase["partner_id"], partner.id)
        self.assertEqual(purchase["card_number"], card.code)
        self.assertEqual((purchase["points"], purchase["balance"]), (100.0, 200.0))
        self.assertEqual(
            purchase["order"], {"model": "sale.order", "id": order.id, "name": order.name}
        )
        [spent] = self.payloads("points.spent")
        self.assertEqual((spent["kind"], spent["points"]), ("spent", 100.0))
        self.assertEqual(spent["balance"], 100.0)
        self.assertEqual(spent["balance"], card.points)
        self.assertEqual(spent["order"]["name"], order.name)

    def test_expired_points_are_taken_points(self):
        card = self.issue_card(self.create_customer())
        self.backdate(card.history_ids, fields.Datetime.now() - relativedelta(months=13))
        self.env["loyalty.card"]._cron_expire_points()
        [expired] = self.payloads("points.spent")
        self.assertEqual((expired["kind"], expired["points"]), ("expired", 100.0))
        self.assertEqual((expired["card_number"], expired["balance"]), (card.code, 0.0))

    def test_tier_changed(self):
        partner = self.create_customer()
        self.create_order(partner, 1000.0)
        self.create_order(partner, 25000.0)
        changes = self.payloads("tier.changed")
        self.assertEqual(
            [c["new_tier"] for c in changes], [self.tier_base.name, self.tier_silver.name]
        )
        promotion = changes[-1]
        change = partner.loyalty_tier_change_ids.filtered(
            lambda c: c.new_tier_id == self.tier_silver
        )
        self.assertEqual(promotion["id"], change.id)
        self.assertEqual(promotion["partner_id"], partner.id)
        self.assertEqual(promotion["old_tier"], self.tier_base.name)
        self.assertEqual(promotion["direction"], "up")
        self.assertEqual(promotion["reason"], change.reason)
        self.assertEqual(promotion["date"], fields.Date.to_string(change.date))

    def test_nothing_queued_without_subscription(self):
        self.subscription.events = "customer.created"
        partner = self.create_customer()
        self.create_order(partner, 25000.0)
        self.assertTrue(partner.loyalty_tier_id)
        self.assertFalse(
            self.env["customer.webhook.delivery"].search(
                [("event", "in", ("tier.changed", "points.earned", "points.spent"))]
            )
        )
