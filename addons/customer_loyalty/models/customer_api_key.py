# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round

from odoo.addons.customer_base.models.customer_api_key import RetryableConflict

from .loyalty_card import is_valid_card_number


class CustomerApiKey(models.Model):
    """The customer API with bonus cards: lookup by card, tier, balance, spending."""

    _inherit = "customer.api.key"

    def _customer_api_bonus_program(self):
        self.ensure_one()
        return self.env["loyalty.program"]._get_bonus_program(self.company_id)

    def _customer_api_bonus_card(self, partner):
        """The usable (active, not blocked) bonus card of ``partner``, if any."""
        program = self._customer_api_bonus_program()
        if not program or not partner:
            return self.env["loyalty.card"]
        return (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("program_id", "=", program.id),
                    ("state", "=", "active"),
                    ("active", "=", True),
                ],
                limit=1,
            )
        )

    def _customer_api_find_by_card(self, number):
        """The holder of the usable bonus card ``number`` in the key's company."""
        number = (number or "").strip()
        program = self._customer_api_bonus_program()
        if not program or not is_valid_card_number(number):
            return super()._customer_api_find_by_card(number)
        card = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("code", "=", number),
                    ("program_id", "=", program.id),
                    ("state", "=", "active"),
                    ("active", "=", True),
                    ("partner_id.company_id", "in", [False, self.company_id.id]),
                ],
                limit=1,
            )
        )
        return card.partner_id.with_env(self.env) or super()._customer_api_find_by_card(number)

    def _customer_api_card(self, partner):
        """The customer card with the bonus card number, the tier and the balance."""
        result = super()._customer_api_card(partner)
        card = self._customer_api_bonus_card(partner)
        tier = partner.commercial_partner_id.sudo().loyalty_tier_id
        result.update(
            card_number=card.code or None,
            tier=tier.name if tier.company_id == self.company_id else None,
            points_balance=card.points if card else None,
        )
        return result

    def _customer_api_spend_points(self, partner, order, points):
        """Spend points of ``partner``'s card on ``order``, once per purchase.

        The same rules and locking as on a quotation (see
        ``sale.order._spend_bonus_points``). A retried call (same purchase, same
        points) answers the first result with ``duplicate`` instead of spending
        again, also when the card was replaced in between; other points on a
        purchase already paid with points are refused. A card in use by another
        call answers a retryable conflict.
        """
        self.ensure_one()
        card = self._customer_api_bonus_card(partner)
        if not card:
            raise UserError(_("The customer has no active bonus card."))
        points = float_round(points, precision_digits=2)
        if card._lock_available() != card:
            raise RetryableConflict(
                _("The bonus card is being used in another operation. Retry the call.")
            )
        spent = sum(
            used
            for spent_card, (used, _key) in order._get_bonus_api_spending()[order].items()
            if spent_card.program_id == card.program_id
        )
        duplicate = bool(spent)
        if duplicate and float_compare(spent, points, precision_digits=2):
            raise UserError(
                _(
                    "%(points)s points were already spent on order %(order)s.",
                    points=spent,
                    order=order.name,
                )
            )
        if not duplicate:
            order._spend_bonus_points(card, points, api_key=self)
        return {
            "duplicate": duplicate,
            "order": {"id": order.id, "name": order.name},
            "customer_id": partner.id,
            "card_number": card.code,
            "points_spent": points,
            "amount": order._get_bonus_points_amount(card, points),
            "currency": order.currency_id.name,
            "points_balance": card.points,
        }
