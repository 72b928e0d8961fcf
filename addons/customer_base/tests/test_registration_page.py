# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRegistrationPage(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ua")
        cls.source = cls.env["utm.source"].create({"name": "Shop Podil"})
        cls.Partner = cls.env["res.partner"].with_context(active_test=False)
        cls.Request = cls.env["customer.registration.request"]

    def _csrf_token(self, url="/customer/register"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(match, "The form carries a CSRF token")
        return match.group(1)

    def _submit(self, **values):
        data = {
            "csrf_token": self._csrf_token(),
            "name": "Коваленко Олена",
            "phone": "050 123 45 67",
            "email": "olena@example.com",
            "birth_day": "5",
            "birth_month": "3",
            "birth_year": "",
            "consent": "1",
        }
        data.update(values)
        return self.url_open("/customer/register", data={k: v for k, v in data.items() if v})

    def test_form_page(self):
        response = self.url_open("/customer/register?utm_source=Shop%20Podil")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="csrf_token"', response.text)
        self.assertIn('name="consent"', response.text)
        self.assertIn(f'name="source_ref" value="{self.source.id}"', response.text)

    def test_register_new_customer(self):
        response = self._submit(source_ref=str(self.source.id), newsletter="1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.Request.search([]).state, "pending")
        self.Request._cron_process_pending()
        partner = self.Partner.search([("email", "=", "olena@example.com")])
        self.assertEqual(len(partner), 1)
        self.assertEqual(partner.lastname, "Коваленко")
        self.assertEqual(partner.firstname, "Олена")
        self.assertEqual(partner.phone, "+380501234567")
        self.assertEqual((partner.birth_day, partner.birth_month), (5, "3"))
        self.assertEqual(partner.acquisition_channel, "qr_code")
        self.assertEqual(partner.source_id, self.source)
        self.assertTrue(partner.customer_registration_date)
        self.assertTrue(partner.consent_personal_data)
        # the newsletter waits for the double opt-in (see test_security_consent)
        self.assertFalse(partner.consent_marketing_email)
        self.assertEqual(
            set(partner.consent_ids.mapped("purpose")), {"personal_data", "marketing_email"}
        )
        request = self.Request.search([("partner_id", "=", partner.id)])
        self.assertEqual(request.state, "created")
        self.assertTrue(request.ip)

    def test_invalid_phone_creates_nothing(self):
        partner_count = self.Partner.search_count([])
        response = self._submit(phone="12")
        self.assertEqual(response.status_code, 400)
        self.assertIn("not a valid phone number", response.text)
        self.assertIn('value="Коваленко Олена"', response.text)
        self.assertEqual(self.Partner.search_count([]), partner_count)
        self.assertFalse(self.Request.search([]))

    def test_missing_consent_creates_nothing(self):
        response = self._submit(consent="")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Partner.search([("email", "=", "olena@example.com")]))

    def test_duplicate_keeps_existing_card(self):
        new_response = self._submit(email="new.person@example.com", phone="050 765 43 21")
        existing = self.env["res.partner"].create(
            {"firstname": "Olena", "lastname": "Old", "phone": "+380501234567"}
        )
        response = self._submit(name="Someone Else", email="other@example.com")
        self.assertEqual(response.status_code, new_response.status_code)
        self.assertEqual(response.text, new_response.text)
        self.Request._cron_process_pending()
        self.assertEqual(existing.name, "Old Olena")
        self.assertFalse(existing.email)
        self.assertFalse(self.Partner.search([("email", "=", "other@example.com")]))
        request = self.Request.search([("partner_id", "=", existing.id)])
        self.assertEqual(request.state, "to_review")
        self.assertEqual(request.email, "other@example.com")

    def test_honeypot_creates_nothing(self):
        response = self._submit(website_url="http://spam.example.com")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.Partner.search([("email", "=", "olena@example.com")]))
        self.assertFalse(self.Request.search([]))

    def test_rate_limit(self):
        self.env["ir.config_parameter"].set_param("customer_base.registration_rate_limit", 2)
        for index in range(2):
            response = self._submit(email=f"p{index}@example.com", phone="")
            self.assertEqual(response.status_code, 200)
        response = self._submit(email="p2@example.com", phone="")
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self.Partner.search([("email", "=", "p2@example.com")]))

    def test_poster_report_renders(self):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "customer_base.action_report_customer_registration_poster", self.source.ids
        )
        html = html.decode()
        self.assertIn("/customer/register?utm_source=Shop+Podil", html)
        self.assertIn("barcode_type=QR", html)
