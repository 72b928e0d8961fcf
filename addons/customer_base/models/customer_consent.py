# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import consteq, hmac

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .res_partner import ACQUISITION_CHANNELS

# Channels where a person of the shop saw the customer: consent counts at once.
IDENTITY_CHECKED_CHANNELS = ("staff", "point_of_sale")
DOUBLE_OPTIN_SCOPE = "customer_base.consent_confirmation"
DEFAULT_DOUBLE_OPTIN_DAYS = 7


class CustomerConsent(models.Model):
    """One event in a person's consent history (given, withdrawn, or given
    and awaiting confirmation by email).

    The history is append-only: events are never edited or deleted, their
    date and author are set by the server. The partner's ``consent_*`` flags
    show, per purpose, the newest given or withdrawn event by date.
    """

    _name = "customer.consent"
    _description = "Customer Consent"
    _order = "date desc, id desc"
    _rec_name = "purpose"

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="restrict", string="Customer"
    )
    purpose = fields.Selection(
        [
            ("personal_data", "Personal data processing"),
            ("marketing_email", "Marketing emails"),
            ("marketing_sms", "Marketing SMS"),
        ],
        required=True,
    )
    state = fields.Selection(
        [("given", "Given"), ("withdrawn", "Withdrawn"), ("pending", "Awaiting confirmation")],
        required=True,
        default="given",
        help="Awaiting confirmation: given on a channel where nobody checked that the email "
        "address belongs to the person; it counts only once confirmed through the link "
        "emailed to that address (double opt-in).",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    channel = fields.Selection(
        [*ACQUISITION_CHANNELS, ("staff", "Recorded by staff")], required=True, default="staff"
    )
    wording_version = fields.Char(
        help="Version of the consent text the customer agreed to or withdrew from."
    )
    recorded_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True, string="Recorded By"
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    confirmation_of_id = fields.Many2one(
        "customer.consent",
        string="Confirms",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The request awaiting confirmation that the person confirmed with this event.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(self._stamp_server_values(vals_list))
        records._apply_to_partners()
        deliveries = self.env["customer.webhook.delivery"]
        for state, consents in records.grouped("state").items():
            if state != "pending":
                deliveries._enqueue(f"consent.{state}", consents)
        records.filtered(lambda c: c.state == "pending")._send_double_optin_request()
        return records

    def write(self, vals):  # pylint: disable=method-required-super
        """Refused for everyone, superuser included (users meet the ACL first)."""
        self.check_access("write")
        raise UserError(
            _("Consent history cannot be rewritten: record a new consent event instead.")
        )

    def unlink(self):
        """Refused for everyone but the uninstallation of the module."""
        self.check_access("unlink")
        if not (self.env.su and self.env.context.get(MODULE_UNINSTALL_FLAG)):
            raise UserError(_("Consent history is never deleted."))
        return super().unlink()

    @api.model
    def _stamp_server_values(self, vals_list):
        """Date and author come from the server, never from the caller.

        Only server code (data files, migrations of a dated history) may give
        them; a caller's value is refused rather than silently replaced, and
        the explicit values also beat any ``default_*`` key of the context.
        """
        if self.env.su:
            return vals_list
        server_fields = ("date", "recorded_by_id", "confirmation_of_id")
        if any(vals.get(fname) for vals in vals_list for fname in server_fields):
            raise UserError(
                _(
                    "The date and the author of a consent event are set when it is recorded; "
                    "they cannot be given."
                )
            )
        now = fields.Datetime.now()
        return [
            {
                **vals,
                "date": now,
                "recorded_by_id": self.env.uid,
                "confirmation_of_id": False,
            }
            for vals in vals_list
        ]

    @api.model
    def _given_state(self, purpose, channel):
        """State of a consent given by the person on ``channel`` without staff:
        email marketing needs a confirmation from the address (double opt-in)
        unless someone of the shop checked the person's identity."""
        if purpose == "marketing_email" and channel not in IDENTITY_CHECKED_CHANNELS:
            return "pending"
        return "given"

    @api.model
    def _latest_decisions(self, partner_ids):
        """``{(partner_id, purpose): (consent_id, state)}``: the newest given or
        withdrawn event by date (then id), whatever order they were recorded in."""
        if not partner_ids:
            return {}
        self.flush_model(["partner_id", "purpose", "state", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (partner_id, purpose) partner_id, purpose, id, state
                  FROM customer_consent
                 WHERE partner_id = ANY(%s) AND state IN ('given', 'withdrawn')
              ORDER BY partner_id, purpose, date DESC, id DESC
                """,
                list(partner_ids),
            )
        )
        return {(pid, purpose): (cid, state) for pid, purpose, cid, state in self.env.cr.fetchall()}

    def _apply_to_partners(self):
        """Bring the partners' flags in line with their history, and Odoo's
        email blacklist in line with their newest email-marketing decision."""
        partners = self.partner_id
        decisions = self._latest_decisions(partners.ids)
        partners._sync_consent_flags(decisions)
        self._sync_blacklist(decisions)

    def _sync_blacklist(self, decisions):
        """Only an event that is the newest decision moves the blacklist: a
        pending, back-dated or superseded event leaves it alone."""
        blacklist = self.env["mail.blacklist"].sudo()
        states = dict(self._fields["state"]._description_selection(self.env))
        for consent in self:
            partner = consent.partner_id.sudo()
            newest = decisions.get((partner.id, consent.purpose), (None,))[0]
            if consent.purpose != "marketing_email" or newest != consent.id or not partner.email:
                continue
            message = _("Email marketing consent %s.", states[consent.state].lower())
            if consent.state == "given":
                blacklist._remove(partner.email, message=message)
            else:
                blacklist._add(partner.email, message=message)

    # ------------------------------------------------------------------
    # Double opt-in
    # ------------------------------------------------------------------
    @api.model
    def _double_optin_days(self):
        param = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_base.double_optin_days", DEFAULT_DOUBLE_OPTIN_DAYS)
        )
        try:
            return max(int(param), 0)
        except ValueError:
            return DEFAULT_DOUBLE_OPTIN_DAYS

    def _double_optin_token(self):
        """Signature of the request and of the address it was sent to: the link
        dies when the contact's email changes."""
        self.ensure_one()
        message = (self.id, self.partner_id.sudo().email_normalized or "")
        return hmac(self.env(su=True), DOUBLE_OPTIN_SCOPE, message)

    def _double_optin_url(self):
        self.ensure_one()
        return (
            f"{self.get_base_url()}/customer/consent/confirm/{self.id}/{self._double_optin_token()}"
        )

    def _double_optin_deadline(self):
        self.ensure_one()
        return self.date + timedelta(days=self._double_optin_days())

    def _check_double_optin_token(self, token):
        self.ensure_one()
        return self.state == "pending" and consteq(str(token), self._double_optin_token())

    def _double_optin_problem(self):
        """Why this request cannot be confirmed any more, or ``None``."""
        self.ensure_one()
        if fields.Datetime.now() > self._double_optin_deadline():
            return _("This confirmation link has expired.")
        newer = self.sudo().search_count(
            [
                ("partner_id", "=", self.partner_id.id),
                ("purpose", "=", self.purpose),
                ("id", "!=", self.id),
                "|",
                ("date", ">", self.date),
                "&",
                ("date", "=", self.date),
                ("id", ">", self.id),
            ],
            limit=1,
        )
        if newer:
            return _("This request has already been answered or replaced by a newer one.")
        return None

    def _confirm_double_optin(self):
        """Record the confirmation as a new event; the request stays as it was."""
        self.ensure_one()
        return self.sudo().create(
            {
                "partner_id": self.partner_id.id,
                "purpose": self.purpose,
                "state": "given",
                "channel": self.channel,
                "wording_version": self.wording_version,
                "company_id": self.company_id.id,
                "confirmation_of_id": self.id,
            }
        )

    def _send_double_optin_request(self):
        template = self.env.ref("customer_base.mail_template_consent_confirmation").sudo()
        for consent in self.filtered(lambda c: c.partner_id.sudo().email):
            template.send_mail(consent.id)
