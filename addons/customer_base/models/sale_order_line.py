# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

AMOUNT_TRIGGERS = {"product_uom_qty", "price_unit", "discount", "tax_id", "display_type"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _confirmed_order_partners(self):
        return self.order_id._counted_orders().partner_id

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._confirmed_order_partners()._update_purchase_counters()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if AMOUNT_TRIGGERS & set(vals):
            self._confirmed_order_partners()._update_purchase_counters()
        return result

    def unlink(self):
        partners = self._confirmed_order_partners()
        result = super().unlink()
        partners._update_purchase_counters()
        return result
