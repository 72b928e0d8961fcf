# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
import threading

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_base.models.customer_webhook_delivery import webhook_signature

from .common import CustomerBaseCase
from .test_webhooks import Receiver

ALLOW_PRIVATE = "customer_base.webhook_allow_private_hosts"


@tagged("post_install", "-at_install")
class TestWebhookSecurity(CustomerBaseCase):
    """Attacks on outbound webhooks, against a real HTTP receiver on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        threading.Thread(target=cls.receiver.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.receiver.server_close)
        cls.addClassCleanup(cls.receiver.shutdown)
        cls.Subscription = cls.env["customer.webhook.subscription"]
        cls.Delivery = cls.env["customer.webhook.delivery"]
        cls.Subscription.search([]).active = False

    def setUp(self):
        super().setUp()
        self.receiver.reset()
        self.receiver.delay = 3
        self.allow_private(True)

    def allow_private(self, allowed):
        self.env["ir.config_parameter"].sudo().set_param(ALLOW_PRIVATE, "1" if allowed else "")

    def subscribe(self, url, name="CRM", **values):
        return self.Subscription.create({"name": name, "url": url, "events": "*", **values})

    def deliveries_of(self, subscription):
        return self.Delivery.search([("subscription_id", "=", subscription.id)])

    def set_url_in_database(self, subscription, url):
        """A URL saved before the checks existed (the constraint is bypassed)."""
        self.env.cr.execute(
            "UPDATE customer_webhook_subscription SET url = %s WHERE id = %s",
            [url, subscription.id],
        )
        subscription.invalidate_recordset(["url"])

    # ------------------------------------------------------------------
    # Point 13: no request to the server's own network
    # ------------------------------------------------------------------
    def test_private_receivers_refused_when_saved(self):
        self.allow_private(False)
        urls = [
            self.receiver.url,
            "http://localhost:8069/web",
            "http://10.1.2.3/hook",
            "http://192.168.0.1/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/hook",
            "http://0.0.0.0:8069/hook",
            "http://224.0.0.1/hook",
            "http://240.0.0.1/hook",
            "http://[::1]:8069/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://[fe80::1]/hook",
            "http://2130706433/hook",  # 127.0.0.1 written as an integer
            "ftp://example.com/hook",
            "http://" + "a" * 64 + ".example.com/hook",
            "http://[::1/hook",
        ]
        count = self.Subscription.search_count([])
        for url in urls:
            with self.subTest(url=url), self.assertRaises(ValidationError):
                self.subscribe(url)
        self.assertEqual(self.Subscription.search_count([]), count)
        subscription = self.subscribe("https://crm.example.com/hook")
        with self.assertRaises(ValidationError):
            subscription.url = "http://127.0.0.1:8069/web/database/list"
        self.assertEqual(subscription.url, "https://crm.example.com/hook")

    def test_private_receiver_refused_when_sent(self):
        subscription = self.subscribe(self.receiver.url)
        self.create_customer()
        delivery = self.deliveries_of(subscription)
        self.allow_private(False)
        self.Delivery._cron_process_deliveries()
        self.assertEqual(delivery.state, "failed")
        self.assertIn("127.0.0.1", delivery.last_error)
        self.assertFalse(self.receiver.received, "nothing reached the private receiver")

    def test_delivered_when_private_receivers_allowed(self):
        subscription = self.subscribe(self.receiver.url)
        self.create_customer()
        self.Delivery._cron_process_deliveries()
        self.assertEqual(self.deliveries_of(subscription).state, "sent")
        self.assertEqual(len(self.receiver.received), 1)

    def test_redirect_is_not_followed(self):
        subscription = self.subscribe(self.receiver.url)
        self.create_customer()
        self.receiver.mode = "redirect"
        self.Delivery._cron_process_deliveries()
        delivery = self.deliveries_of(subscription)
        self.assertEqual((delivery.state, delivery.response_code), ("failed", 302))
        self.assertEqual([request["path"] for request in self.receiver.received], ["/hook"])

    def test_receiver_body_is_not_stored(self):
        subscription = self.subscribe(self.receiver.url)
        self.create_customer()
        self.receiver.mode = "huge"
        self.receiver.answer_status = 500
        self.Delivery._cron_process_deliveries()
        delivery = self.deliveries_of(subscription)
        self.assertEqual((delivery.state, delivery.response_code), ("failed", 500))
        self.assertNotIn("receiver error", delivery.last_error)
        self.assertLess(len(delivery.last_error), 120)

    def test_huge_answer_is_not_read(self):
        subscription = self.subscribe(self.receiver.url)
        self.create_customer()
        self.receiver.mode = "huge"
        self.Delivery._cron_process_deliveries()
        delivery = self.deliveries_of(subscription)
        self.assertEqual(delivery.state, "sent")
        self.assertFalse(delivery.last_error)

    def test_slow_receiver_times_out(self):
        self.env["ir.config_parameter"].sudo().set_param("customer_base.webhook_timeout", 1)
        subscription = self.subscribe(self.receiver.url)
        self.create_customer()
        self.receiver.mode = "slow"
        # the test framework raises request timeouts under 10 s to 10 s
        self.receiver.delay = 12
        self.Delivery._cron_process_deliveries()
        delivery = self.deliveries_of(subscription)
        self.assertEqual(delivery.state, "failed")
        self.assertIn("Timeout", delivery.last_error)

    # ------------------------------------------------------------------
    # Point 14: one bad delivery never stops the others
    # ------------------------------------------------------------------
    def test_bad_deliveries_do_not_block_the_queue(self):
        long_label = self.subscribe(self.receiver.url, name="Long label")
        self.set_url_in_database(long_label, "http://" + "a" * 64 + ".example.com/hook")
        malformed = self.subscribe(self.receiver.url, name="Malformed")
        self.set_url_in_database(malformed, "http://[::1/hook")
        no_scheme = self.subscribe(self.receiver.url, name="No scheme")
        self.set_url_in_database(no_scheme, "gopher://example.com/hook")
        resetting = self.subscribe(self.receiver.url + "?reset", name="Resetting")
        bad_payload = self.subscribe(self.receiver.url, name="Bad payload")
        good = self.subscribe(self.receiver.url, name="Working")  # sorted last
        self.create_customer()
        self.env.cr.execute(
            "UPDATE customer_webhook_delivery SET payload = 'not json' WHERE subscription_id = %s",
            [bad_payload.id],
        )
        self.Delivery.invalidate_model(["payload"])
        self.env.flush_all()
        self.Delivery._cron_process_deliveries()
        for subscription in (long_label, malformed, no_scheme, resetting, bad_payload):
            with self.subTest(subscription=subscription.name):
                delivery = self.deliveries_of(subscription)
                self.assertEqual(delivery.state, "failed")
                self.assertTrue(delivery.last_error)
        self.assertEqual(self.deliveries_of(good).state, "sent")
        # a second run does not crash either and leaves the failed ones waiting
        self.Delivery._cron_process_deliveries()
        self.assertEqual(self.deliveries_of(long_label).attempts, 1)

    # ------------------------------------------------------------------
    # Point 15: secrets and replay protection
    # ------------------------------------------------------------------
    def test_secret_is_not_readable_by_a_customer_base_manager(self):
        subscription = self.subscribe("https://crm.example.com/hook", secret="s3cret")
        as_manager = subscription.with_user(self.manager)
        with self.assertRaises(AccessError):
            as_manager.read(["secret"])
        with self.assertRaises(AccessError):
            as_manager.search_read([("id", "=", subscription.id)], ["secret"])
        self.assertNotIn("secret", as_manager.read()[0])
        self.assertNotIn("secret", as_manager.search_read([("id", "=", subscription.id)])[0])
        with self.assertRaises(AccessError):
            as_manager.write({"secret": "known"})
        self.assertEqual(subscription.secret, "s3cret")
        # a manager still creates subscriptions: they get a random secret
        created = self.Subscription.with_user(self.manager).create(
            {"name": "Manager's", "url": "https://shop.example.com/hook"}
        )
        self.assertEqual(len(created.sudo().secret), 64)

    def test_signature_covers_the_timestamp(self):
        self.subscribe(self.receiver.url, secret="s3cret")
        self.create_customer()
        self.Delivery._cron_process_deliveries()
        headers = self.receiver.received[0]["headers"]
        self.assertTrue(headers["X-Customer-Base-Timestamp"].isdigit())
        body = self.receiver.received[0]["body"]
        other_time = str(int(headers["X-Customer-Base-Timestamp"]) - 3600)
        self.assertEqual(
            headers["X-Customer-Base-Signature"],
            webhook_signature("s3cret", headers["X-Customer-Base-Timestamp"], body),
        )
        self.assertNotEqual(
            headers["X-Customer-Base-Signature"], webhook_signature("s3cret", other_time, body)
        )


@tagged("post_install", "-at_install")
class TestWebhookCompanyRouting(CustomerBaseCase):
    """Point 6: events go to the subscribers of the record's company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["customer.webhook.subscription"].search([]).active = False
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.user_ab = new_test_user(
            cls.env,
            login="cb_manager_ab",
            groups="base.group_user,customer_base.group_customer_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
            name="Manager of A and B",
        )
        Subscription = cls.env["customer.webhook.subscription"]
        cls.subscription_a = Subscription.create(
            {"name": "A", "url": "https://a.example.com/hook", "company_id": cls.company_a.id}
        )
        cls.subscription_b = Subscription.create(
            {"name": "B", "url": "https://b.example.com/hook", "company_id": cls.company_b.id}
        )

    def payload_ids(self, subscription, event):
        deliveries = self.env["customer.webhook.delivery"].search(
            [("subscription_id", "=", subscription.id), ("event", "=", event)]
        )
        return [json.loads(delivery.payload)["id"] for delivery in deliveries]

    def test_customer_of_b_saved_with_a_active_goes_to_b_only(self):
        env = self.env(
            user=self.user_ab,
            context=dict(self.env.context, allowed_company_ids=self.company_a.ids),
        )
        self.assertEqual(env.company, self.company_a)
        allowed_ab = (self.company_a | self.company_b).ids
        customer = (
            env["res.partner"]
            .with_context(allowed_company_ids=allowed_ab)
            .create({"firstname": "Iryna", "lastname": "Bondar", "company_id": self.company_b.id})
        )
        self.assertEqual(self.payload_ids(self.subscription_b, "customer.created"), customer.ids)
        self.assertFalse(self.payload_ids(self.subscription_a, "customer.created"))
        customer.with_user(self.user_ab).with_context(allowed_company_ids=allowed_ab).write(
            {"email": "iryna@example.com"}
        )
        self.assertEqual(self.payload_ids(self.subscription_b, "customer.updated"), customer.ids)
        self.assertFalse(self.payload_ids(self.subscription_a, "customer.updated"))

    def test_shared_customer_goes_to_every_company(self):
        customer = self.create_customer(company_id=False)
        self.assertEqual(self.payload_ids(self.subscription_a, "customer.created"), customer.ids)
        self.assertEqual(self.payload_ids(self.subscription_b, "customer.created"), customer.ids)

    def test_ready_made_payload_follows_its_record(self):
        customer = self.create_customer(company_id=self.company_b.id)
        self.env["customer.webhook.delivery"]._enqueue(
            "customer.updated", [{"model": "res.partner", "id": customer.id}]
        )
        self.assertEqual(self.payload_ids(self.subscription_b, "customer.updated"), customer.ids)
        self.assertFalse(self.payload_ids(self.subscription_a, "customer.updated"))
