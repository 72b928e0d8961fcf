# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
import threading

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

PROCESS_BATCH_SIZE = 100


class CustomerRegistrationRequest(models.Model):
    """One submission of the public registration page.

    The page only stores the submission (``pending``) and answers at once with
    the same page, whoever the person is; the cron
    :meth:`_cron_process_pending` then matches it: ``created`` when it created
    a new customer, ``to_review`` when it matched an existing card (which is
    never overwritten from the public page).
    """

    _name = "customer.registration.request"
    _description = "Customer Registration Request"
    _order = "create_date desc, id desc"

    name = fields.Char(required=True)
    phone = fields.Char()
    email = fields.Char()
    birth_day = fields.Integer("Day of Birth")
    birth_month = fields.Integer("Month of Birth")
    birth_year = fields.Integer("Year of Birth")
    ip = fields.Char("IP Address", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("created", "Customer created"),
            ("to_review", "To review"),
            ("done", "Reviewed"),
        ],
        default="pending",
        required=True,
    )
    source_id = fields.Many2one("utm.source", string="Source")
    consent_given = fields.Boolean()
    consent_wording_version = fields.Char()
    newsletter = fields.Boolean("Newsletter Requested")
    from_qr_code = fields.Boolean(
        "From QR Code", help="The page was opened from a poster (utm source in the address)."
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    @api.model
    def _customer_personal_field_names(self):
        return frozenset({"name", "phone", "email", "birth_day", "birth_month", "birth_year", "ip"})

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS customer_registration_request_ip_create_date_idx "
            "ON customer_registration_request (ip, create_date)"
        )

    # ------------------------------------------------------------------
    # Processing after the fact (cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_process_pending(self, batch_size=PROCESS_BATCH_SIZE):
        """Match or create the customers of pending submissions, a batch at a
        time, committing after each batch so that a timeout resumes where it
        stopped."""
        cron = self.env["ir.cron"]
        done = 0
        while True:
            pending = self.search([("state", "=", "pending")], order="id", limit=batch_size)
            if not pending:
                break
            pending._process()
            done += len(pending)
            remaining = self.search_count([("state", "=", "pending")])
            cron._notify_progress(done=done, remaining=remaining)
            if not getattr(threading.current_thread(), "testing", False):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env["customer.rate.limit"]._gc_counters()

    def _process(self):
        for submission in self:
            registration = submission.with_company(submission.company_id or self.env.company)
            existing = registration._find_existing()
            partner = existing or registration._create_customer()
            registration.write(
                {"partner_id": partner.id, "state": "to_review" if existing else "created"}
            )

    def _find_existing(self):
        """The first contact (archived included) with this phone or email."""
        self.ensure_one()
        partners = self.env["res.partner"].with_context(active_test=False)
        domains = []
        if self.phone:
            phone_fields = ["phone", "mobile"]
            if "phone_sanitized" in partners._fields:
                phone_fields.append("phone_sanitized")
            domains += [[(fname, "=", self.phone)] for fname in phone_fields]
        if self.email:
            domains.append([("email_normalized", "=", self.email)])
        if not domains:
            return partners
        domain = ["|"] * (len(domains) - 1) + [leaf for leaf_list in domains for leaf in leaf_list]
        return partners.search(domain, limit=1, order="id")

    def _create_customer(self):
        self.ensure_one()
        channel = "qr_code" if self.from_qr_code else "website_form"
        partners = self.env["res.partner"]
        local = partners.with_context(tz=partners._customer_timezone())
        partner = partners.create(
            {
                "name": self.name,
                "phone": self.phone,
                "email": self.email,
                "birth_day": self.birth_day,
                "birth_month": str(self.birth_month) if self.birth_month else False,
                "birth_year": self.birth_year,
                "acquisition_channel": channel,
                "source_id": self.source_id.id,
                "customer_registration_date": fields.Date.context_today(local, self.create_date),
            }
        )
        purposes = ["personal_data"] + (["marketing_email"] if self.newsletter else [])
        consents = self.env["customer.consent"]
        consents.create(
            [
                {
                    "partner_id": partner.id,
                    "purpose": purpose,
                    # the newsletter waits for the confirmation of the address
                    "state": consents._given_state(purpose, channel),
                    "channel": channel,
                    "wording_version": self.consent_wording_version,
                }
                for purpose in purposes
            ]
        )
        return partner

    def action_mark_reviewed(self):
        self.write({"state": "done"})
        return True
