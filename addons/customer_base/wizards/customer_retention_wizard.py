# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CustomerRetentionWizard(models.TransientModel):
    """Lists customers past the retention period; a manager unticks the ones to
    keep and confirms. Nothing is erased without that confirmation."""

    _name = "customer.retention.wizard"
    _description = "Customers Past Retention Period"

    retention_months = fields.Integer(readonly=True)
    partner_ids = fields.Many2many("res.partner", string="Customers to Anonymise")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partners = self.env["res.partner"]
        values["retention_months"] = partners._customer_retention_months()
        values["partner_ids"] = [
            fields.Command.set(partners.search(partners._customer_retention_domain()).ids)
        ]
        return values

    def action_confirm(self):
        self.ensure_one()
        if not self.partner_ids:
            raise UserError(_("No customer is selected for anonymisation."))
        reason = _("Retention period of %(months)s months without purchase or consent.")
        self.partner_ids._customer_forget(
            reason % {"months": self.retention_months}, origin="retention"
        )
        return {"type": "ir.actions.act_window_close"}
