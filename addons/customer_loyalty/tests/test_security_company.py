# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyCompanyIsolation(CustomerLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_a = new_test_user(
            cls.env,
            login="loyalty_manager_a",
            groups="base.group_user,customer_loyalty.group_loyalty_manager,"
            "customer_base.group_customer_manager,sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
            name="Loyalty Manager of A",
        )
        cls.customer = cls.create_customer()
        cls.tier_b = cls.env["customer.loyalty.tier"].create(
            {"name": "Gold of B", "threshold_amount": 500.0, "company_id": cls.company_b.id}
        )
        cls.change_b = cls.env["customer.loyalty.tier.change"].create(
            {
                "partner_id": cls.customer.id,
                "new_tier_id": cls.tier_b.id,
                "direction": "up",
                "reason": "Purchases in B",
                "company_id": cls.company_b.id,
            }
        )

    def test_tier_changes_and_tiers_of_b_are_invisible_to_a(self):
        for records in (self.change_b, self.tier_b):
            model = records.with_user(self.manager_a)
            with self.subTest(model=records._name):
                self.assertFalse(model.search([("id", "=", records.id)]))
                with self.assertRaises(AccessError):
                    model.read(["display_name"])
        partner = self.customer.with_user(self.manager_a)
        self.assertFalse(partner.loyalty_tier_change_ids)

    def test_tier_of_b_cannot_be_changed_or_created_from_a(self):
        with self.assertRaises(AccessError):
            self.tier_b.with_user(self.manager_a).write({"threshold_amount": 1.0})
        with self.assertRaises(AccessError):
            self.env["customer.loyalty.tier"].with_user(self.manager_a).create(
                {"name": "Fake of B", "threshold_amount": 1.0, "company_id": self.company_b.id}
            )
        with self.assertRaises(AccessError):
            self.env["customer.loyalty.tier.change"].with_user(self.manager_a).create(
                {
                    "partner_id": self.customer.id,
                    "new_tier_id": self.tier_b.id,
                    "direction": "up",
                    "reason": "Forged",
                    "company_id": self.company_b.id,
                }
            )
        self.assertEqual(self.tier_b.threshold_amount, 500.0)
        self.assertEqual(
            self.env["customer.loyalty.tier"].search_count(
                [("company_id", "=", self.company_b.id)]
            ),
            1,
        )
        self.assertEqual(self.customer.loyalty_tier_change_ids, self.change_b)

    def test_tier_change_records_the_company_it_was_computed_for(self):
        partner = self.create_customer(firstname="Ольга")
        self.create_order(partner, 25000.0)
        changes = partner.loyalty_tier_change_ids
        self.assertEqual(changes[:1].new_tier_id, self.tier_silver)
        self.assertEqual(changes.company_id, self.company_a)


