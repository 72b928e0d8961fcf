# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestSecurityExport(CustomerBaseCase):
    """Customers' personal data cannot leave through the export of another
    model: the same right as exporting contacts, and the same log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exporter = new_test_user(
            cls.env,
            login="cb_user_export",
            groups="base.group_user,customer_base.group_customer_user,"
            "sales_team.group_sale_salesman_all_leads,base.group_allow_export",
            name="User With Odoo Export Right",
        )
        cls.customer = cls.create_customer(
            email="olena@example.com", phone="+380501234567", street="Khreshchatyk 1"
        )
        cls.order = cls.create_order(cls.customer, confirm=False)
        cls.consent = cls.env["customer.consent"].create(
            {"partner_id": cls.customer.id, "purpose": "marketing_email", "state": "given"}
        )
        cls.registration = cls.env["customer.registration.request"].create(
            {"name": "Olena Kovalenko", "phone": "+380501234567", "ip": "10.1.2.3"}
        )
        cls.bank = cls.env["res.partner.bank"].create(
            {"partner_id": cls.customer.id, "acc_number": "UA213223130000026007233566001"}
        )

    def log_count(self):
        return self.env["customer.export.log"].search_count([])

    def assert_refused(self, records, fields_to_export):
        before = self.log_count()
        with self.assertRaises(AccessError):
            records.with_user(self.exporter).export_data(fields_to_export)
        self.assertEqual(self.log_count(), before, "a refused export must not be logged")

    def assert_allowed_and_logged(self, records, fields_to_export):
        result = records.with_user(self.manager).export_data(fields_to_export)
        self.assertEqual(len(result["datas"]), len(records))
        log = self.env["customer.export.log"].search([], limit=1)
        self.assertEqual(
            (log.user_id, log.model, log.record_count, log.field_names),
            (self.manager, records._name, len(records), ", ".join(fields_to_export)),
        )
        return result

    def test_user_cannot_export_partner_data_of_other_models(self):
        for records, fields_to_export in (
            (self.order, ["name", "partner_id/email"]),
            (self.order, ["name", "partner_id"]),
            (self.order, ["partner_shipping_id/street"]),
            (self.order, ["order_line/order_partner_id/phone"]),
            (self.consent, ["purpose", "partner_id/name"]),
            (self.consent, ["partner_id/phone"]),
            (self.registration, ["phone"]),
            (self.registration, ["ip"]),
            (self.bank, ["acc_number"]),
            (self.customer, ["name"]),
        ):
            with self.subTest(model=records._name, fields=fields_to_export):
                self.assert_refused(records, fields_to_export)

    def test_user_may_export_without_personal_data(self):
        before = self.log_count()
        result = self.order.with_user(self.exporter).export_data(
            ["name", "amount_total", "partner_id/id", "partner_id/.id"]
        )
        self.assertEqual(result["datas"][0][0], self.order.name)
        self.assertEqual(self.log_count(), before, "nothing personal, nothing logged")

    def test_manager_export_is_allowed_and_logged(self):
        result = self.assert_allowed_and_logged(self.order, ["name", "partner_id/email"])
        self.assertEqual(result["datas"][0][1], "olena@example.com")
        result = self.assert_allowed_and_logged(self.consent, ["partner_id/phone"])
        self.assertEqual(result["datas"][0][0], "+380501234567")
        self.assert_allowed_and_logged(self.registration, ["name", "ip"])
        self.assert_allowed_and_logged(self.bank, ["acc_number"])
