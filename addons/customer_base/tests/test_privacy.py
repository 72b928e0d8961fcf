# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestPrivacy(CustomerBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.create_customer(
            email="olena.kovalenko@example.com",
            phone="+380671234567",
            street="Khreshchatyk 1",
            city="Kyiv",
            comment="<p>Prefers oat milk</p>",
            birth_day=12,
            birth_month="5",
            birth_year=1990,
            gender="female",
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Olena delivery",
                "parent_id": cls.customer.id,
                "type": "delivery",
                "email": "olena.delivery@example.com",
            }
        )
        cls.env["customer.consent"].create(
            {"partner_id": cls.customer.id, "purpose": "personal_data", "state": "given"}
        )
        cls.env["customer.registration.request"].create(
            {
                "partner_id": cls.customer.id,
                "name": "Olena Kovalenko",
                "phone": "+380671234567",
                "email": "olena.kovalenko@example.com",
            }
        )
        cls.customer.message_post(body="Called about her order, olena.kovalenko@example.com")
        cls.env["ir.attachment"].create(
            {
                "name": "passport.txt",
                "raw": b"secret",
                "res_model": "res.partner",
                "res_id": cls.customer.id,
            }
        )
        cls.order = cls.create_order(cls.customer, 250.0)

    def forget(self, partner, reason="Request of the person", user=None):
        wizard = (
            self.env["customer.forget.wizard"]
            .with_user(user or self.manager)
            .create({"partner_id": partner.id, "reason": reason, "confirm": True})
        )
        return wizard.action_forget()

    def test_report_lists_every_kind_of_record(self):
        data = self.customer._customer_personal_data()
        self.assertEqual(
            set(data),
            {"card", "contacts", "consents", "orders", "registrations", "messages", "attachments"},
        )
        for key, section in data.items():
            self.assertTrue(section["records"], f"section {key} is empty")
        card = data["card"]["records"][0]
        self.assertIn("olena.kovalenko@example.com", card.values())
        self.assertIn(self.order.name, data["orders"]["records"][0].values())
        self.assertIn("olena.delivery@example.com", data["contacts"]["records"][0].values())
        json.dumps(data, default=str)
        reports = self.env["ir.actions.report"]
        report = "customer_base.action_report_customer_personal_data"
        html, _report_type = reports._render_qweb_html(report, self.customer.ids)
        html = html.decode() if isinstance(html, bytes) else str(html)
        self.assertIn("olena.kovalenko@example.com", html)
        self.assertIn(self.order.name, html)

    def test_forget_leaves_no_trace_and_keeps_figures(self):
        self.customer.invalidate_recordset()
        count, total = self.customer.purchase_count, self.customer.purchase_total
        self.forget(self.customer, "Asked by email")
        partners = (self.customer | self.contact).with_context(active_test=False)
        for partner in partners:
            self.assertEqual(partner.name, f"Anonymised customer #{partner.id}")
            self.assertFalse(partner.active)
            for fname in (
                "email",
                "phone",
                "mobile",
                "street",
                "city",
                "comment",
                "birth_day",
                "birth_month",
                "birth_year",
                "birthdate",
                "gender",
                "firstname",
                "lastname",
                "image_1920",
            ):
                self.assertFalse(partner[fname], fname)
        traces = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)]
        )
        self.assertFalse(traces)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "in", partners.ids)]
            )
        )
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search(["|", ("email", "ilike", "olena"), ("name", "ilike", "Olena")])
        )
        request = self.env["customer.registration.request"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertFalse(request.email or request.phone)
        self.assertNotIn("Olena", request.name)
        self.assertEqual(self.order.partner_id, self.customer)
        self.assertEqual(self.order.amount_total, 250.0)
        self.customer.invalidate_recordset()
        self.assertEqual(
            (self.customer.purchase_count, self.customer.purchase_total), (count, total)
        )
        self.assertTrue(self.customer.consent_ids)
        log = self.env["customer.forget.request"].search([("partner_ref", "=", self.customer.id)])
        self.assertEqual(log.user_id, self.manager)
        self.assertEqual(log.reason, "Asked by email")
        self.assertNotIn("olena", str(log.read()[0]).lower())

    def test_refuses_open_orders_and_unpaid_invoices(self):
        draft = self.create_order(self.customer, 80.0, confirm=False)
        with self.assertRaisesRegex(UserError, draft.name):
            self.forget(self.customer)
        draft.action_cancel()
        invoice = self.order._create_invoices()
        invoice.action_post()
        with self.assertRaisesRegex(UserError, invoice.name):
            self.forget(self.customer)
        self.assertEqual(self.customer.email, "olena.kovalenko@example.com")
        self.assertFalse(self.env["customer.forget.request"].search([]))

    def test_refuses_without_reason_or_confirmation(self):
        with self.assertRaises(UserError):
            self.forget(self.customer, reason=" ")
        wizard = (
            self.env["customer.forget.wizard"]
            .with_user(self.manager)
            .create({"partner_id": self.customer.id, "reason": "Request"})
        )
        with self.assertRaises(UserError):
            wizard.action_forget()
        self.assertTrue(self.customer.active)

    def test_only_managers_forget(self):
        with self.assertRaises(AccessError):
            self.forget(self.customer, user=self.user)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user)._customer_forget("Request")
        with self.assertRaises(AccessError):
            self.env["customer.forget.request"].with_user(self.user).search([])
        with self.assertRaises(AccessError):
            self.env["customer.retention.wizard"].with_user(self.user).create({})
        self.assertTrue(self.customer.active)

    def test_retention_proposes_only_inactive_customers_and_waits(self):
        old = fields.Datetime.now() - timedelta(days=365 * 4)
        sleeper = self.create_customer(firstname="Taras", email="taras@example.com")
        subscriber = self.create_customer(firstname="Ivan")
        self.env["customer.consent"].create(
            {"partner_id": subscriber.id, "purpose": "marketing_sms", "state": "given"}
        )
        recent_buyer = self.create_customer(firstname="Petro")
        self.create_order(recent_buyer, 10.0)
        people = sleeper | subscriber | recent_buyer | self.customer
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id IN %s", (old, tuple(people.ids))
        )
        self.env["ir.config_parameter"].sudo().set_param("customer_base.retention_months", "36")
        wizard = self.env["customer.retention.wizard"].with_user(self.manager).create({})
        self.assertIn(sleeper, wizard.partner_ids)
        self.assertFalse((subscriber | recent_buyer | self.customer) & wizard.partner_ids)
        self.assertTrue(sleeper.active, "nothing is erased before confirmation")
        wizard.partner_ids = sleeper
        wizard.action_confirm()
        self.assertFalse(sleeper.active)
        self.assertFalse(sleeper.email)
        log = self.env["customer.forget.request"].search([("partner_ref", "=", sleeper.id)])
        self.assertEqual(log.origin, "retention")

    def test_email_masked_for_users_outside_customer_base(self):
        outsider = self.env["res.users"].create(
            {
                "name": "Warehouse",
                "login": "cb_outsider",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        partner = self.customer.with_context(show_email=True)
        self.assertIn("olena.kovalenko@example.com", partner.with_user(self.user).display_name)
        masked = partner.with_user(outsider).display_name
        self.assertNotIn("olena.kovalenko", masked)
        self.assertIn("o***", masked)


@tagged("post_install", "-at_install")
class TestPersonalDataDownload(HttpCase):
    def test_json_download_for_managers_only(self):
        partner = self.env["res.partner"].create({"name": "Mariia", "email": "m@example.com"})
        manager = self.env["res.users"].create(
            {
                "name": "Privacy Manager",
                "login": "cb_privacy_manager",
                "password": "cb_privacy_manager",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("customer_base.group_customer_manager").id,
                            self.env.ref("base.group_user").id,
                        ],
                    )
                ],
            }
        )
        self.env["res.users"].create(
            {
                "name": "Plain",
                "login": "cb_privacy_plain",
                "password": "cb_privacy_plain",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        self.authenticate("cb_privacy_plain", "cb_privacy_plain")
        response = self.url_open(f"/customer_base/personal_data/{partner.id}")
        self.assertNotIn("m@example.com", response.text)
        self.authenticate(manager.login, "cb_privacy_manager")
        response = self.url_open(f"/customer_base/personal_data/{partner.id}")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["customer_id"], partner.id)
        self.assertIn("m@example.com", data["sections"]["card"]["records"][0].values())

    def test_pdf_report(self):
        """A real PDF: rendered here because wkhtmltopdf needs the test HTTP server."""
        reports = self.env["ir.actions.report"]
        if reports.get_wkhtmltopdf_state() != "ok":
            self.skipTest("wkhtmltopdf is not installed")
        partner = self.env["res.partner"].create({"name": "Mariia", "email": "m@example.com"})
        pdf, report_type = reports.with_context(force_report_rendering=True)._render_qweb_pdf(
            "customer_base.action_report_customer_personal_data", partner.ids
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
