# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerForgetRequest(models.Model):
    """Log of executed "forget this customer" requests.

    It keeps who erased which partner record, when and why, and nothing of the
    erased personal data itself.
    """

    _name = "customer.forget.request"
    _description = "Customer Forget Request"
    _order = "date desc, id desc"
    _rec_name = "partner_ref"

    partner_id = fields.Many2one(
        "res.partner", string="Anonymised Customer", index=True, ondelete="set null", readonly=True
    )
    partner_ref = fields.Integer("Customer ID", required=True, readonly=True)
    reason = fields.Text(required=True, readonly=True)
    origin = fields.Selection(
        [("request", "Request of the person"), ("retention", "Retention period")],
        required=True,
        default="request",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Done By", default=lambda self: self.env.user, readonly=True
    )
    date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )
