# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CustomerBaseCase


class TwoCompaniesCase(CustomerBaseCase):
    """Company A (the test company) and company B, with a manager of A only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_a = new_test_user(
            cls.env,
            login="cb_manager_a",
            groups="base.group_user,customer_base.group_customer_manager,"
            "sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
            name="Manager of A",
        )
        cls.env_b = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_b.ids))

    def assert_hidden(self, records):
        """The manager of A finds none of ``records`` and cannot read, write or delete them."""
        model = records.with_user(self.manager_a)
        self.assertFalse(model.search([("id", "in", records.ids)]))
        self.assertFalse(model.search_count([("id", "in", records.ids)]))
        for record in model:
            with self.assertRaises(AccessError):
                record.read(["display_name"])
            with self.assertRaises(AccessError):
                record.check_access("write")
            with self.assertRaises(AccessError):
                record.check_access("unlink")


@tagged("post_install", "-at_install")
class TestCompanyIsolation(TwoCompaniesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_b = cls.env_b["customer.api.key"].create({"name": "Till of B"})
        cls.subscription_b = cls.env_b["customer.webhook.subscription"].create(
            {"name": "Shop of B", "url": "https://b.example.com/hook"}
        )
        cls.delivery_b = cls.env_b["customer.webhook.delivery"].create(
            {"subscription_id": cls.subscription_b.id, "event": "customer.created", "payload": "{}"}
        )
        cls.log_b = cls.env_b["customer.api.log"].create(
            {"key_id": cls.key_b.id, "endpoint": "customers/find", "http_status": 200}
        )
        cls.customer = cls.create_customer(email="olena@example.com")
        cls.order_b = cls.env_b["sale.order"].create({"partner_id": cls.customer.id})
        cls.purchase_b = cls.env_b["customer.api.purchase"].create(
            {"company_id": cls.company_b.id, "external_id": "B-1", "order_id": cls.order_b.id}
        )
        cls.consent_b = cls.env_b["customer.consent"].create(
            {"partner_id": cls.customer.id, "purpose": "marketing_sms"}
        )
        cls.forget_b = cls.env_b["customer.forget.request"].create(
            {"partner_ref": 424242, "reason": "Asked by the person"}
        )
        cls.registration_b = cls.env_b["customer.registration.request"].create(
            {"name": "Olena", "partner_id": cls.customer.id}
        )
        # Attacks start from a plain environment, not from company B's context.
        for name in (
            "key_b",
            "subscription_b",
            "delivery_b",
            "log_b",
            "purchase_b",
            "consent_b",
            "forget_b",
            "registration_b",
        ):
            setattr(cls, name, getattr(cls, name).with_env(cls.env))

    def test_records_of_b_are_invisible_to_a(self):
        for records in (self.consent_b, self.forget_b, self.registration_b):
            self.assertEqual(records.company_id, self.company_b)
        for records in (
            self.key_b,
            self.subscription_b,
            self.delivery_b,
            self.log_b,
            self.purchase_b,
            self.consent_b,
            self.forget_b,
            self.registration_b,
        ):
            with self.subTest(model=records._name):
                self.assert_hidden(records)

    def test_webhook_secret_of_b_is_not_readable(self):
        subscription = self.subscription_b.with_user(self.manager_a)
        with self.assertRaises(AccessError):
            subscription.read(["secret"])
        with self.assertRaises(AccessError):
            subscription.write({"url": "https://attacker.example.com/hook"})
        self.assertEqual(self.subscription_b.url, "https://b.example.com/hook")

    def test_api_key_of_b_cannot_be_regenerated_or_changed(self):
        hint = self.key_b.key_hint
        key = self.key_b.with_user(self.manager_a)
        with self.assertRaises(AccessError):
            key.write({"scope_spend_points": True})
        with self.assertRaises(AccessError):
            key.action_generate_key()
        with self.assertRaises(AccessError):
            key.unlink()
        self.assertFalse(self.key_b.scope_spend_points)
        self.assertEqual(self.key_b.key_hint, hint)
        self.assertTrue(self.key_b.exists())

    def test_no_api_key_or_subscription_created_for_b(self):
        Key = self.env["customer.api.key"].with_user(self.manager_a)
        Subscription = self.env["customer.webhook.subscription"].with_user(self.manager_a)
        keys_before = self.env["customer.api.key"].search_count([])
        subscriptions_before = self.env["customer.webhook.subscription"].search_count([])
        with self.assertRaises(AccessError):
            Key.create({"name": "Stolen", "company_id": self.company_b.id})
        with self.assertRaises(AccessError):
            Subscription.create(
                {
                    "name": "Stolen",
                    "url": "https://attacker.example.com/hook",
                    "company_id": self.company_b.id,
                }
            )
        self.assertEqual(self.env["customer.api.key"].search_count([]), keys_before)
        self.assertEqual(
            self.env["customer.webhook.subscription"].search_count([]), subscriptions_before
        )

    def test_own_key_or_subscription_cannot_move_to_b(self):
        key = self.env["customer.api.key"].with_user(self.manager_a).create({"name": "Till of A"})
        subscription = (
            self.env["customer.webhook.subscription"]
            .with_user(self.manager_a)
            .create({"name": "Shop of A", "url": "https://a.example.com/hook"})
        )
        self.assertEqual(key.company_id, self.company_a)
        self.assertEqual(subscription.company_id, self.company_a)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            key.write({"company_id": self.company_b.id})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            subscription.write({"company_id": self.company_b.id})
        self.env.invalidate_all()
        self.assertEqual(key.company_id, self.company_a)
        self.assertEqual(subscription.company_id, self.company_a)

    def test_consent_for_b_cannot_be_recorded(self):
        Consent = self.env["customer.consent"].with_user(self.manager_a)
        before = self.env["customer.consent"].search_count([])
        with self.assertRaises(AccessError):
            Consent.create(
                {
                    "partner_id": self.customer.id,
                    "purpose": "personal_data",
                    "company_id": self.company_b.id,
                }
            )
        self.assertEqual(self.env["customer.consent"].search_count([]), before)

    def test_manager_of_a_keeps_seeing_a(self):
        key_a = self.env["customer.api.key"].create({"name": "Till of A"})
        visible = (
            self.env["customer.api.key"]
            .with_user(self.manager_a)
            .search([("id", "in", (key_a | self.key_b).ids)])
        )
        self.assertEqual(visible, key_a)


@tagged("post_install", "-at_install")
class TestOwnCustomersOnly(CustomerBaseCase):
    """With "salespeople see only their own customers", what carries the data of
    the other customers is hidden from the salesperson too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.config.settings"].create({"group_customer_own_only": True}).execute()
        cls.mine = cls.create_customer(user_id=cls.user.id, acquisition_channel="other")
        cls.theirs = cls.create_customer(
            firstname="Ольга", user_id=cls.manager.id, acquisition_channel="other"
        )
        Consent = cls.env["customer.consent"]
        cls.consents = Consent.create(
            [
                {"partner_id": partner.id, "purpose": "marketing_sms"}
                for partner in (cls.mine, cls.theirs)
            ]
        )
        cls.requests = cls.env["customer.registration.request"].create(
            [{"name": partner.name, "partner_id": partner.id} for partner in (cls.mine, cls.theirs)]
        )

    def test_salesperson_sees_the_consents_of_own_customers_only(self):
        Consent = self.env["customer.consent"].with_user(self.user)
        self.assertEqual(Consent.search([("id", "in", self.consents.ids)]).partner_id, self.mine)
        theirs = self.consents.filtered(lambda c: c.partner_id == self.theirs)
        with self.assertRaises(AccessError):
            theirs.with_user(self.user).read(["state"])
        self.assertEqual(
            self.env["customer.consent"]
            .with_user(self.manager)
            .search_count([("id", "in", self.consents.ids)]),
            2,
        )

    def test_salesperson_cannot_record_consent_of_another_customer(self):
        before = self.env["customer.consent"].search_count([])
        with self.assertRaises(AccessError):
            self.env["customer.consent"].with_user(self.user).create(
                {"partner_id": self.theirs.id, "purpose": "personal_data"}
            )
        self.assertEqual(self.env["customer.consent"].search_count([]), before)
        self.env["customer.consent"].with_user(self.user).create(
            {"partner_id": self.mine.id, "purpose": "personal_data"}
        )

    def test_salesperson_sees_the_registrations_of_own_customers_only(self):
        Request = self.env["customer.registration.request"].with_user(self.user)
        self.assertEqual(Request.search([("id", "in", self.requests.ids)]).partner_id, self.mine)
        theirs = self.requests.filtered(lambda r: r.partner_id == self.theirs)
        state = theirs.state
        with self.assertRaises(AccessError):
            theirs.with_user(self.user).write({"state": "done"})
        self.assertEqual(theirs.state, state)
        self.assertEqual(
            self.env["customer.registration.request"]
            .with_user(self.manager)
            .search_count([("id", "in", self.requests.ids)]),
            2,
        )

    def test_archived_own_customer_keeps_its_history(self):
        self.mine.active = False
        Consent = self.env["customer.consent"].with_user(self.user)
        self.assertEqual(Consent.search([("id", "in", self.consents.ids)]).partner_id, self.mine)
