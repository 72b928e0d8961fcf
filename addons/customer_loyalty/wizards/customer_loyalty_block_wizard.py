# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, fields, models


class CustomerLoyaltyBlockWizard(models.TransientModel):
    _name = "customer.loyalty.block.wizard"
    _description = "Block Bonus Card"

    card_id = fields.Many2one("loyalty.card", required=True, ondelete="cascade")
    reason = fields.Char(required=True, help="For example: card lost, stolen or damaged.")
    replace = fields.Boolean(
        string="Issue a Replacement Card",
        default=True,
        help="Move the balance to a new card for the same customer.",
    )

    def action_apply(self):
        self.ensure_one()
        if not self.replace:
            self.card_id._block(self.reason)
            return {"type": "ir.actions.act_window_close"}
        new_card = self.card_id._replace(self.reason)
        return {
            "name": _("Bonus Card"),
            "type": "ir.actions.act_window",
            "res_model": "loyalty.card",
            "view_mode": "form",
            "res_id": new_card.id,
        }
