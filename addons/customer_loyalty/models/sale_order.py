# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import float_compare, float_round

from .loyalty_card import ledger_writes


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Programs: tier promotions, earn multiplier, card required
    # ------------------------------------------------------------------
    def _get_customer_loyalty_tier(self):
        """The tier of the order's customer (its commercial partner).

        Only the two fields needed are fetched: confirming an order does not
        otherwise load the whole customer record.
        """
        self.ensure_one()
        partner = self.partner_id.sudo()
        partner.fetch(["commercial_partner_id", "loyalty_tier_id"])
        commercial = partner.commercial_partner_id
        commercial.fetch(["loyalty_tier_id"])
        return commercial.loyalty_tier_id

    def _get_customer_tier_rule(self):
        """The cached rule (multiplier, discount promotion) of the customer's
        tier in the order's company, or None."""
        tier = self._get_customer_loyalty_tier()
        return self.env["customer.loyalty.tier"]._get_rules(self.company_id.id).get(tier.id)

    def _get_program_domain(self):
        """Tier promotions only apply to the customers of their tier."""
        domain = super()._get_program_domain()
        tier = self._get_customer_loyalty_tier()
        return expression.AND(
            [
                domain,
                [
                    "|",
                    ("customer_loyalty_tier_id", "=", False),
                    ("customer_loyalty_tier_id", "=", tier.id),
                ],
            ]
        )

    def _get_bonus_card(self):
        """The customer's bonus card; read through the partner's cards, which a
        confirmation has already loaded for all its orders."""
        self.ensure_one()
        return self.partner_id.sudo().bonus_card_ids[:1]

    def _program_check_compute_points(self, programs):
        """Bonus points need an active card and follow the tier's multiplier."""
        result = super()._program_check_compute_points(programs)
        bonus_programs = [program for program in result if program.is_bonus_card]
        if not bonus_programs:
            return result
        has_card = bool(self._get_bonus_card())
        rule = self._get_customer_tier_rule()
        multiplier = rule.earn_multiplier if rule else 1.0
        for program in bonus_programs:
            status = result[program]
            if not has_card:
                result[program] = {"error": _("The customer has no active bonus card.")}
            elif "points" in status and multiplier != 1.0:
                status["points"] = [
                    float_round(points * multiplier, precision_digits=2, rounding_method="DOWN")
                    for points in status["points"]
                ]
        return result

    def _update_programs_and_rewards(self):
        """Apply the tier discount automatically: it is the customer's right.

        The points are computed again afterwards, on the discounted amount.
        """
        result = super()._update_programs_and_rewards()
        rule = self._get_customer_tier_rule()
        if not rule or not rule.program_id or self.state not in ("draft", "sent"):
            return result
        tier_program = self.env["loyalty.program"].browse(rule.program_id)
        reward = tier_program.reward_ids[:1]
        coupon = self.coupon_point_ids.coupon_id.filtered(lambda c: c.program_id == tier_program)
        if reward and coupon and reward not in self.order_line.reward_id:
            if not self._apply_program_reward(reward, coupon[:1]).get("error"):
                result = super()._update_programs_and_rewards()
        return result

    # ------------------------------------------------------------------
    # Spending: at most a share of the order
    # ------------------------------------------------------------------
    def _get_bonus_payable_amount(self, reward):
        """The largest amount bonus points may pay on this order."""
        self.ensure_one()
        base_lines = self.order_line.filtered(
            lambda line: not (line.reward_id and line.reward_id.program_id.is_bonus_card)
        )
        total = sum(base_lines.mapped("price_total"))
        return self.currency_id.round(max(total, 0.0) * reward.program_id.bonus_max_share / 100)

    def _get_reward_values_discount(self, reward, coupon, **kwargs):
        vals_list = super()._get_reward_values_discount(reward, coupon, **kwargs)
        if not reward.program_id.is_bonus_card or not vals_list:
            return vals_list
        cap = self._get_bonus_payable_amount(reward)
        discount = -sum(vals["price_unit"] * vals.get("product_uom_qty", 1) for vals in vals_list)
        if float_compare(discount, cap, precision_rounding=self.currency_id.rounding) <= 0:
            return vals_list
        factor = cap / discount if discount else 0.0
        for vals in vals_list:
            vals["price_unit"] *= factor
        cap_in_reward_currency = self.currency_id._convert(
            cap, reward.currency_id, self.company_id, fields.Date.today()
        )
        point_cost = coupon.currency_id.round(cap_in_reward_currency / reward.discount)
        for vals in vals_list:
            if vals.get("points_cost"):
                vals["points_cost"] = point_cost
        return vals_list

    def _get_bonus_spending(self):
        """{card: points spent by the reward lines} for the order's bonus cards."""
        self.ensure_one()
        spending = defaultdict(float)
        for line in self.order_line.filtered(lambda line: line.coupon_id.is_bonus_card):
            spending[line.coupon_id] += line.points_cost
        return spending

    def _check_bonus_spending(self):
        """Clear errors before confirming: blocked card, balance, allowed share."""
        for order in self:
            for card, points in order._get_bonus_spending().items():
                if float_compare(points, 0.0, precision_digits=2) < 0:
                    raise UserError(_("A reward line cannot add points to card %s.", card.code))
                if points:
                    order._check_bonus_card_spending(card, points)

    def _check_bonus_card_spending(self, card, points, extra_amount=0.0):
        """Refuse spending ``points`` of ``card`` on this order against the rules.

        ``extra_amount`` is what points pay outside the order lines (a till
        spending them on a recorded purchase), in the order currency.
        """
        self.ensure_one()
        if card.state == "blocked" or not card.active:
            raise UserError(_("The bonus card %s is blocked.", card.code))
        if float_compare(card.points, points, precision_digits=2) < 0:
            raise UserError(
                _(
                    "Card %(card)s has %(balance)s points, the order spends %(points)s.",
                    card=card.code,
                    balance=card.points,
                    points=points,
                )
            )
        card_lines = self.order_line.filtered(lambda line: line.coupon_id == card)
        reward = card_lines.reward_id[:1] or card.program_id._get_bonus_spending_reward()
        paid = -sum(card_lines.mapped("price_total")) + extra_amount
        cap = self._get_bonus_payable_amount(reward)
        if float_compare(paid, cap, precision_rounding=self.currency_id.rounding) > 0:
            raise UserError(
                _(
                    "Bonus points may pay at most %(share)s%% of the order.",
                    share=reward.program_id.bonus_max_share,
                )
            )

    def _get_bonus_points_amount(self, card, points):
        """What ``points`` of ``card`` pay, in the order currency."""
        self.ensure_one()
        reward = card.program_id._get_bonus_spending_reward()
        return reward.currency_id._convert(
            points * reward.discount,
            self.currency_id,
            self.company_id,
            fields.Date.context_today(self),
        )

    def _spend_bonus_points(self, card, points, api_key=None):
        """Spend ``points`` of ``card`` on this confirmed order, outside its lines.

        For integrations: a till pays part of a recorded purchase with points.
        The rules are those of a quotation (usable card, balance, largest share
        of the order), checked once the card is locked; the ledger gets a
        "spent" line with the order as source. Returns that line.
        """
        self.ensure_one()
        if self.state != "sale":
            raise UserError(_("Points can only be spent on a confirmed order."))
        points = float_round(points, precision_digits=2)
        if float_compare(points, 0.0, precision_digits=2) <= 0:
            raise UserError(_("The number of points to spend must be positive."))
        card._lock_for_update()
        self._check_bonus_card_spending(
            card, points, extra_amount=self._get_bonus_points_amount(card, points)
        )
        return card._change_points(
            -points,
            "spent",
            description=_("Points spent on order %s", self.name),
            source=self,
            values={"api_key_id": api_key.id} if api_key else None,
        )

    def _get_bonus_api_spending(self):
        """{order: {card: (points, api key)}} spent through the API on these orders
        and not given back yet, in one query."""
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("order_model", "=", self._name),
                    ("order_id", "in", self.ids),
                    ("api_key_id", "!=", False),
                ],
                ["order_id", "card_id", "api_key_id"],
                ["used:sum", "issued:sum"],
            )
        )
        spending = defaultdict(dict)
        for order_id, card, key, used, issued in groups:
            points, _key = spending[order_id].get(card, (0.0, key))
            spending[order_id][card] = (points + used - issued, key)
        return {
            order: {
                card: value
                for card, value in spending[order.id].items()
                if float_compare(value[0], 0.0, precision_digits=2) > 0
            }
            for order in self
        }

    # ------------------------------------------------------------------
    # Confirmation and cancellation
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Issue missing cards (first purchase policy), then lock the customers' cards.

        The card holders are found with one query; cards are only issued to the
        customers who have none, and the issue policy is only read for them, so a
        returning customer costs no extra query.
        """
        cards = self.order_line.coupon_id.filtered("is_bonus_card")
        holders = self.partner_id.sudo().bonus_card_ids
        # Each order gets the bonus program of its own company, not the user's.
        for company in self.company_id:
            program = self.env["loyalty.program"]._get_bonus_program(company)
            if not program:
                continue
            orders = self.filtered(lambda o, company=company: o.company_id == company)
            buyers = orders.partner_id
            cards |= holders.filtered(lambda c, buyers=buyers: c.partner_id in buyers)
            newcomers = (
                orders.filtered(lambda o: o.state in ("draft", "sent")).partner_id
                - holders.partner_id
            )
            if newcomers and program.bonus_card_issue_policy == "first_purchase":
                cards |= self.env["loyalty.card"]._issue_bonus_cards(newcomers, program=program)
        cards._lock_for_update()
        # Odoo's confirmation writes the points the order earns and spends on
        # the cards, with their history lines, as the salesperson: the ledger
        # is opened for it. What it writes comes from the loyalty engine and
        # is checked by _add_loyalty_history_lines first.
        with ledger_writes():
            result = super().action_confirm()
        self._review_customer_tiers()
        return result

    def _review_customer_tiers(self):
        """Promote the customers of the confirmed orders, per order company.

        A consequence of a confirmation the user was allowed to make: it runs
        as superuser, so a salesperson without loyalty rights can confirm.
        """
        partners_by_company = defaultdict(lambda: self.env["res.partner"])
        for order in self:
            partners_by_company[order.company_id] |= order.partner_id
        for company, partners in partners_by_company.items():
            partners.sudo().with_company(company)._review_loyalty_tier(allow_demotion=False)

    def _add_loyalty_history_lines(self):
        self._check_bonus_spending()
        return super()._add_loyalty_history_lines()

    def _get_point_changes(self):
        """On cancelled orders the bonus cards are left out: their reversal is
        written by the ledger (_reverse_bonus_points), which never lets a
        balance go below zero."""
        changes = super()._get_point_changes()
        if self and all(order.state == "cancel" for order in self):
            return {card: points for card, points in changes.items() if not card.is_bonus_card}
        return changes

    def _action_cancel(self):
        """Keep the bonus ledger and write reversal lines instead of deleting it."""
        confirmed = self.filtered(lambda order: order.state == "sale")
        reversals = []
        for order in confirmed:
            earned = defaultdict(float)
            for entry in order.coupon_point_ids.filtered(lambda e: e.coupon_id.is_bonus_card):
                earned[entry.coupon_id] += entry.points
            spent = order._get_bonus_spending()
            for card in set(earned) | set(spent):
                reversals.append((order, card, earned.get(card, 0.0), spent.get(card, 0.0)))
        api_spending = confirmed._get_bonus_api_spending()
        result = super(
            SaleOrder, self.with_context(customer_loyalty_keep_ledger=True)
        )._action_cancel()
        self._reverse_bonus_points(reversals, api_spending)
        return result

    @api.model
    def _reverse_bonus_points(self, reversals, api_spending):
        """Write the ledger lines of cancelled orders; a cancellation is never refused.

        ``reversals``: [(order, card, earned, spent on its lines)];
        ``api_spending``: {order: {card: (points, api key)}} spent through the API.
        What was spent is given back first (also to a card blocked since), then
        the points the order earned are taken back, as far as the balance
        allows. Earned points already spent or expired stay with the customer:
        a "shortfall" line records how many could not be taken back.
        """
        card_model = self.env["loyalty.card"]
        cards = card_model.browse(
            [card.id for _order, card, _earned, _spent in reversals]
            + [card.id for spending in api_spending.values() for card in spending]
        )
        cards.sudo()._lock_for_update()
        balances = {card.id: card.points for card in cards.sudo()}
        credits, debits = [], []
        for order, spending in api_spending.items():
            for card, (points, key) in spending.items():
                credits.append(
                    {
                        "card_id": card.id,
                        "kind": "reversal",
                        "order_model": order._name,
                        "order_id": order.id,
                        "api_key_id": key.id,
                        "issued": points,
                        "description": _(
                            "Order %s cancelled: points spent through the API given back",
                            order.name,
                        ),
                    }
                )
                balances[card.id] += points
        for order, card, _earned, spent in reversals:
            if spent:
                credits.append(
                    {
                        **self._bonus_reversal_base(order, card),
                        "issued": spent,
                        "description": _("Order %s cancelled: spent points given back", order.name),
                    }
                )
                balances[card.id] += spent
        for order, card, earned, _spent in reversals:
            if not earned:
                continue
            taken = float_round(min(earned, max(balances[card.id], 0.0)), precision_digits=2)
            shortfall = float_round(earned - taken, precision_digits=2)
            balances[card.id] -= taken
            if taken:
                debits.append(
                    {
                        **self._bonus_reversal_base(order, card),
                        "used": taken,
                        "description": _(
                            "Order %s cancelled: earned points taken back", order.name
                        ),
                    }
                )
            if shortfall > 0:
                debits.append(
                    {
                        **self._bonus_reversal_base(order, card),
                        "kind": "shortfall",
                        "shortfall_points": shortfall,
                        "description": _(
                            "Order %(order)s cancelled: %(points)s earned points were already "
                            "spent or expired and could not be taken back",
                            order=order.name,
                            points=shortfall,
                        ),
                    }
                )
        return card_model._post_ledger_lines(credits + debits)

    @api.model
    def _bonus_reversal_base(self, order, card):
        return {
            "card_id": card.id,
            "kind": "reversal",
            "order_model": order._name,
            "order_id": order.id,
        }
