# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""JSON API for cash registers and shop sites (see readme/INTEGRATION.md)."""

import hashlib
import json
import math
import time

from psycopg2 import IntegrityError

from odoo import _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools.misc import file_path

from ..models.customer_api_key import RetryableConflict

MAX_BODY_BYTES = 64 * 1024
CONSENT_PURPOSES = ("personal_data", "marketing_email", "marketing_sms")
API_CHANNELS = ("checkout", "point_of_sale")
CUSTOMER_FIELDS = {
    "firstname": str,
    "middlename": str,
    "lastname": str,
    "phone": str,
    "email": str,
    "birth_day": int,
    "birth_month": int,
    "birth_year": int,
    "gender": str,
    "channel": str,
    "consent": dict,
}
LOOKUP_FIELDS = {"phone": str, "email": str, "card_number": str}
PURCHASE_FIELDS = {
    "external_id": str,
    "customer": dict,
    "date": str,
    "lines": list,
    "total": (int, float),
}
LINE_FIELDS = {"product": str, "quantity": (int, float), "price_unit": (int, float)}
SPEND_FIELDS = {"external_id": str, "points": (int, float)}
# longest accepted string per field name (anything else: DEFAULT_MAX_LENGTH)
MAX_LENGTHS = {
    "external_id": 64,
    "firstname": 64,
    "middlename": 64,
    "lastname": 64,
    "phone": 32,
    "email": 254,
    "card_number": 32,
    "gender": 16,
    "channel": 16,
    "date": 32,
    "product": 64,
}
DEFAULT_MAX_LENGTH = 64
MAX_LINES = 500
INVALID_KEY_RATE_LIMIT = 20  # calls per minute per client address without a valid key


