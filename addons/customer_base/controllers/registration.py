# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import datetime

from odoo import fields, http
from odoo.exceptions import ValidationError
from odoo.http import request

HONEYPOT_FIELD = "website_url"
DEFAULT_RATE_LIMIT = 10
DEFAULT_CONTACT_RATE_LIMIT = 3
RATE_LIMIT_PERIOD = 3600
# longest accepted value of each posted field (longer posts are refused)
FIELD_MAX_LENGTHS = {
    "name": 128,
    "phone": 32,
    "email": 254,
    "birth_day": 2,
    "birth_month": 2,
    "birth_year": 4,
    "source_ref": 64,
    "consent": 8,
    "newsletter": 8,
    "csrf_token": 128,
    HONEYPOT_FIELD: 2048,
}


class CustomerRegistrationController(http.Controller):
    """Public self-registration page (reached from the QR poster).

    It never tells whether the person is already known: the page only checks
    the form and stores a ``customer.registration.request``; the matching is
    done afterwards by a cron, so a new person and a known one get the same
    page in the same time. A match never changes the existing card, it leaves
    a registration request for staff to review.

    Limits: ``customer_base.registration_rate_limit`` submissions per hour per
    client address (behind a reverse proxy, run Odoo with ``proxy_mode`` so
    that the address is the client's, not the proxy's) and
    ``customer_base.registration_contact_rate_limit`` per hour per phone and
    per email (over it, the submission is dropped with the usual page, so that
    the page does not tell that the contact was used).
    """

    @http.route("/customer/register", type="http", auth="public", methods=["GET"], sitemap=False)
    def registration_form(self, utm_source=None, source=None, **kwargs):
        source_record = self._registration_source(source or utm_source)
        return self._render_form({"source_ref": source_record.id or source or utm_source or ""})

    @http.route(
        "/customer/register",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
    )
    def registration_submit(self, **post):
        if post.get(HONEYPOT_FIELD):
            return self._render_thanks()
        ip = request.httprequest.remote_addr
        limits = request.env["customer.rate.limit"].sudo()
        if limits._hit(f"register-ip:{ip}", self._rate_limit(), RATE_LIMIT_PERIOD):
            return self._render_form(
                post,
                [request.env._("Too many registrations from your network. Try again later.")],
                status=429,
            )
        values, errors = self._validate(post)
        if errors:
            return self._render_form(post, errors, status=400)
        if not self._contact_over_limit(values):
            self._store_request(values, ip)
        return self._render_thanks()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _int_param(self, name, default):
        value = request.env["ir.config_parameter"].sudo().get_param(name, default)
        try:
            return int(value)
        except ValueError:
            return default

    def _rate_limit(self):
        return self._int_param("customer_base.registration_rate_limit", DEFAULT_RATE_LIMIT)

    def _contact_over_limit(self, values):
        """Count the submission for its phone and its email; True when one of
        them was used too often during the last hour."""
        limit = self._int_param(
            "customer_base.registration_contact_rate_limit", DEFAULT_CONTACT_RATE_LIMIT
        )
        limits = request.env["customer.rate.limit"].sudo()
        over = False
        for contact in filter(None, (values["phone"], values["email"])):
            over |= limits._hit(f"register-contact:{contact}", limit, RATE_LIMIT_PERIOD)
        return over

    def _consent_wording(self):
        params = request.env["ir.config_parameter"].sudo()
        wording = params.get_param("customer_base.consent_wording") or request.env._(
            "I agree that %(company)s processes my personal data (name, phone, email, "
            "birthday) to keep my customer card, and I can withdraw this consent at any time.",
            company=request.env.company.name,
        )
        return wording, params.get_param("customer_base.consent_wording_version", "1")

    def _registration_source(self, ref):
        """The utm.source of the poster, from its id or its name."""
        sources = request.env["utm.source"].sudo()
        ref = str(ref or "").strip()
        if ref.isdigit():
            return sources.browse(int(ref)).exists()
        if ref:
            return sources.search([("name", "=", ref)], limit=1)
        return sources

    def _render_form(self, values, errors=None, status=200):
        wording, version = self._consent_wording()
        months = (
            request.env["res.partner"]._fields["birth_month"]._description_selection(request.env)
        )
        return request.render(
            "customer_base.customer_registration_page",
            {
                "values": values,
                "errors": errors or [],
                "consent_wording": wording,
                "consent_version": version,
                "months": months,
                "honeypot_field": HONEYPOT_FIELD,
                "company": request.env.company.sudo(),
            },
            status=status,
        )

    def _render_thanks(self):
        return request.render(
            "customer_base.customer_registration_thanks",
            {"company": request.env.company.sudo()},
        )

    def _validate(self, post):
        """Return (clean values, error messages); nothing is written here."""
        _ = request.env._
        partners = request.env["res.partner"].sudo()
        too_long = [
            name for name, value in post.items() if len(str(value)) > FIELD_MAX_LENGTHS.get(name, 0)
        ]
        if too_long:
            # unknown fields have a limit of 0: nothing else may be posted
            return {}, [_("Some fields are too long or unknown: %s", ", ".join(sorted(too_long)))]
        errors = []
        name = " ".join((post.get("name") or "").split())
        if not name:
            errors.append(_("Please enter your name."))
        phone = email = False
        try:
            phone = partners._normalize_customer_phone(post.get("phone"))
        except ValidationError as error:
            errors.append(error.args[0])
        try:
            email = partners._normalize_customer_email(post.get("email"))
        except ValidationError as error:
            errors.append(error.args[0])
        if not phone and not email and not errors:
            errors.append(_("Please enter a phone number or an email address."))
        birthday, birthday_error = self._validate_birthday(post)
        if birthday_error:
            errors.append(birthday_error)
        if not post.get("consent"):
            errors.append(_("Please accept the processing of your personal data."))
        source = self._registration_source(post.get("source_ref"))
        values = {
            "name": name,
            "phone": phone,
            "email": email,
            **birthday,
            "source_ref": post.get("source_ref"),
            "source": source,
            "newsletter": bool(post.get("newsletter")),
        }
        return values, errors

    def _validate_birthday(self, post):
        """Day and month, with an optional year; all empty is fine."""
        raw = [(post.get(key) or "").strip() for key in ("birth_day", "birth_month", "birth_year")]
        if not any(raw):
            return {}, None
        error = request.env._("Please enter a valid birthday (day and month, year optional).")
        if not (raw[0].isdigit() and raw[1].isdigit()) or (raw[2] and not raw[2].isdigit()):
            return {}, error
        day, month = int(raw[0]), int(raw[1])
        year = int(raw[2]) if raw[2] else None
        today = fields.Date.context_today(request.env["res.partner"])
        try:
            birthday = datetime.date(year or 2000, month, day)
        except ValueError:
            return {}, error
        if year and (birthday > today or year < today.year - 120):
            return {}, error
        return {"birth_day": day, "birth_month": str(month), "birth_year": year or False}, None

    def _store_request(self, values, ip):
        """Store the submission; the cron matches or creates the customer."""
        _wording, version = self._consent_wording()
        request.env["customer.registration.request"].sudo().create(
            {
                "name": values["name"],
                "phone": values["phone"],
                "email": values["email"],
                "birth_day": values.get("birth_day"),
                "birth_month": int(values["birth_month"]) if values.get("birth_month") else 0,
                "birth_year": values.get("birth_year"),
                "ip": ip,
                "state": "pending",
                "source_id": values["source"].id,
                "from_qr_code": bool(values["source_ref"]),
                "consent_given": True,
                "consent_wording_version": version,
                "newsletter": values["newsletter"],
                "company_id": request.env.company.id,
            }
        )
