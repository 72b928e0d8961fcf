# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerApiLog(models.Model):
    """One call to the customer API. Holds no personal data by design."""

    _name = "customer.api.log"
    _description = "Customer API Call"
    _order = "id desc"
    _rec_name = "endpoint"

    key_id = fields.Many2one(
        "customer.api.key", string="Integration", index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="key_id.company_id", store=True, readonly=True)
    endpoint = fields.Char(required=True, readonly=True)
    http_status = fields.Integer("HTTP Status", readonly=True)
    duration_ms = fields.Integer("Duration (ms)", readonly=True)
    error_code = fields.Char(readonly=True)

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS customer_api_log_key_date_idx "
            "ON customer_api_log (key_id, create_date)"
        )
