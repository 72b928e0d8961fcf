# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import inspect
import re
import threading
import uuid

from odoo.tests import HttpCase, tagged
from odoo.tests.common import TransactionCase
from odoo.tools.misc import file_path

from odoo.addons.customer_base.controllers import api as api_controller
from odoo.addons.customer_base.controllers.api import CustomerApiController

from .common import CustomerApiMixin, CustomerBaseCase

PARALLEL_CALLS = 25


@tagged("post_install", "-at_install")
class TestApiAttacks(CustomerApiMixin, CustomerBaseCase, HttpCase):
    API_SCOPES = {
        "scope_read_card": True,
        "scope_write_customer": True,
        "scope_record_purchase": True,
        "rate_limit": 0,
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.create_customer(phone="+380501234567")
        cls.Purchase = cls.env["customer.api.purchase"]

    def purchase_payload(self, external_id="1", quantity=2, **values):
        return {
            "external_id": external_id,
            "customer": {"phone": "050 123 45 67"},
            "lines": [{"product": "COFFEE-1", "quantity": quantity, "price_unit": 150.0}],
            **values,
        }

    def test_same_external_id_with_another_body_is_a_conflict(self):
        status, first = self.call("purchases", self.purchase_payload())
        self.assertEqual(status, 201, first)
        status, body = self.call("purchases", self.purchase_payload())
        self.assertEqual((status, body["duplicate"]), (200, True))
        status, body = self.call("purchases", self.purchase_payload(quantity=3))
        self.assertEqual((status, body["error"]["code"]), (409, "idempotency_conflict"))
        orders = self.Purchase.search([("external_id", "=", "1")]).order_id
        self.assertEqual(orders.ids, [first["order"]["id"]])
        self.assertEqual(orders.order_line.product_uom_qty, 2)

    def test_two_tills_numbering_from_one_do_not_collide(self):
        other = self.env["customer.api.key"].create({"name": "Second till", **self.API_SCOPES})
        other_key = other._set_new_key()
        status, first = self.call("purchases", self.purchase_payload())
        self.assertEqual(status, 201, first)
        status, body = self.call("purchases", self.purchase_payload(quantity=5), key=other_key)
        self.assertEqual(status, 201, body)
        self.assertNotEqual(body["order"]["id"], first["order"]["id"])
        self.assertEqual(len(self.Purchase.search([("external_id", "=", "1")])), 2)

    def test_nan_and_infinity_are_refused(self):
        body = (
            '{"external_id": "nan", "customer": {"phone": "0501234567"}, '
            '"lines": [{"product": "COFFEE-1", "price_unit": %s}]}'
        )
        for number in ("NaN", "Infinity", "-Infinity", "1e999"):
            status, answer = self.call("purchases", body % number)
            self.assertEqual(status, 400, number)
            self.assertIn(answer["error"]["code"], ("invalid_json", "invalid_number"))
        self.assertFalse(self.Purchase.search([("external_id", "=", "nan")]))

    def test_strings_have_a_length_limit(self):
        for path, payload in (
            ("customers", {"phone": "0509998877", "firstname": "x" * 65}),
            ("customers", {"email": "a" * 250 + "@example.com"}),
            ("purchases", self.purchase_payload(external_id="x" * 65)),
            ("customers/find", {"card_number": "9" * 33}),
        ):
            status, body = self.call(path, payload)
            self.assertEqual((status, body["error"]["code"]), (400, "too_long"), path)
        self.assertFalse(self.env["res.partner"].search([("phone", "=", "+380509998877")]))

    def test_contact_of_a_user_is_never_filled(self):
        user = self.env["res.users"].create(
            {"name": "Shop Employee", "login": "employee@example.com", "phone": "+380631112233"}
        )
        contact = user.partner_id
        contact.email = False
        status, body = self.call(
            "customers", {"phone": "063 111 22 33", "email": "takeover@example.com"}
        )
        self.assertEqual(status, 200, body)
        self.assertEqual(body["customer"]["id"], contact.id)
        self.assertFalse(contact.email)

    def test_calls_without_a_valid_key_are_rate_limited_per_address(self):
        statuses = [
            self.call("customers/find", {"phone": "0501234567"}, key=f"cb_guess{index}")[0]
            for index in range(api_controller.INVALID_KEY_RATE_LIMIT + 1)
        ]
        self.assertEqual(set(statuses[:-1]), {401})
        self.assertEqual(statuses[-1], 429)

    # ------------------------------------------------------------------
    # The OpenAPI description is exact
    # ------------------------------------------------------------------
    def _documented_statuses(self):
        """{(path, method): {status}} read from the YAML description (PyYAML
        is not a dependency of Odoo: the layout of the file is read by indent)."""
        documented = {}
        path = method = None
        with open(file_path("customer_base/static/openapi/customer_api.yaml")) as spec:
            lines = spec.read().split("components:")[0].splitlines()
        for line in lines:
            if match := re.match(r"^  (/\S*):$", line):
                path = match.group(1)
            elif match := re.match(r"^    (get|post):$", line):
                method = match.group(1)
                documented[(path, method)] = set()
            elif match := re.match(r'^        "(\d{3})":', line):
                documented[(path, method)].add(int(match.group(1)))
        return documented

    def _statuses(self, method_name, seen):
        """Status codes ``method_name`` and the controller methods it calls return."""
        source = inspect.getsource(getattr(CustomerApiController, method_name))
        statuses = {
            int(code)
            for pattern in (r"ApiError\(\s*(\d{3})", r"status, body = (\d{3})", r"return (\d{3}),")
            for code in re.findall(pattern, source)
        }
        for callee in re.findall(r"self\.(_\w+)\(", source):
            if callee not in seen and hasattr(CustomerApiController, callee):
                seen.add(callee)
                statuses |= self._statuses(callee, seen)
        return statuses

    def _operations(self):
        """{(path, method): handler name} of the controller's API routes."""
        operations = {}
        for _name, method in inspect.getmembers(CustomerApiController, inspect.isfunction):
            routing = getattr(method, "original_routing", None)
            match = re.search(
                r'self\._call\("([^"]+)", "\w+", self\.(_\w+)\)', inspect.getsource(method)
            )
            if routing and match:
                for http_method in routing["methods"]:
                    operations[(f"/{match.group(1)}", http_method.lower())] = match.group(2)
        return operations

    def test_every_returned_status_is_documented(self):
        documented = self._documented_statuses()
        operations = self._operations()
        self.assertEqual(len(operations), 5)
        for (path, method), handler in operations.items():
            returned = self._statuses("_call", set()) | self._statuses(handler, set())
            self.assertIn(409, returned)
            self.assertLessEqual(returned, documented[(path, method)], f"{method} {path}")

    def test_schema_valid_minimal_requests_are_accepted(self):
        status, body = self.call("customers/find", {"card_number": "0"})
        self.assertEqual(status, 404, body)
        status, body = self.call("customers/find?card_number=0", method="GET")
        self.assertEqual(status, 404, body)
        status, body = self.call(
            "customers", {"firstname": "Min", "email": "only.email@example.com"}
        )
        self.assertEqual(status, 201, body)
        status, body = self.call(
            "purchases",
            {
                "external_id": "min",
                "customer": {"email": "only.email@example.com"},
                "date": "2026-03-01t10:00:00z",
                "lines": [{"product": "COFFEE-1", "price_unit": 0}],
            },
        )
        self.assertEqual(status, 201, body)


@tagged("post_install", "-at_install")
class TestApiKeyRateLimitRace(TransactionCase):
    """The per-key limit counted by 25 parallel transactions: exactly
    ``rate_limit`` calls pass (the counter commits in cursors of its own)."""

    def setUp(self):
        super().setUp()
        self.api_key = self.env["customer.api.key"].create(
            {"name": f"Race {uuid.uuid4()}", "rate_limit": 7}
        )
        self.addCleanup(self._remove_counters)

    def _remove_counters(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM customer_rate_limit_counter WHERE key = %s",
                (f"api-key:{self.api_key.id}",),
            )

    def test_per_key_limit_holds_under_parallel_calls(self):
        barrier = threading.Barrier(PARALLEL_CALLS)
        limited = []

        def call():
            barrier.wait()
            limited.append(self.api_key._rate_limited())

        threads = [threading.Thread(target=call) for _i in range(PARALLEL_CALLS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(limited.count(False), 7)
        self.assertEqual(limited.count(True), PARALLEL_CALLS - 7)
