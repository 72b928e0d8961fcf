# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CustomerBaseCase


class Receiver(ThreadingHTTPServer):
    """A real HTTP receiver on localhost recording what it gets.

    ``mode`` makes it misbehave: "redirect" answers 302 to ``/elsewhere``,
    "huge" answers a 5 MB body, "slow" waits ``delay`` seconds before
    answering, "reset" drops the connection without any answer.
    """

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received = []
        self.answer_status = 200
        self.mode = None
        self.delay = 3

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def reset(self):
        self.received.clear()
        self.answer_status = 200
        self.mode = None


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": body}
        )
        mode = self.server.mode if self.path == "/hook" else None
        if self.path.endswith("?reset"):
            mode = "reset"
        if mode == "reset":
            self.close_connection = True
            return
        if mode == "slow":
            time.sleep(self.server.delay)
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.end_headers()
            return
        answer = b"x" * 5_000_000 if mode == "huge" else b"ok"
        if self.server.answer_status >= 300:
            answer = b"receiver error"
        self.send_response(self.server.answer_status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        try:
            self.wfile.write(answer)
        except OSError:  # the sender does not read the body and may hang up first
            self.close_connection = True

    def log_message(self, *args):
        """Keep the test log quiet."""


@tagged("post_install", "-at_install")
class TestWebhooks(CustomerBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        cls.receiver_thread = threading.Thread(target=cls.receiver.serve_forever, daemon=True)
        cls.receiver_thread.start()
        cls.addClassCleanup(cls.receiver.server_close)
        cls.addClassCleanup(cls.receiver.shutdown)
        # the receiver runs on this machine: allow private receivers (off by default)
        cls.env["ir.config_parameter"].sudo().set_param(
            "customer_base.webhook_allow_private_hosts", "1"
        )
        cls.subscription = cls.env["customer.webhook.subscription"].create(
            {
                "name": "CRM",
                "url": cls.receiver.url,
                "events": "customer.created, consent.given",
                "secret": "s3cret",
            }
        )
        cls.Delivery = cls.env["customer.webhook.delivery"]

    def setUp(self):
        super().setUp()
        self.receiver.reset()

    def enqueue_customer(self):
        """Creating a customer queues customer.created by itself."""
        partner = self.create_customer(phone="+380501234567")
        return partner, self.last_delivery()

    def last_delivery(self):
        return self.Delivery.search(
            [("subscription_id", "=", self.subscription.id)], order="id desc", limit=1
        )

    def make_due(self, delivery):
        delivery.next_attempt_at = fields.Datetime.now() - timedelta(seconds=1)

    def test_enqueue_only_inserts(self):
        _partner, delivery = self.enqueue_customer()
        self.assertEqual(delivery.state, "pending")
        self.assertFalse(self.receiver.received)

    def test_card_changes_and_consents_are_queued(self):
        partner, delivery = self.enqueue_customer()
        self.assertEqual(delivery.event, "customer.created")
        self.assertEqual(json.loads(delivery.payload)["id"], partner.id)
        self.subscription.events = "customer.updated, consent.withdrawn"
        partner.comment = "Prefers calls after 6 pm"
        self.assertEqual(self.last_delivery(), delivery, "a note is not a card change")
        partner.email = "Olena.New@Example.com"
        updated = self.last_delivery()
        self.assertEqual(updated.event, "customer.updated")
        self.assertEqual(json.loads(updated.payload)["email"], "olena.new@example.com")
        self.env["customer.consent"].create(
            {
                "partner_id": partner.id,
                "purpose": "marketing_email",
                "state": "withdrawn",
                "channel": "other",
            }
        )
        withdrawn = self.last_delivery()
        self.assertEqual(withdrawn.event, "consent.withdrawn")
        self.assertEqual(json.loads(withdrawn.payload)["purpose"], "marketing_email")

    def test_enqueue_without_subscription_does_nothing(self):
        self.assertFalse(self.Delivery._enqueue("tier.changed", self.create_customer()))
        self.subscription.active = False
        self.assertFalse(self.Delivery._enqueue("customer.created", self.create_customer()))

    def test_delivered_with_verifiable_signature(self):
        partner, delivery = self.enqueue_customer()
        self.Delivery._cron_process_deliveries()
        self.assertEqual(delivery.state, "sent")
        self.assertEqual((delivery.attempts, delivery.response_code), (1, 200))
        self.assertEqual(len(self.receiver.received), 1)
        request = self.receiver.received[0]
        headers = request["headers"]
        self.assertEqual(headers["X-Customer-Base-Event"], "customer.created")
        expected = hmac.new(
            b"s3cret",
            f"{headers['X-Customer-Base-Timestamp']}.{request['body']}".encode(),
            hashlib.sha256,
        ).hexdigest()
        self.assertEqual(headers["X-Customer-Base-Signature"], f"sha256={expected}")
        body = json.loads(request["body"])
        self.assertEqual(body["event"], "customer.created")
        self.assertEqual(body["data"]["id"], partner.id)
        self.assertEqual(body["data"]["phone"], "+380501234567")

    def test_failure_is_retried_with_back_off(self):
        _partner, delivery = self.enqueue_customer()
        self.receiver.answer_status = 500
        self.Delivery._cron_process_deliveries()
        self.assertEqual((delivery.state, delivery.attempts), ("failed", 1))
        self.assertEqual(delivery.response_code, 500)
        first_delay = delivery.next_attempt_at - fields.Datetime.now()
        self.assertGreater(first_delay, timedelta(seconds=30))
        # not due yet: the cron leaves it alone
        self.Delivery._cron_process_deliveries()
        self.assertEqual(delivery.attempts, 1)
        self.make_due(delivery)
        self.Delivery._cron_process_deliveries()
        self.assertEqual(delivery.attempts, 2)
        self.assertGreater(
            delivery.next_attempt_at - fields.Datetime.now(), first_delay + timedelta(seconds=30)
        )
        self.receiver.answer_status = 200
        self.make_due(delivery)
        self.Delivery._cron_process_deliveries()
        self.assertEqual((delivery.state, delivery.attempts), ("sent", 3))
        self.assertEqual(len(self.receiver.received), 3)

    def test_dead_after_max_attempts_and_manual_retry(self):
        self.env["ir.config_parameter"].sudo().set_param("customer_base.webhook_max_attempts", 3)
        _partner, delivery = self.enqueue_customer()
        self.receiver.answer_status = 500
        for _attempt in range(3):
            self.make_due(delivery)
            self.Delivery._cron_process_deliveries()
        self.assertEqual((delivery.state, delivery.attempts), ("dead", 3))
        self.make_due(delivery)
        self.Delivery._cron_process_deliveries()
        self.assertEqual(delivery.attempts, 3, "a dead delivery is not sent again")
        delivery.action_retry()
        self.assertEqual((delivery.state, delivery.attempts), ("pending", 0))
        self.receiver.answer_status = 200
        self.Delivery._cron_process_deliveries()
        self.assertEqual(delivery.state, "sent")

    def test_unknown_event_is_refused(self):
        with self.assertRaises(ValidationError):
            self.subscription.events = "customer.deleted"
