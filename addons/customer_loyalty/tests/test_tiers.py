# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestTiers(CustomerLoyaltyCase):
    def last_change(self, partner):
        return self.env["customer.loyalty.tier.change"].search(
            [("partner_id", "=", partner.id)], limit=1
        )

    def test_promotion_at_once_on_purchase(self):
        partner = self.create_customer()
        self.create_order(partner, 1000.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_base)
        self.create_order(partner, 25000.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_silver)
        change = self.last_change(partner)
        self.assertEqual(change.new_tier_id, self.tier_silver)
        self.assertEqual(change.direction, "up")
        self.assertTrue(change.reason)
        self.assertEqual(change.date, fields.Date.context_today(change))

    def test_vip_promotion_notifies_salesperson(self):
        partner = self.create_customer(user_id=self.user.id)
        self.create_order(partner, 120000.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_vip)
        activity = partner.activity_ids
        self.assertEqual(activity.user_id, self.user)

    def test_multiplier_applies_to_earning(self):
        partner = self.create_customer()
        self.create_order(partner, 25000.0)  # Silver now, x1.25 from next order
        card = partner.loyalty_card_id
        before = card.points
        self.create_order(partner, 1000.0)
        # the Silver discount (3%) lowers the amount: 970 / 10 * 1.25
        self.assertAlmostEqual(card.points - before, 121.25, places=2)

    def test_multiplier_change_applies_to_the_next_purchase(self):
        partner = self.create_customer()
        self.create_order(partner, 25000.0)
        self.tier_silver.earn_multiplier = 2.0
        card = partner.loyalty_card_id
        before = card.points
        self.create_order(partner, 1000.0)
        self.assertAlmostEqual(card.points - before, 194.0, places=2)

    def test_tier_discount_applied_through_loyalty_engine(self):
        partner = self.create_customer()
        self.create_order(partner, 25000.0)
        order = self.create_order(partner, 1000.0)
        discount = order.order_line.filtered(
            lambda line: line.reward_id.program_id == self.tier_silver.program_id
        )
        self.assertTrue(discount)
        self.assertAlmostEqual(discount.price_subtotal, -30.0)
        other = self.create_order(self.create_customer(firstname="Інша"), 1000.0)
        self.assertFalse(other.order_line.filtered("reward_id.program_id.customer_loyalty_tier_id"))

    def test_nightly_demotion_at_most_once_per_period(self):
        partner = self.create_customer()
        old_date = fields.Datetime.now() - relativedelta(months=14)
        self.create_order(partner, 60000.0, date_order=old_date)
        partner.write({"loyalty_tier_id": self.tier_gold.id, "loyalty_tier_date": old_date.date()})
        self.create_order(partner, 25000.0)  # Silver level in the window
        self.assertEqual(partner.loyalty_tier_id, self.tier_gold, "purchases never demote")
        self.env["res.partner"]._cron_review_loyalty_tiers()
        self.assertEqual(partner.loyalty_tier_id, self.tier_silver)
        self.assertEqual(self.last_change(partner).direction, "down")
        # purchases shrink further, but the demotion happened this period
        self.env["sale.order"].search([("partner_id", "=", partner.id)]).date_order = old_date
        partner.loyalty_tier_review_date = False
        self.env["res.partner"]._cron_review_loyalty_tiers()
        self.assertEqual(partner.loyalty_tier_id, self.tier_silver)

    def test_cron_reviews_each_partner_once_a_day(self):
        partner = self.create_customer()
        self.create_order(partner, 1000.0)
        self.env["res.partner"]._cron_review_loyalty_tiers()
        self.assertEqual(partner.loyalty_tier_review_date, fields.Date.context_today(partner))
        self.env["res.partner"]._cron_review_loyalty_tiers(batch_size=1)
        self.assertEqual(len(partner.loyalty_tier_change_ids), 1)

    def test_threshold_change_applies_to_the_next_purchase(self):
        partner = self.create_customer()
        self.create_order(partner, 15000.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_base)
        self.tier_silver.threshold_amount = 10000.0
        self.create_order(partner, 100.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_silver)

    def test_archived_tier_is_not_reached(self):
        partner = self.create_customer()
        self.tier_silver.active = False
        self.create_order(partner, 25000.0)
        self.assertEqual(partner.loyalty_tier_id, self.tier_base)
