# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

COUNTER_TRIGGERS = {"state", "partner_id", "company_id", "date_order", "currency_rate"}
DEFERRED_ORDERS_KEY = "customer_base.deferred_order_ids"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._counted_orders().partner_id._update_purchase_counters()
        return orders

    def write(self, vals):
        orders = self._without_deferred_counters()
        if not COUNTER_TRIGGERS & set(vals) or not orders:
            return super().write(vals)
        counted_before = orders._counted_orders()
        partners_before = counted_before.partner_id
        result = super().write(vals)
        (partners_before | orders._counted_orders().partner_id)._update_purchase_counters()
        return result

    def action_confirm(self):
        """Update the counters once, when the confirmation is done.

        The write of the new state would update them halfway through, and the
        statement's flush would split the order's own update in two: the orders
        are left out of the write hook meanwhile (a set kept for the
        transaction, not a context key that every environment would carry),
        and flushed whole before the update.
        """
        partners_before = self.partner_id
        deferred = self.env.cr.precommit.data.setdefault(DEFERRED_ORDERS_KEY, set())
        added = set(self.ids) - deferred
        deferred |= added
        try:
            result = super().action_confirm()
        finally:
            deferred -= added
        self.flush_model()
        (partners_before | self.partner_id)._update_purchase_counters()
        return result

    def _without_deferred_counters(self):
        """The orders whose counters are not left to a confirmation in progress."""
        deferred = self.env.cr.precommit.data.get(DEFERRED_ORDERS_KEY)
        return self.filtered(lambda order: order.id not in deferred) if deferred else self

    def _counted_orders(self):
        """Orders the purchase counters count: confirmed ones. A change to an
        order that is not confirmed before nor after it changes no counter."""
        return self.filtered(lambda order: order.state == "sale")

    def unlink(self):
        partners = self._counted_orders().partner_id
        result = super().unlink()
        partners._update_purchase_counters()
        return result
