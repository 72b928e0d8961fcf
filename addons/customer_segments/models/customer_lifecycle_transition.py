# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

LIFECYCLE_STAGES = [
    ("prospect", "Prospect"),
    ("new", "New"),
    ("repeat", "Repeat"),
    ("loyal", "Loyal"),
    ("at_risk", "At risk"),
    ("lost", "Lost"),
]


class CustomerLifecycleTransition(models.Model):
    _name = "customer.lifecycle.transition"
    _description = "Customer Lifecycle Transition"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    from_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    to_stage = fields.Selection(LIFECYCLE_STAGES, required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