@tagged("post_install", "-at_install")
class TestLoyaltyOwnCustomersOnly(CustomerLoyaltyCase):
    """Cards, their ledger and tier changes follow "salespeople see only their
    own customers"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.config.settings"].create({"group_customer_own_only": True}).execute()
        cls.manager.groups_id = [
            Command.link(cls.env.ref("customer_loyalty.group_loyalty_user").id)
        ]
        cls.mine = cls.create_customer(user_id=cls.loyalty_user.id, acquisition_channel="other")
        cls.theirs = cls.create_customer(
            firstname="Ольга", user_id=cls.manager.id, acquisition_channel="other"
        )
        cls.card_mine = cls.issue_card(cls.mine)
        cls.card_theirs = cls.issue_card(cls.theirs)
        cls.changes = cls.env["customer.loyalty.tier.change"].create(
            [
                {
                    "partner_id": partner.id,
                    "new_tier_id": cls.tier_silver.id,
                    "direction": "up",
                    "reason": "Test",
                }
                for partner in (cls.mine, cls.theirs)
            ]
        )

    def test_salesperson_sees_own_cards_ledger_and_tier_changes_only(self):
        cards = self.card_mine | self.card_theirs
        history = cards.history_ids
        self.assertTrue(self.card_theirs.history_ids)
        for records, expected in (
            (cards, self.card_mine),
            (history, self.card_mine.history_ids),
            (self.changes, self.changes.filtered(lambda c: c.partner_id == self.mine)),
        ):
            with self.subTest(model=records._name):
                model = self.env[records._name].with_user(self.loyalty_user)
                self.assertEqual(model.search([("id", "in", records.ids)]), expected)
                seen_by_manager = (
                    self.env[records._name]
                    .with_user(self.manager)
                    .search([("id", "in", records.ids)])
                )
                self.assertEqual(seen_by_manager, records)

    def test_salesperson_cannot_touch_the_card_of_another_customer(self):
        card = self.card_theirs.with_user(self.loyalty_user)
        with self.assertRaises(AccessError):
            card.read(["points"])
        with self.assertRaises(AccessError):
            card.write({"partner_id": self.mine.id})
        self.assertEqual(self.card_theirs.partner_id, self.theirs)

    def test_card_without_customer_stays_visible(self):
        coupons = self.env["loyalty.program"].create({"name": "Coupons", "program_type": "coupons"})
        card = self.env["loyalty.card"].create({"program_id": coupons.id})
        self.assertEqual(
            self.env["loyalty.card"].with_user(self.loyalty_user).search([("id", "=", card.id)]),
            card,
        )


@tagged("post_install", "-at_install")
class TestTierReviewPerCompany(CustomerLoyaltyCase):
    """A sale or the nightly review of one company uses that company's tiers,
    thresholds and orders, and never replaces the tier another company gave."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))
        cls.tier_b = cls.env["customer.loyalty.tier"].create(
            {"name": "Gold of B", "threshold_amount": 500.0, "company_id": cls.company_b.id}
        )
        cls.partner = cls.create_customer()

    def buy_in_b(self, partner, amount):
        order = self.env_b["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": amount,
                            "product_uom_qty": 1,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.company_id, self.company_b)
        return order

    def changes_in(self, partner, company):
        return partner.loyalty_tier_change_ids.filtered(lambda c: c.company_id == company)

    def test_customer_of_b_gets_the_tier_of_b(self):
        self.buy_in_b(self.partner, 600.0)
        self.assertEqual(self.partner.loyalty_tier_id, self.tier_b)
        self.assertEqual(self.changes_in(self.partner, self.company_b).new_tier_id, self.tier_b)

    def test_sale_in_b_never_replaces_the_tier_of_a(self):
        self.create_order(self.partner, 26000.0)
        self.assertEqual(self.partner.loyalty_tier_id, self.tier_silver)
        self.buy_in_b(self.partner, 600.0)
        self.assertEqual(self.partner.loyalty_tier_id, self.tier_silver)
        self.assertFalse(self.changes_in(self.partner, self.company_b))

    def test_nightly_review_uses_each_company_thresholds_and_keeps_the_other(self):
        customer_of_b = self.create_customer(firstname="Ольга")
        self.buy_in_b(customer_of_b, 600.0)
        self.create_order(self.partner, 26000.0)
        long_ago = self.partner.create_date.date().replace(year=2000)
        self.partner.write({"loyalty_tier_id": self.tier_gold.id, "loyalty_tier_date": long_ago})
        self.env["res.partner"]._cron_review_loyalty_tiers()
        self.assertEqual(self.partner.loyalty_tier_id, self.tier_silver, "A's thresholds")
        self.assertEqual(self.changes_in(self.partner, self.env.company)[:1].direction, "down")
        self.assertEqual(customer_of_b.loyalty_tier_id, self.tier_b, "A's review left B's tier")
        self.assertEqual(len(self.changes_in(customer_of_b, self.company_b)), 1)
        self.assertFalse(self.changes_in(customer_of_b, self.env.company))
