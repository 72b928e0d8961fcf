# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, fields, models
from odoo.exceptions import UserError


class CustomerForgetWizard(models.TransientModel):
    _name = "customer.forget.wizard"
    _description = "Forget a Customer"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    reason = fields.Text(required=True, help="Why the data is erased, e.g. the person's request.")
    confirm = fields.Boolean(
        "I understand this cannot be undone",
        help="The card, its messages and attachments are erased for good.",
    )

    def action_forget(self):
        self.ensure_one()
        if not self.confirm:
            raise UserError(_("Tick the confirmation box: forgetting a customer is irreversible."))
        self.partner_id._customer_forget(self.reason)
        return {"type": "ir.actions.act_window_close"}
