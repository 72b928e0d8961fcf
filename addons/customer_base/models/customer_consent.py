# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .res_partner import ACQUISITION_CHANNELS

PURPOSE_FIELDS = {
    "personal_data": "consent_personal_data",
    "marketing_email": "consent_marketing_email",
    "marketing_sms": "consent_marketing_sms",
}


class CustomerConsent(models.Model):
    """One event in a person's consent history (given or withdrawn).

    The partner's ``consent_*`` flags always show the latest event per
    purpose; the history itself is never edited away or deleted.
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
        [("given", "Given"), ("withdrawn", "Withdrawn")], required=True, default="given"
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

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._apply_to_partners()
        deliveries = self.env["customer.webhook.delivery"]
        for state, consents in records.grouped("state").items():
            deliveries._enqueue(f"consent.{state}", consents)
        return records

    def write(self, vals):
        protected = {"partner_id", "purpose", "state", "date"} & set(vals)
        if protected:
            raise UserError(
                _("Consent history cannot be rewritten: record a new consent event instead.")
            )
        return super().write(vals)

    def unlink(self):
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            raise UserError(_("Consent history is never deleted."))
        return super().unlink()

    def _apply_to_partners(self):
        """Copy the latest event per partner and purpose onto the partner flags,
        and keep Odoo's email blacklist in line with email marketing consent."""
        blacklist = self.env["mail.blacklist"].sudo()
        for consent in self.sorted(lambda c: (c.date, c.id)):
            partner = consent.partner_id.sudo()
            given = consent.state == "given"
            partner.with_context(customer_base_skip_prepare=True).write(
                {PURPOSE_FIELDS[consent.purpose]: given}
            )
            if consent.purpose == "marketing_email" and partner.email:
                message = _(
                    "Email marketing consent %s.",
                    dict(self._fields["state"]._description_selection(self.env))[
                        consent.state
                    ].lower(),
                )
                if given:
                    blacklist._remove(partner.email, message=message)
                else:
                    blacklist._add(partner.email, message=message)
