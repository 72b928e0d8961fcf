# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import CustomerLoyaltyCase


class Interrupted(Exception):
    """A batch that dies before its commit."""


@tagged("post_install", "-at_install")
class TestCronBatches(CustomerLoyaltyCase):
    """The crons over several small batches, as ir.cron runs them: nothing twice."""

    def run_cron(self, method, batch_size=2):
        """Call ``method`` until it reports nothing remaining, like ir.cron does.

        Returns the results and the (done, remaining) progress of every call.
        """
        progress = []

        def notify(_cron, *, done, remaining, deactivate=False):
            progress.append((done, remaining))

        results = []
        with patch.object(type(self.env["ir.cron"]), "_notify_progress", notify):
            for _call in range(50):
                results.append(method(batch_size=batch_size))
                done, remaining = progress[-1]
                if not done or not remaining:
                    break
        self.assertFalse(progress[-1][1], "the cron finished")
        return results, progress

    def interrupt_one_batch(self, method, batch_size=100):
        """A batch whose transaction is rolled back, as when the worker dies."""
        with self.assertRaises(Interrupted), self.env.cr.savepoint():
            method(batch_size=batch_size)
            self.env.flush_all()
            raise Interrupted()
        self.env.invalidate_all()

    def test_expiry_over_batches_expires_each_card_once(self):
        old = fields.Datetime.now() - relativedelta(months=13)
        cards = self.env["loyalty.card"]
        for name in ("Анна", "Богдан", "Віра", "Галина", "Дмитро"):
            cards |= self.issue_card(self.create_customer(firstname=name))
        self.backdate(cards.history_ids, old)  # 100 old welcome points on each card
        all_old, spent, recent, consumed, blocked = cards
        spent._change_points(-30, "spent", description="Spent")
        recent._change_points(50, "action", description="Recent review")
        consumed._change_points(20, "action", description="Recent survey")
        consumed._change_points(-100, "spent", description="Spent")
        blocked._block("Lost")
        expire = self.env["loyalty.card"]._cron_expire_points

        self.interrupt_one_batch(expire)
        self.assertFalse(cards.history_ids.filtered(lambda h: h.kind == "expired"))
        results, progress = self.run_cron(expire)

        expired = {}
        for result in results:
            self.assertFalse(set(result) & set(expired), "a card expired twice")
            expired.update(result)
        self.assertEqual(expired, {all_old.id: 100.0, spent.id: 70.0, recent.id: 100.0})
        self.assertGreater(len(progress), 1, "several batches")
        self.assertEqual(sum(done for done, _remaining in progress), 4, "each card checked once")
        self.assertEqual(
            [card.points for card in cards], [0.0, 0.0, 50.0, 20.0, 100.0], "blocked card untouched"
        )
        for card in cards:
            self.assertLessEqual(len(card.history_ids.filtered(lambda h: h.kind == "expired")), 1)
            self.assertLedgerMatches(card)
        # the same day again: nothing left to do
        results, progress = self.run_cron(expire)
        self.assertEqual((results, progress), ([{}], [(0, 0)]))

    def test_tier_review_over_batches_reviews_each_partner_once(self):
        today = fields.Date.context_today(self.env["res.partner"])
        long_ago = today - relativedelta(months=14)
        demoted = self.create_customer(firstname="Анна")
        self.create_order(demoted, 1000.0)
        demoted.write({"loyalty_tier_id": self.tier_gold.id, "loyalty_tier_date": long_ago})
        kept = self.create_customer(firstname="Богдан")
        self.create_order(kept, 25000.0)
        lapsed = self.create_customer(firstname="Віра")
        lapsed.write({"loyalty_tier_id": self.tier_silver.id, "loyalty_tier_date": long_ago})
        protected = self.create_customer(firstname="Галина")
        self.create_order(protected, 1000.0)
        protected.write(
            {
                "loyalty_tier_id": self.tier_silver.id,
                "loyalty_tier_date": today - relativedelta(months=2),
            }
        )
        promoted = self.create_customer(firstname="Дмитро")
        self.create_order(promoted, 60000.0)
        promoted.write({"loyalty_tier_id": self.tier_base.id, "loyalty_tier_date": long_ago})
        partners = demoted | kept | lapsed | protected | promoted
        changes = self.env["customer.loyalty.tier.change"]
        before = changes.search([("partner_id", "in", partners.ids)])
        review = self.env["res.partner"]._cron_review_loyalty_tiers

        self.interrupt_one_batch(review)
        self.assertEqual(changes.search([("partner_id", "in", partners.ids)]), before)
        self.assertFalse(any(partners.mapped("loyalty_tier_review_date")))
        _results, progress = self.run_cron(review)

        self.assertGreater(len(progress), 2, "several batches")
        made = changes.search([("partner_id", "in", partners.ids)]) - before
        self.assertEqual(
            {change.partner_id: change.direction for change in made},
            {demoted: "down", lapsed: "down", promoted: "up"},
        )
        self.assertEqual(len(made), 3, "one change per partner")
        self.assertEqual(
            [partner.loyalty_tier_id for partner in partners],
            [self.tier_base, self.tier_silver, self.tier_base, self.tier_silver, self.tier_gold],
        )
        self.assertEqual(set(partners.mapped("loyalty_tier_review_date")), {today})
        # the same day again: nothing left to review
        results, progress = self.run_cron(review)
        self.assertEqual(progress, [(0, 0)])
        self.assertFalse(results[0])
