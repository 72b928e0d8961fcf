# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

KEY_PREFIX = "cb_"
RATE_LIMIT_PERIOD = 60


class RetryableConflict(UserError):
    """Another operation holds what the call needs (e.g. the card): the API
    answers 409 ``locked`` and the integration may retry the same call."""


SCOPES = ("read_card", "write_customer", "record_purchase", "spend_points")


class CustomerApiKey(models.Model):
    """Key of one integration (a till, a shop site) to the customer API.

    Only a SHA-256 hash of the key is stored; the key itself is shown once,
    when it is generated. Calls run as ``user_id`` in ``company_id`` only.
    """

    _name = "customer.api.key"
    _description = "Customer API Key"
    _order = "name"

    name = fields.Char(required=True, help="Name of the integration, e.g. the shop or the till.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Technical User",
        default=lambda self: self.env.ref("base.user_root", raise_if_not_found=False),
        help="User recorded as the author of what the integration creates.",
    )
    key_hash = fields.Char(readonly=True, index=True, copy=False, groups="base.group_system")
    key_hint = fields.Char(readonly=True, copy=False, help="First characters of the key.")
    scope_read_card = fields.Boolean("Read customer cards", default=True)
    scope_write_customer = fields.Boolean("Register and update customers")
    scope_record_purchase = fields.Boolean("Record purchases")
    scope_spend_points = fields.Boolean("Spend points")
    rate_limit = fields.Integer("Calls per Minute", default=60, help="0 means no limit.")
    log_ids = fields.One2many("customer.api.log", "key_id", string="Calls")

    _sql_constraints = [
        ("key_hash_unique", "unique(key_hash)", "This API key already exists."),
        ("rate_limit_positive", "check(rate_limit >= 0)", "The rate limit cannot be negative."),
    ]

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            # Record rules are checked before a write, on the old values: check them
            # again so that a key cannot be moved to a company the user is not in.
            self.check_access("write")
        return result

    @api.model
    def _hash_key(self, key):
        return hashlib.sha256(key.encode()).hexdigest()

    def _set_new_key(self):
        """Store the hash of a fresh key and return the key itself."""
        self.ensure_one()
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.sudo().write({"key_hash": self._hash_key(key), "key_hint": key[:8]})
        return key

    def action_generate_key(self):
        """Generate a new key (the old one stops working) and show it once."""
        self.check_access("write")
        key = self._set_new_key()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("API key for %s", self.name),
                "message": _("Copy this key now, it will not be shown again: %s", key),
                "sticky": True,
                "type": "warning",
            },
        }

    @api.model
    def _authenticate(self, key):
        """Return the active key record matching ``key``, or an empty recordset."""
        if not key:
            return self.browse()
        return self.sudo().search([("key_hash", "=", self._hash_key(key))], limit=1)

    def _has_scope(self, scope):
        self.ensure_one()
        return bool(self[f"scope_{scope}"])

    def _rate_limited(self):
        """Count this call; True when the key made more than ``rate_limit``
        calls in the current minute (exact under parallel calls, see
        ``customer.rate.limit``)."""
        self.ensure_one()
        return (
            self.env["customer.rate.limit"]
            .sudo()
            ._hit(f"api-key:{self.id}", self.rate_limit, RATE_LIMIT_PERIOD)
        )

    # ------------------------------------------------------------------
    # Extension points (customer_loyalty adds cards, tiers and points)
    # ------------------------------------------------------------------
    def _customer_api_find_by_card(self, number):
        """Return the partner holding loyalty card ``number`` (none here)."""
        return self.env["res.partner"].browse()

    def _customer_api_card(self, partner):
        """Return the customer card sent to the integration for ``partner``."""
        return {
            "id": partner.id,
            "name": partner.name,
            "firstname": partner.firstname or None,
            "lastname": partner.lastname or None,
            "phone": partner.phone or partner.mobile or None,
            "email": partner.email or None,
            "consent": {
                "personal_data": partner.consent_personal_data,
                "marketing_email": partner.consent_marketing_email,
                "marketing_sms": partner.consent_marketing_sms,
            },
            "card_number": None,
            "tier": None,
            "points_balance": None,
        }

    def _customer_api_spend_points(self, partner, order, points):
        """Spend ``points`` of ``partner`` against ``order``; return the result dict.

        customer_base has no points: the controller answers 501
        ``loyalty_not_installed``. customer_loyalty overrides this method.
        """
        return None
