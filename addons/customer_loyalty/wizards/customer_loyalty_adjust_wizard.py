# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerLoyaltyAdjustWizard(models.TransientModel):
    _name = "customer.loyalty.adjust.wizard"
    _description = "Adjust Bonus Points"

    card_id = fields.Many2one("loyalty.card", required=True, ondelete="cascade")
    current_points = fields.Float(related="card_id.points", string="Balance")
    points = fields.Float(required=True, help="Points to add; a negative number takes points away.")
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        self.card_id._change_points(self.points, "adjustment", reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
