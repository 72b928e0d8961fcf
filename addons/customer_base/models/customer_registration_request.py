# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class CustomerRegistrationRequest(models.Model):
    """One submission of the public registration page.

    Every accepted submission leaves a line: ``created`` when it created a new
    customer, ``to_review`` when it matched an existing card (which is never
    overwritten from the public page). The lines also feed the per-IP rate
    limit of the page.
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
        [("created", "Customer created"), ("to_review", "To review"), ("done", "Reviewed")],
        default="to_review",
        required=True,
    )
    source_id = fields.Many2one("utm.source", string="Source")
    consent_given = fields.Boolean()
    consent_wording_version = fields.Char()
    newsletter = fields.Boolean("Newsletter Requested")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS customer_registration_request_ip_create_date_idx "
            "ON customer_registration_request (ip, create_date)"
        )

    @api.model
    def _count_recent_from_ip(self, ip):
        """Submissions from ``ip`` during the last hour (for the rate limit)."""
        since = fields.Datetime.subtract(fields.Datetime.now(), hours=1)
        return self.sudo().search_count([("ip", "=", ip), ("create_date", ">=", since)])

    def action_mark_reviewed(self):
        self.write({"state": "done"})
        return True
