# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, tagged

from odoo.addons.customer_base.tests.common import CustomerApiMixin

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyApi(CustomerApiMixin, CustomerLoyaltyCase, HttpCase):
    """The customer API with bonus cards, through the real endpoints and a real key."""

    API_SCOPES = {
        "scope_read_card": True,
        "scope_record_purchase": True,
        "scope_spend_points": True,
        "rate_limit": 0,
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.create_customer(phone="+380501234567")

    def purchase(self, external_id="TILL-1-0001", price_unit=150.0):
        """Record a purchase of two products; the first one issues the card."""
        status, body = self.call(
            "purchases",
            {
                "external_id": external_id,
                "customer": {"phone": "050 123 45 67"},
                "lines": [{"product": "COFFEE-1", "quantity": 2, "price_unit": price_unit}],
            },
        )
        self.assertEqual(status, 201, body)
        return self.env["sale.order"].browse(body["order"]["id"])

    def spend(self, points, external_id="TILL-1-0001"):
        return self.call("points/spend", {"external_id": external_id, "points": points})

    def spent_lines(self, card):
        return card.history_ids.filtered(lambda line: line.kind == "spent")

    def test_find_by_card_number_returns_tier_and_balance(self):
        card = self.issue_card(self.partner, points=50.0)  # 150 points
        self.partner.loyalty_tier_id = self.tier_gold
        status, body = self.call("customers/find", {"card_number": card.code})
        self.assertEqual(status, 200, body)
        customer = body["customer"]
        self.assertEqual(customer["id"], self.partner.id)
        self.assertEqual(customer["card_number"], card.code)
        self.assertEqual(customer["tier"], self.tier_gold.name)
        self.assertEqual(customer["points_balance"], 150.0)
        self.assertIn("marketing_sms", customer["consent"])
        # the phone finds the same card
        status, body = self.call("customers/find", {"phone": "050 123 45 67"})
        self.assertEqual((status, body["customer"]["card_number"]), (200, card.code))

    def test_blocked_or_unknown_card_number_is_not_found(self):
        card = self.issue_card(self.partner)
        code = card.code
        card._block("Lost")
        for number in (code, "2900000000000", "not a card"):
            status, body = self.call("customers/find", {"card_number": number})
            self.assertEqual((status, body["error"]["code"]), (404, "not_found"), number)

    def test_spend_points_lowers_balance_and_writes_ledger(self):
        order = self.purchase()  # 300: welcome 100 + 30 earned
        card = self.partner.loyalty_card_id
        self.assertEqual(card.points, 130.0)
        status, body = self.spend(50)
        self.assertEqual(status, 200, body)
        self.assertFalse(body["duplicate"])
        self.assertEqual(body["points_spent"], 50.0)
        self.assertEqual(body["points_balance"], 80.0)
        self.assertEqual(body["amount"], 50.0)
        self.assertEqual(body["card_number"], card.code)
        spent = self.spent_lines(card)
        self.assertEqual(spent.used, 50.0)
        self.assertEqual((spent.order_model, spent.order_id), ("sale.order", order.id))
        self.assertEqual(spent.api_key_id, self.api_key)
        self.assertEqual(card.points, 80.0)
        self.assertLedgerMatches(card)

    def test_spending_more_than_the_balance_is_refused(self):
        self.purchase(price_unit=1000.0)  # welcome 100 + 200 earned; 30% of 2000 = 600
        card = self.partner.loyalty_card_id
        lines = card.history_ids
        for points in (400, 0, -10):
            status, body = self.spend(points)
            self.assertEqual((status, body["error"]["code"]), (422, "refused"), body)
        self.assertEqual(card.points, 300.0)
        self.assertEqual(card.history_ids, lines)

    def test_spending_more_than_the_allowed_share_is_refused(self):
        self.issue_card(self.partner, points=900.0)  # 1000 points
        self.purchase()  # 30% of 300 = 90
        card = self.partner.loyalty_card_id
        status, body = self.spend(91)
        self.assertEqual((status, body["error"]["code"]), (422, "refused"), body)
        self.assertFalse(self.spent_lines(card))
        status, body = self.spend(90)
        self.assertEqual(status, 200, body)

    def test_retried_spend_is_not_spent_twice(self):
        self.purchase()
        card = self.partner.loyalty_card_id
        status, first = self.spend(50)
        self.assertEqual(status, 200, first)
        status, again = self.spend(50)
        self.assertEqual(status, 200, again)
        self.assertTrue(again["duplicate"])
        self.assertEqual(again["points_balance"], first["points_balance"])
        self.assertEqual(len(self.spent_lines(card)), 1)
        # other points on a purchase already paid with points: refused
        status, body = self.spend(20)
        self.assertEqual((status, body["error"]["code"]), (422, "refused"), body)
        self.assertEqual(card.points, 80.0)
        self.assertLedgerMatches(card)

    def test_spend_without_card_or_purchase(self):
        status, body = self.spend(10, external_id="NOPE")
        self.assertEqual((status, body["error"]["code"]), (404, "purchase_not_found"))
        self.program.bonus_card_issue_policy = "manual"
        self.purchase()
        status, body = self.spend(10)
        self.assertEqual((status, body["error"]["code"]), (422, "refused"))

    def test_cancelling_the_purchase_gives_the_spent_points_back(self):
        order = self.purchase()
        card = self.partner.loyalty_card_id
        self.spend(50)
        order._action_cancel()
        # welcome 100 stays; the 30 earned are taken back, the 50 spent given back
        self.assertEqual(card.points, 100.0)
        reversal = card.history_ids.filtered(lambda line: line.api_key_id)
        self.assertEqual(sorted(reversal.mapped("kind")), ["reversal", "spent"])
        self.assertLedgerMatches(card)
        status, body = self.spend(50)
        self.assertEqual((status, body["error"]["code"]), (422, "refused"))
