# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestCustomerCard(CustomerBaseCase):
    def test_name_composed_from_parts(self):
        partner = self.create_customer(
            firstname="олена", lastname="КОВАЛЕНКО", middlename="петрівна"
        )
        self.assertEqual(partner.name, "Коваленко Олена Петрівна")

    def test_name_split_back(self):
        partner = self.create_customer()
        partner.name = "Шевченко Тарас Григорович"
        self.assertEqual(
            (partner.lastname, partner.firstname, partner.middlename),
            ("Шевченко", "Тарас", "Григорович"),
        )
        self.assertEqual(partner.name, "Шевченко Тарас Григорович")

    def test_company_keeps_plain_name(self):
        company = self.env["res.partner"].create({"name": "ТОВ Ромашка", "is_company": True})
        self.assertEqual(company.name, "ТОВ Ромашка")
        self.assertFalse(company.firstname)

    def test_phone_normalised(self):
        partner = self.create_customer(phone="050 123 45 67")
        self.assertEqual(partner.phone, "+380501234567")

    def test_invalid_phone_refused(self):
        with self.assertRaisesRegex(ValidationError, "12345"):
            self.create_customer(phone="12345")

    def test_email_normalised(self):
        partner = self.create_customer(email="  Olena@Example.COM ")
        self.assertEqual(partner.email, "olena@example.com")
        with self.assertRaises(ValidationError):
            partner.email = "not an email"
