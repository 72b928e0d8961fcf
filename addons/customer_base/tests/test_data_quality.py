# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestDataQuality(CustomerBaseCase):
    def test_duplicates_by_phone_and_email(self):
        first = self.create_customer(phone="+380501234567", email="a@example.com")
        by_phone = self.create_customer(firstname="Ігор", phone="050 123 45 67")
        by_email = self.create_customer(firstname="Ольга", email="A@Example.com")
        stranger = self.create_customer(firstname="Павло", phone="0671112233")
        (first | stranger).invalidate_recordset()
        self.assertEqual(first.duplicate_partner_ids, by_phone | by_email)
        self.assertEqual(first.duplicate_count, 2)
        self.assertFalse(stranger.duplicate_partner_ids)
        action = first.action_view_duplicates()
        self.assertEqual(set(action["domain"][0][2]), set((first | by_phone | by_email).ids))

    def test_nightly_check_flags_bad_contact_data(self):
        silent = self.create_customer(acquisition_channel="other")
        fine = self.create_customer(acquisition_channel="other", email="ok@example.com")
        self.env.cr.execute("UPDATE res_partner SET email = 'broken@' WHERE id = %s", [fine.id])
        self.env["res.partner"].invalidate_model()
        fine._compute_email_normalized()
        self.env.flush_all()
        self.env["res.partner"]._cron_check_data_quality()
        self.assertEqual(silent.data_quality_issue, "no_contact")
        self.assertEqual(fine.data_quality_issue, "invalid_email")

    def test_names_trimmed_and_capitalised(self):
        partner = self.create_customer(firstname="  анна-марія ", lastname="де ЛА Круз")
        self.assertEqual(partner.firstname, "Анна-Марія")
        self.assertEqual(partner.lastname, "Де Ла Круз")


@tagged("post_install", "-at_install")
class TestBirthday(CustomerBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today_person = cls.create_customer(firstname="Сьогодні", birth_day=10, birth_month="3")
        cls.week_person = cls.create_customer(
            firstname="Тиждень", birth_day=14, birth_month="3", birth_year=1990
        )
        cls.month_person = cls.create_customer(firstname="Місяць", birth_day=30, birth_month="3")
        cls.other_person = cls.create_customer(firstname="Інший", birth_day=1, birth_month="7")
        cls.people = cls.today_person | cls.week_person | cls.month_person | cls.other_person

    def find(self, period):
        return self.env["res.partner"].search(
            [("birthday_period", "=", period), ("id", "in", self.people.ids)]
        )

    @freeze_time("2026-03-10")
    def test_birthday_filters_work_across_years(self):
        self.assertEqual(self.find("today"), self.today_person)
        self.assertEqual(self.find("week"), self.today_person | self.week_person)
        self.assertEqual(
            self.find("month"), self.today_person | self.week_person | self.month_person
        )

    @freeze_time("2026-12-29")
    def test_week_spans_new_year(self):
        january = self.create_customer(firstname="Січень", birth_day=2, birth_month="1")
        found = self.env["res.partner"].search(
            [("birthday_period", "=", "week"), ("id", "=", january.id)]
        )
        self.assertEqual(found, january)

    def test_year_is_optional(self):
        self.assertFalse(self.today_person.birthdate)
        self.assertEqual(self.week_person.birthdate, date(1990, 3, 14))
        self.assertEqual(self.today_person.birthday_key, 310)

    @freeze_time("2026-03-20")
    def test_age_and_age_search(self):
        self.assertEqual(self.week_person.age, 36)
        found = self.env["res.partner"].search(
            [("age", ">=", 36), ("age", "<", 37), ("id", "in", self.people.ids)]
        )
        self.assertEqual(found, self.week_person)

    def test_impossible_birthday_refused(self):
        with self.assertRaises(ValidationError):
            self.create_customer(birth_day=31, birth_month="2")
        with self.assertRaises(ValidationError):
            self.create_customer(birth_day=29, birth_month="2", birth_year=2023)
        leap = self.create_customer(birth_day=29, birth_month="2")
        self.assertEqual(leap.birthday_key, 229)


@tagged("post_install", "-at_install")
class TestMerge(CustomerBaseCase):
    def test_merge_keeps_the_card_true(self):
        old = self.create_customer(email="same@example.com")
        self.create_order(old, 100)
        old.sudo().customer_registration_date = "2020-05-01"
        new = self.create_customer(firstname="Ольга", email="same@example.com")
        self.create_order(new, 50)
        self.env["customer.consent"].create(
            {"partner_id": old.id, "purpose": "personal_data", "channel": "staff"}
        )
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)
        wizard._merge((old | new).ids, dst_partner=new)
        self.assertFalse(old.exists())
        new.invalidate_recordset()
        self.assertEqual(new.purchase_count, 2)
        self.assertAlmostEqual(new.purchase_total, 150)
        self.assertEqual(str(new.customer_registration_date), "2020-05-01")
        self.assertTrue(new.consent_personal_data)

    def test_users_cannot_merge(self):
        first = self.create_customer(email="same@example.com")
        second = self.create_customer(firstname="Ольга", email="same@example.com")
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.user)
        with self.assertRaises(AccessError):
            wizard._merge((first | second).ids, dst_partner=second)
        self.assertTrue(first.exists())
