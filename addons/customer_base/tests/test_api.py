# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo.tests import HttpCase, tagged

from .common import CustomerApiMixin, CustomerBaseCase


@tagged("post_install", "-at_install")
class TestCustomerApi(CustomerApiMixin, CustomerBaseCase, HttpCase):
    API_SCOPES = {
        "scope_read_card": True,
        "scope_write_customer": True,
        "scope_record_purchase": True,
    }

    def purchase_payload(self, external_id="TILL-1-0001", **values):
        return {
            "external_id": external_id,
            "customer": {"phone": "050 123 45 67"},
            "date": "2026-03-01T10:00:00",
            "lines": [{"product": "COFFEE-1", "quantity": 2, "price_unit": 150.0}],
            **values,
        }

    def test_key_is_stored_as_hash_only(self):
        self.assertTrue(self.key.startswith(self.api_key.key_hint))
        self.assertEqual(len(self.api_key.sudo().key_hash), 64)
        self.assertNotIn(self.key, self.api_key.sudo().key_hash)

    def test_wrong_key_is_refused(self):
        status, body = self.call("customers/find", {"phone": "0501234567"}, key="cb_wrong")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"]["code"], "invalid_key")

    def test_archived_key_is_refused(self):
        self.api_key.active = False
        status, _body = self.call("customers/find", {"phone": "0501234567"})
        self.assertEqual(status, 401)

    def test_missing_scope_is_forbidden(self):
        self.api_key.scope_record_purchase = False
        status, body = self.call("purchases", self.purchase_payload())
        self.assertEqual(status, 403)
        self.assertEqual(body["error"]["code"], "forbidden_scope")

    def test_rate_limit(self):
        self.api_key.rate_limit = 2
        for _call in range(2):
            status, _body = self.call("customers/find", {"phone": "0501234567"})
            self.assertEqual(status, 404)
        status, body = self.call("customers/find", {"phone": "0501234567"})
        self.assertEqual(status, 429)
        self.assertEqual(body["error"]["code"], "rate_limited")

    def test_calls_are_logged_without_personal_data(self):
        self.call("customers/find", {"phone": "0501234567"})
        log = self.env["customer.api.log"].search([("key_id", "=", self.api_key.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.endpoint, log.http_status, log.error_code), ("customers/find", 404, "not_found")
        )
        self.assertNotIn("050", json.dumps(log.read(["endpoint", "error_code"])))

    def test_unknown_field_is_refused(self):
        status, body = self.call("customers", {"phone": "0501234567", "shoe_size": 42})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["code"], "unknown_field")

    def test_wrong_type_and_bad_json_are_refused(self):
        status, body = self.call("customers", {"phone": 501234567})
        self.assertEqual((status, body["error"]["code"]), (400, "invalid_type"))
        status, body = self.call("customers", "{not json")
        self.assertEqual((status, body["error"]["code"]), (400, "invalid_json"))

    def test_oversized_body_is_refused(self):
        status, body = self.call("customers", {"firstname": "x" * (65 * 1024)})
        self.assertEqual((status, body["error"]["code"]), (413, "payload_too_large"))

    def test_invalid_phone_creates_nothing(self):
        partners = self.env["res.partner"].search_count([])
        status, body = self.call(
            "customers", {"firstname": "Ірина", "phone": "12", "consent": {"marketing_sms": True}}
        )
        self.assertEqual(status, 422)
        self.assertEqual(body["error"]["code"], "invalid_phone")
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_register_normalises_and_records_consent(self):
        status, body = self.call(
            "customers",
            {
                "firstname": " ірина ",
                "lastname": "Шевченко",
                "phone": "050 123 45 67",
                "email": " Iryna@Example.COM ",
                "channel": "point_of_sale",
                "consent": {"personal_data": True, "marketing_sms": True},
            },
        )
        self.assertEqual(status, 201)
        partner = self.env["res.partner"].browse(body["customer"]["id"])
        self.assertEqual(partner.phone, "+380501234567")
        self.assertEqual(partner.email, "iryna@example.com")
        self.assertEqual(partner.acquisition_channel, "point_of_sale")
        self.assertTrue(partner.customer_registration_date)
        self.assertTrue(partner.consent_marketing_sms)
        self.assertFalse(partner.consent_marketing_email)
        consents = self.env["customer.consent"].search([("partner_id", "=", partner.id)])
        self.assertEqual(set(consents.mapped("channel")), {"point_of_sale"})
        self.assertEqual(len(consents), 2)
        self.assertTrue(body["customer"]["consent"]["marketing_sms"])

    def test_register_matches_existing_and_completes_only_empty_fields(self):
        partner = self.create_customer(phone="+380501234567")
        status, body = self.call(
            "customers",
            {"firstname": "Інша", "phone": "0501234567", "email": "olena@example.com"},
        )
        self.assertEqual(status, 200)
        self.assertEqual(body["customer"]["id"], partner.id)
        self.assertEqual(partner.firstname, "Олена")
        self.assertEqual(partner.email, "olena@example.com")

    def test_find_by_phone_and_email(self):
        partner = self.create_customer(phone="+380501234567", email="olena@example.com")
        status, body = self.call("customers/find", {"phone": "050-123-45-67"})
        self.assertEqual(status, 200)
        self.assertEqual(body["customer"]["id"], partner.id)
        self.assertIsNone(body["customer"]["points_balance"])
        status, body = self.call("customers/find?email=OLENA%40example.com", method="GET")
        self.assertEqual((status, body["customer"]["id"]), (200, partner.id))

    def test_purchase_is_idempotent(self):
        partner = self.create_customer(phone="+380501234567")
        status, body = self.call("purchases", self.purchase_payload(total=300.0))
        self.assertEqual(status, 201)
        status, again = self.call("purchases", self.purchase_payload(total=300.0))
        self.assertEqual(status, 200)
        self.assertTrue(again["duplicate"])
        self.assertEqual(again["order"]["id"], body["order"]["id"])
        orders = self.env["sale.order"].search([("partner_id", "=", partner.id)])
        self.assertEqual(len(orders), 1)
        self.assertEqual(orders.state, "sale")
        self.assertEqual(orders.client_order_ref, "TILL-1-0001")
        self.assertEqual(str(orders.date_order), "2026-03-01 10:00:00")
        partner.invalidate_recordset()
        self.assertEqual(partner.purchase_count, 1)
        self.assertEqual(partner.purchase_total, 300.0)

    def test_purchase_with_unknown_product_creates_nothing(self):
        self.create_customer(phone="+380501234567")
        payload = self.purchase_payload()
        payload["lines"][0]["product"] = "NOPE"
        status, body = self.call("purchases", payload)
        self.assertEqual((status, body["error"]["code"]), (422, "unknown_product"))
        self.assertFalse(self.env["sale.order"].search([("client_order_ref", "=", "TILL-1-0001")]))

    def test_spend_points_needs_loyalty(self):
        if "loyalty" in type(self.api_key)._customer_api_spend_points.__module__:
            self.skipTest("customer_loyalty implements points")
        self.api_key.scope_spend_points = True
        self.create_customer(phone="+380501234567")
        self.call("purchases", self.purchase_payload())
        status, body = self.call("points/spend", {"external_id": "TILL-1-0001", "points": 10})
        self.assertEqual((status, body["error"]["code"]), (501, "loyalty_not_installed"))

    def test_openapi_is_served(self):
        response = self.url_open("/customer_api/v1/openapi.yaml")
        self.assertEqual(response.status_code, 200)
        self.assertIn("openapi: 3", response.text)
