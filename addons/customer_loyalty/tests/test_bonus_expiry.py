# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestBonusesAndExpiry(CustomerLoyaltyCase):
    def _birthday_customer(self, day, month, year=None):
        return self.create_customer(
            birth_day=day, birth_month=str(month), **({"birth_year": year} if year else {})
        )

    def test_birthday_bonus_once_a_year(self):
        today = fields.Date.context_today(self.env["loyalty.card"])
        partner = self._birthday_customer(today.day, today.month)  # no year of birth
        card = self.issue_card(partner)
        cards = self.env["loyalty.card"]
        cards._cron_give_birthday_bonus()
        cards._cron_give_birthday_bonus()
        birthday = card.history_ids.filtered(lambda h: h.kind == "birthday")
        self.assertEqual(len(birthday), 1)
        self.assertEqual(birthday.issued, 200.0)
        self.assertEqual(card.birthday_bonus_year, today.year)
        self.assertLedgerMatches(card)

    def test_birthday_bonus_caught_up_when_cron_ran_late(self):
        partner = self._birthday_customer(10, 5, 1990)
        card = self.issue_card(partner)
        cards = self.env["loyalty.card"]
        cards._cron_give_birthday_bonus(today=date(2026, 5, 9))
        self.assertFalse(card.birthday_bonus_year)
        # the cron did not run on the 10th and 11th
        cards._cron_give_birthday_bonus(today=date(2026, 5, 12))
        self.assertEqual(card.birthday_bonus_year, 2026)
        cards._cron_give_birthday_bonus(today=date(2026, 5, 13))
        self.assertEqual(len(card.history_ids.filtered(lambda h: h.kind == "birthday")), 1)

    def test_birthday_29_february_in_common_year(self):
        card = self.issue_card(self._birthday_customer(29, 2))
        self.env["loyalty.card"]._cron_give_birthday_bonus(today=date(2027, 2, 28))
        self.assertEqual(card.birthday_bonus_year, 2027)
        self.env["loyalty.card"]._cron_give_birthday_bonus(today=date(2027, 3, 1))
        self.assertEqual(len(card.history_ids.filtered(lambda h: h.kind == "birthday")), 1)

    def test_profile_bonus_once(self):
        partner = self.create_customer()
        card = self.issue_card(partner)
        partner.write({"birth_day": 3, "birth_month": "7", "email": "olena@example.com"})
        self.assertFalse(card.profile_bonus_given)
        self.env["customer.consent"].create(
            {"partner_id": partner.id, "purpose": "personal_data", "state": "given"}
        )
        self.assertTrue(card.profile_bonus_given)
        partner.write({"email": "olena.k2@example.com"})
        actions = card.history_ids.filtered(lambda h: h.kind == "action")
        self.assertEqual(actions.issued, 50.0)
        self.assertLedgerMatches(card)

    def test_points_expire_oldest_first(self):
        partner = self.create_customer()
        card = self.issue_card(partner)  # 100 welcome points, today
        old = fields.Datetime.now() - relativedelta(months=13)
        welcome = card.history_ids
        self.backdate(welcome, old)
        card._change_points(50, "action", description="Recent review")
        card._change_points(-30, "spent", description="Spent")
        expired = self.env["loyalty.card"]._cron_expire_points()
        # 100 old points, 30 spent since: 70 expire, the recent 50 stay
        self.assertEqual(expired, {card.id: 70.0})
        self.assertEqual(card.points, 50.0)
        self.assertEqual(card.history_ids.filtered(lambda h: h.kind == "expired").used, 70.0)
        self.assertFalse(self.env["loyalty.card"]._cron_expire_points())
        self.assertLedgerMatches(card)

    def test_expiry_batches_resume(self):
        cards = self.env["loyalty.card"]
        for name in ("Анна", "Богдан", "Віра"):
            cards |= self.issue_card(self.create_customer(firstname=name))
        self.backdate(cards.history_ids, fields.Datetime.now() - relativedelta(months=13))
        first = self.env["loyalty.card"]._cron_expire_points(batch_size=2)
        self.assertEqual(len(first), 2)
        second = self.env["loyalty.card"]._cron_expire_points(batch_size=2)
        self.assertEqual(len(second), 1)
        self.assertEqual(set(cards.mapped("points")), {0.0})

    def test_expiry_warning_email(self):
        partner = self.create_customer(email="olena@example.com")
        card = self.issue_card(partner)
        self.backdate(card.history_ids, fields.Datetime.now() - relativedelta(months=12, days=-5))
        warned = self.env["loyalty.card"]._cron_warn_expiring_points()
        self.assertEqual(warned, card)
        self.assertEqual(card.expiry_warning_date, fields.Date.context_today(card))
        mail = self.env["mail.mail"].search(
            [("model", "=", "loyalty.card"), ("res_id", "=", card.id)]
        )
        self.assertIn("100", mail.body_html)
        self.assertFalse(self.env["loyalty.card"]._cron_warn_expiring_points())
        self.assertTrue(card.expiry_warning_date > date.today() - timedelta(days=1))
