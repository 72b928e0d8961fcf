# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase

from odoo.addons.customer_base.models.customer_api_key import RetryableConflict
from odoo.addons.customer_base.tests.common import CustomerApiMixin

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyApiAttacks(CustomerApiMixin, CustomerLoyaltyCase, HttpCase):
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

    def test_spend_retried_after_card_replacement_stays_a_duplicate(self):
        status, body = self.call(
            "purchases",
            {
                "external_id": "1",
                "customer": {"phone": "050 123 45 67"},
                "lines": [{"product": "COFFEE-1", "quantity": 2, "price_unit": 150.0}],
            },
        )
        self.assertEqual(status, 201, body)
        old_card = self.partner.loyalty_card_id
        status, first = self.call("points/spend", {"external_id": "1", "points": 50})
        self.assertEqual(status, 200, first)
        new_card = old_card._replace("Lost")
        status, again = self.call("points/spend", {"external_id": "1", "points": 50})
        self.assertEqual(status, 200, again)
        self.assertTrue(again["duplicate"])
        self.assertFalse(new_card.history_ids.filtered(lambda line: line.kind == "spent"))
        self.assertEqual(new_card.points, first["points_balance"])
        self.assertLedgerMatches(new_card)

    def test_replacement_keeps_the_expiry_dates(self):
        card = self.issue_card(self.partner)  # welcome bonus, earned now
        now = fields.Datetime.now()
        old = now - relativedelta(months=13)
        card._change_points(100, "adjustment", reason="Old points", values={"date": old})
        card._change_points(-30, "adjustment", reason="Taken back")
        cutoff = self.env["loyalty.card"]._expiry_cutoff(self.program, now)
        expiring_before = self.env["loyalty.card"]._get_expiring_points(cutoff, card)
        self.assertEqual(expiring_before, {card.id: 70.0})
        new_card = card._replace("Damaged")
        self.assertEqual(new_card.points, 170.0)
        self.assertEqual(
            self.env["loyalty.card"]._get_expiring_points(cutoff, new_card), {new_card.id: 70.0}
        )
        transfers = new_card.history_ids.filtered(lambda line: line.kind == "transfer")
        self.assertEqual(sorted(transfers.mapped("issued")), [70.0, 100.0])
        self.assertIn(old, transfers.mapped("date"))
        self.assertLedgerMatches(new_card)


@tagged("post_install", "-at_install")
class TestSpendOnLockedCard(TransactionCase):
    """A card another transaction holds: the API spend answers a retryable
    conflict at once (409 ``locked``) instead of waiting or failing as 422."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"loyalty_no_mail": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create({"name": "Locked Card Customer"})
            card = env["loyalty.card"]._issue_bonus_cards(partner)
            self.partner_id, self.card_id = partner.id, card.id
        self.addCleanup(self._remove_test_data)

    def _remove_test_data(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["loyalty.card"].with_context(active_test=False).browse(self.card_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def test_spend_on_a_locked_card_is_a_retryable_conflict(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            self._env(cr_a)["loyalty.card"].browse(self.card_id)._lock_for_update()
            env_b = self._env(cr_b)
            key = env_b["customer.api.key"].create({"name": "Till", "scope_spend_points": True})
            card = env_b["loyalty.card"].browse(self.card_id)
            balance = card.points
            with self.assertRaises(RetryableConflict):
                key._customer_api_spend_points(card.partner_id, env_b["sale.order"], 10)
            cr_b.rollback()
            card.invalidate_recordset()
            self.assertEqual(card.points, balance)
            self.assertFalse(card.history_ids.filtered(lambda line: line.kind == "spent"))
