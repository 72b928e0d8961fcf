# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerApiPurchase(models.Model):
    """Link between an external till's purchase id and the sale order.

    The unique index on (company, external id) makes recording a purchase
    idempotent: a retried call finds the order instead of creating another.
    """

    _name = "customer.api.purchase"
    _description = "Customer API Purchase"
    _rec_name = "external_id"

    key_id = fields.Many2one("customer.api.key", string="Integration", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True)
    external_id = fields.Char(required=True)
    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)

    _sql_constraints = [
        (
            "external_id_company_unique",
            "unique(company_id, external_id)",
            "This purchase was already recorded.",
        ),
    ]
