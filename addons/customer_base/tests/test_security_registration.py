# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
import threading
import uuid

from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase

PARALLEL_CALLS = 25


@tagged("post_install", "-at_install")
class TestRegistrationPageAttacks(HttpCase):
    """Attacks on the public registration page: probing who is a customer,
    flooding one contact, oversized fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.ua")
        cls.Partner = cls.env["res.partner"].with_context(active_test=False)
        cls.Request = cls.env["customer.registration.request"]
        cls.known = cls.env["res.partner"].create(
            {"name": "Known Person", "email": "known@example.com", "phone": "+380501112233"}
        )
        cls.env["ir.config_parameter"].set_param("customer_base.registration_rate_limit", 100)

    def _submit(self, **values):
        page = self.url_open("/customer/register")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {"csrf_token": token, "name": "Probe Person", "consent": "1", **values}
        return self.url_open("/customer/register", data={k: v for k, v in data.items() if v})

    def test_known_and_unknown_get_the_same_answer_and_nothing_is_matched_inline(self):
        partner_count = self.Partner.search_count([])
        unknown = self._submit(email="nobody.yet@example.com")
        known = self._submit(email="known@example.com")
        self.assertEqual((known.status_code, known.text), (unknown.status_code, unknown.text))
        # the request only stored the submissions: no contact made or linked yet
        self.assertEqual(self.Partner.search_count([]), partner_count)
        requests = self.Request.search([], order="id")
        self.assertEqual(requests.mapped("state"), ["pending", "pending"])
        self.assertFalse(requests.partner_id)
        self.Request._cron_process_pending(batch_size=1)
        self.assertEqual(requests.mapped("state"), ["created", "to_review"])
        self.assertEqual(requests[1].partner_id, self.known)
        self.assertEqual(self.known.name, "Known Person")

    def test_one_contact_cannot_be_flooded(self):
        self.env["ir.config_parameter"].set_param(
            "customer_base.registration_contact_rate_limit", 2
        )
        answers = {self._submit(email="victim@example.com").text for _i in range(4)}
        self.assertEqual(len(answers), 1, "the page does not tell the limit was reached")
        self.assertEqual(self.Request.search_count([("email", "=", "victim@example.com")]), 2)

    def test_oversized_and_unknown_fields_are_refused(self):
        for values in (
            {"name": "x" * 129, "email": "long@example.com"},
            {"email": "a" * 250 + "@example.com"},
            {"email": "extra@example.com", "is_company": "1"},
        ):
            response = self._submit(**values)
            self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Request.search([]))

    def test_cron_processes_in_batches(self):
        for index in range(3):
            self._submit(email=f"batch{index}@example.com")
        self.Request._cron_process_pending(batch_size=2)
        self.assertFalse(self.Request.search([("state", "=", "pending")]))
        self.assertEqual(len(self.Partner.search([("email", "=like", "batch%@example.com")])), 3)


@tagged("post_install", "-at_install")
class TestRateLimitRace(TransactionCase):
    """25 transactions counting the same key at the same time: exactly
    ``limit`` of them pass. The counter commits in cursors of its own, so the
    test uses a unique key and removes its rows."""

    def setUp(self):
        super().setUp()
        self.key = f"test-race:{uuid.uuid4()}"
        self.addCleanup(self._remove_counters)

    def _remove_counters(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM customer_rate_limit_counter WHERE key = %s", (self.key,))

    def test_limit_holds_under_parallel_calls(self):
        limit = 5
        limits = self.env["customer.rate.limit"]
        barrier = threading.Barrier(PARALLEL_CALLS)
        refused = []

        def call():
            barrier.wait()
            refused.append(limits._hit(self.key, limit, 3600))

        threads = [threading.Thread(target=call) for _i in range(PARALLEL_CALLS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(refused), PARALLEL_CALLS)
        self.assertEqual(refused.count(False), limit)
