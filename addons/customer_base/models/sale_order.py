# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

COUNTER_TRIGGERS = {"state", "partner_id", "company_id", "date_order", "currency_rate"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._counted_orders().partner_id._update_purchase_counters()
        return orders

    def write(self, vals):
        if not COUNTER_TRIGGERS & set(vals):
            return super().write(vals)
        counted_before = self._counted_orders()
        partners_before = counted_before.partner_id
        result = super().write(vals)
        (partners_before | self._counted_orders().partner_id)._update_purchase_counters()
        return result

    def _counted_orders(self):
        """Orders the purchase counters count: confirmed ones. A change to an
        order that is not confirmed before nor after it changes no counter."""
        return self.filtered(lambda order: order.state == "sale")

    def unlink(self):
        partners = self._counted_orders().partner_id
        result = super().unlink()
        partners._update_purchase_counters()
        return result