class ApiError(Exception):
    """An answer other than 2xx: HTTP status, stable code and readable message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def check_fields(data, spec, required=(), where=""):
    """Refuse unknown fields, wrong types and missing required fields."""
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", _("%s must be a JSON object.", where or _("The body")))
    for name, value in data.items():
        if name not in spec:
            raise ApiError(400, "unknown_field", _("Unknown field: %s", where + name))
        # bool is a subclass of int: refuse true/false where a number is expected
        is_bool = isinstance(value, bool) and spec[name] is not bool
        if value is not None and (is_bool or not isinstance(value, spec[name])):
            raise ApiError(400, "invalid_type", _("Wrong type for field: %s", where + name))
        if isinstance(value, float) and not math.isfinite(value):
            raise ApiError(400, "invalid_number", _("Not a finite number: %s", where + name))
        if isinstance(value, str) and len(value) > MAX_LENGTHS.get(name, DEFAULT_MAX_LENGTH):
            raise ApiError(400, "too_long", _("Field too long: %s", where + name))
    for name in required:
        if data.get(name) in (None, "", []):
            raise ApiError(400, "missing_field", _("Missing field: %s", where + name))
    return data


class CustomerApiController(http.Controller):
    # ------------------------------------------------------------------
    # Plumbing: authentication, limits, errors, call log
    # ------------------------------------------------------------------
    def _bearer_key(self):
        header = request.httprequest.headers.get("Authorization", "")
        scheme, _sep, key = header.partition(" ")
        return key.strip() if scheme.lower() == "bearer" else ""

    def _read_json(self):
        if request.httprequest.method == "GET":
            return dict(request.httprequest.args.items())
        raw = request.httprequest.get_data(cache=True)
        try:
            return json.loads(raw or b"{}", parse_constant=self._refuse_constant)
        except ValueError as error:
            raise ApiError(400, "invalid_json", _("The body is not valid JSON.")) from error

    @staticmethod
    def _refuse_constant(name):
        """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON numbers."""
        raise ValueError(name)

    def _api_env(self, key):
        """Environment of the key: its technical user, its company only."""
        company = key.company_id
        env = request.env(user=key.user_id.id or request.env.ref("base.user_root").id, su=True)
        return env(
            context=dict(env.context, allowed_company_ids=[company.id], tracking_disable=True)
        )

    def _authorize(self, scope):
        length = request.httprequest.content_length or 0
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "payload_too_large", _("The body exceeds 64 KB."))
        key = request.env["customer.api.key"].sudo()._authenticate(self._bearer_key())
        if not key:
            address = request.httprequest.remote_addr
            limits = request.env["customer.rate.limit"].sudo()
            if limits._hit(f"api-invalid-key:{address}", INVALID_KEY_RATE_LIMIT, 60):
                raise ApiError(429, "rate_limited", _("Too many calls, try again in a minute."))
            raise ApiError(401, "invalid_key", _("Missing or invalid API key."))
        if key._rate_limited():
            raise ApiError(429, "rate_limited", _("Too many calls, try again in a minute."))
        if len(request.httprequest.get_data(cache=True)) > MAX_BODY_BYTES:
            raise ApiError(413, "payload_too_large", _("The body exceeds 64 KB."))
        if not key._has_scope(scope):
            raise ApiError(403, "forbidden_scope", _("This key may not call this endpoint."))
        return key

    def _call(self, endpoint, scope, handler):
        """Run ``handler(env, key, data)`` in a savepoint and answer in JSON.

        Any error rolls back everything the call did; every call is logged
        without personal data.
        """
        started = time.monotonic()
        key = request.env["customer.api.key"].browse()
        try:
            key = self._authorize(scope)
            data = self._read_json()
            env = self._api_env(key)
            with env.cr.savepoint():
                status, body = handler(env, key, data)
        except ApiError as error:
            status, body = error.status, {"error": {"code": error.code, "message": error.message}}
        except RetryableConflict as error:
            status, body = 409, {"error": {"code": "locked", "message": str(error)}}
        except ValidationError as error:
            status, body = 422, {"error": {"code": "invalid_data", "message": str(error)}}
        except UserError as error:
            status, body = 422, {"error": {"code": "refused", "message": str(error)}}
        except IntegrityError:
            status, body = 409, {"error": {"code": "conflict", "message": _("Retry the call.")}}
        if key:
            request.env["customer.api.log"].sudo().create(
                {
                    "key_id": key.id,
                    "endpoint": endpoint,
                    "http_status": status,
                    "duration_ms": int((time.monotonic() - started) * 1000),
                    "error_code": body.get("error", {}).get("code"),
                }
            )
        return request.make_json_response(body, status=status)

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------
    def _normalized_phone(self, env, phone):
        try:
            return env["res.partner"]._normalize_customer_phone(phone)
        except ValidationError as error:
            raise ApiError(422, "invalid_phone", str(error)) from error

    def _normalized_email(self, env, email):
        try:
            return env["res.partner"]._normalize_customer_email(email)
        except ValidationError as error:
            raise ApiError(422, "invalid_email", str(error)) from error

    def _find_customer(self, env, key, lookup):
        """Customer by card number, else normalised phone, else email."""
        partners = env["res.partner"].with_context(active_test=True)
        if lookup.get("card_number"):
            partner = key.with_env(env)._customer_api_find_by_card(lookup["card_number"])
            if partner:
                return partner
        company_domain = [("company_id", "in", [False, key.company_id.id])]
        if lookup.get("phone"):
            phone = self._normalized_phone(env, lookup["phone"])
            partner = partners.search(
                [*company_domain, "|", ("phone", "=", phone), ("mobile", "=", phone)],
                order="id",
                limit=1,
            )
            if partner:
                return partner
        if lookup.get("email"):
            email = self._normalized_email(env, lookup["email"])
            return partners.search([*company_domain, ("email", "=", email)], order="id", limit=1)
        return partners.browse()

    def _card(self, env, key, partner):
        """The customer card, or only its id when the key may not read cards."""
        if not key._has_scope("read_card"):
            return {"id": partner.id}
        return key.with_env(env)._customer_api_card(partner)

    def _handle_find(self, env, key, data):
        check_fields(data, LOOKUP_FIELDS)
        if not any(data.get(name) for name in LOOKUP_FIELDS):
            raise ApiError(400, "missing_field", _("Give a phone, an email or a card number."))
        partner = self._find_customer(env, key, data)
        if not partner:
            raise ApiError(404, "not_found", _("No customer matches."))
        return 200, {"customer": self._card(env, key, partner)}

    @http.route(
        "/customer_api/v1/customers/find",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def find_customer(self, **_kwargs):
        return self._call("customers/find", "read_card", self._handle_find)

    def _customer_values(self, env, data):
        values = {}
        for name in ("firstname", "middlename", "lastname", "birth_day", "birth_year", "gender"):
            if data.get(name) not in (None, ""):
                values[name] = data[name]
        if data.get("birth_month"):
            values["birth_month"] = str(data["birth_month"])
        if data.get("phone"):
            values["phone"] = self._normalized_phone(env, data["phone"])
        if data.get("email"):
            values["email"] = self._normalized_email(env, data["email"])
        gender = env["res.partner"]._fields["gender"]
        if "gender" in values and values["gender"] not in dict(gender.selection):
            raise ApiError(422, "invalid_gender", _("Unknown gender: %s", values["gender"]))
        return values

    def _record_consents(self, env, partner, consents, channel):
        """Add a consent event for every purpose whose state changes; email
        marketing given from a shop site waits for double opt-in."""
        events = []
        consent = env["customer.consent"]
        for purpose in CONSENT_PURPOSES:
            given = consents.get(purpose)
            if given is None or bool(partner[f"consent_{purpose}"]) == given:
                continue
            events.append(
                {
                    "partner_id": partner.id,
                    "purpose": purpose,
                    "state": consent._given_state(purpose, channel) if given else "withdrawn",
                    "channel": channel,
                    "company_id": partner.company_id.id or env.company.id,
                }
            )
        env["customer.consent"].create(events)

    def _handle_register(self, env, key, data):
        check_fields(data, CUSTOMER_FIELDS)
        if not (data.get("phone") or data.get("email")):
            raise ApiError(400, "missing_field", _("Give a phone or an email."))
        channel = data.get("channel") or "checkout"
        if channel not in API_CHANNELS:
            raise ApiError(422, "invalid_channel", _("Unknown channel: %s", channel))
        if data.get("consent") is not None:
            check_fields(data["consent"], dict.fromkeys(CONSENT_PURPOSES, bool), where="consent.")
        values = self._customer_values(env, data)
        partner = self._find_customer(env, key, values)
        if partner:
            # Existing cards are only completed, never overwritten from a till;
            # the contact of a user (an employee, a portal account) is left alone.
            missing = {name: value for name, value in values.items() if not partner[name]}
            if missing and not partner.with_context(active_test=False).user_ids:
                partner.write(missing)
            status = 200
        else:
            partner = env["res.partner"].create(
                {**values, "acquisition_channel": channel, "company_id": False}
            )
            status = 201
        if data.get("consent"):
            self._record_consents(env, partner, data["consent"], channel)
        return status, {
            "created": status == 201,
            "customer": self._card(env, key, partner),
        }

    @http.route(
        "/customer_api/v1/customers",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def register_customer(self, **_kwargs):
        return self._call("customers", "write_customer", self._handle_register)

    # ------------------------------------------------------------------
    # Purchases and points
    # ------------------------------------------------------------------
    def _find_product(self, env, reference):
        product = env["product.product"].search(
            [
                ("company_id", "in", [False, env.company.id]),
                ("sale_ok", "=", True),
                "|",
                ("default_code", "=", reference),
                ("barcode", "=", reference),
            ],
            limit=1,
        )
        if not product:
            raise ApiError(422, "unknown_product", _("Unknown product: %s", reference))
        return product

    def _order_lines(self, env, lines):
        commands = []
        for index, line in enumerate(lines):
            check_fields(line, LINE_FIELDS, ("product", "price_unit"), where=f"lines[{index}].")
            product = self._find_product(env, line["product"])
            quantity = line.get("quantity", 1)
            if quantity <= 0 or line["price_unit"] < 0:
                raise ApiError(
                    422, "invalid_line", _("Quantity and price of line %s must be positive.", index)
                )
            commands.append(
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "price_unit": line["price_unit"],
                        "tax_id": False,
                    }
                )
            )
        return commands

    def _parse_date(self, value):
        try:
            date = fields.Datetime.to_datetime(value.upper().replace("T", " ")[:19])
        except ValueError as error:
            raise ApiError(400, "invalid_date", _("Invalid date: %s", value)) from error
        return date

    @staticmethod
    def _body_hash(data):
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _find_purchase(self, env, key, external_id):
        """External ids are the integration's own: two tills may both count from 1."""
        return env["customer.api.purchase"].search(
            [("key_id", "=", key.id), ("external_id", "=", external_id)]
        )

    def _handle_purchase(self, env, key, data):
        check_fields(data, PURCHASE_FIELDS, ("external_id", "customer", "lines"))
        check_fields(data["customer"], LOOKUP_FIELDS, where="customer.")
        if len(data["lines"]) > MAX_LINES:
            raise ApiError(400, "too_long", _("At most %s lines.", MAX_LINES))
        request_hash = self._body_hash(data)
        existing = self._find_purchase(env, key, data["external_id"])
        if existing:
            if existing.request_hash and existing.request_hash != request_hash:
                raise ApiError(
                    409,
                    "idempotency_conflict",
                    _("This external id was already used with another body."),
                )
            return 200, self._purchase_body(existing, duplicate=True)
        partner = self._find_customer(env, key, data["customer"])
        if not partner:
            raise ApiError(404, "customer_not_found", _("No customer matches."))
        date = self._parse_date(data["date"]) if data.get("date") else fields.Datetime.now()
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "company_id": key.company_id.id,
                "client_order_ref": data["external_id"],
                "date_order": date,
                "order_line": self._order_lines(env, data["lines"]),
            }
        )
        if data.get("total") is not None and abs(order.amount_total - data["total"]) > 0.005:
            raise ApiError(422, "total_mismatch", _("The total does not match the lines."))
        order.action_confirm()
        order.date_order = date  # confirming stamps "now"; keep the till's date
        purchase = env["customer.api.purchase"].create(
            {
                "key_id": key.id,
                "company_id": key.company_id.id,
                "external_id": data["external_id"],
                "request_hash": request_hash,
                "order_id": order.id,
            }
        )
        return 201, self._purchase_body(purchase, duplicate=False)

    def _purchase_body(self, purchase, duplicate):
        order = purchase.order_id
        return {
            "duplicate": duplicate,
            "external_id": purchase.external_id,
            "order": {"id": order.id, "name": order.name, "total": order.amount_total},
            "customer_id": order.partner_id.id,
        }

    @http.route(
        "/customer_api/v1/purchases",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def record_purchase(self, **_kwargs):
        return self._call("purchases", "record_purchase", self._handle_purchase)

    def _handle_spend(self, env, key, data):
        check_fields(data, SPEND_FIELDS, ("external_id", "points"))
        purchase = self._find_purchase(env, key, data["external_id"])
        if not purchase:
            raise ApiError(404, "purchase_not_found", _("No purchase with this external id."))
        order = purchase.order_id
        result = key.with_env(env)._customer_api_spend_points(
            order.partner_id, order, data["points"]
        )
        if result is None:
            raise ApiError(
                501, "loyalty_not_installed", _("Points are not available: no loyalty programme.")
            )
        return 200, result

    @http.route(
        "/customer_api/v1/points/spend",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def spend_points(self, **_kwargs):
        return self._call("points/spend", "spend_points", self._handle_spend)

    # ------------------------------------------------------------------
    # Description
    # ------------------------------------------------------------------
    @http.route(
        "/customer_api/v1/openapi.yaml",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    def openapi(self):
        with open(file_path("customer_base/static/openapi/customer_api.yaml"), "rb") as spec:
            return request.make_response(
                spec.read(), headers=[("Content-Type", "application/yaml; charset=utf-8")]
            )
