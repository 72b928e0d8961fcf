# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class CustomerApiPurchase(models.Model):
    """Link between an external till's purchase id and the sale order.

    The unique index on (integration key, external id) makes recording a
    purchase idempotent: a retried call finds the order instead of creating
    another, and two tills that both number from 1 do not collide. The hash of
    the first body tells a retry from another purchase reusing the id.
    """

    _name = "customer.api.purchase"
    _description = "Customer API Purchase"
    _rec_name = "external_id"

    key_id = fields.Many2one("customer.api.key", string="Integration", ondelete="set null")
    company_id = fields.Many2one("res.company", required=True)
    external_id = fields.Char(required=True, size=64)
    request_hash = fields.Char(
        readonly=True, help="SHA-256 of the body of the call that recorded the purchase."
    )
    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)

    _sql_constraints = [
        (
            "external_id_key_unique",
            "unique(key_id, external_id)",
            "This purchase was already recorded.",
        ),
    ]
