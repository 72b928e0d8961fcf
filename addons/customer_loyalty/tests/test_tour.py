# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestLoyaltyTour(HttpCase):
    def test_apply_points_on_quotation_in_browser(self):
        env = self.env(context=dict(self.env.context, loyalty_no_mail=True))
        program = env.ref("customer_loyalty.loyalty_program_bonus_card")
        program.company_id = env.company
        program.bonus_welcome_points = 100.0
        program.reward_ids.discount = 1.0
        product = env["product.product"].create(
            {"name": "Tea", "list_price": 1000.0, "type": "consu", "taxes_id": False}
        )
        partner = env["res.partner"].create({"name": "Tour Customer"})
        card = env["loyalty.card"]._issue_bonus_cards(partner)
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [(0, 0, {"product_id": product.id, "price_unit": 1000.0})],
            }
        )
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}",
            "customer_loyalty_apply_points",
            login="admin",
        )
        reward_line = order.order_line.filtered(lambda line: line.coupon_id == card)
        self.assertAlmostEqual(reward_line.price_unit, -100.0)
        order.action_confirm()
        # 100 - 100 spent + 1000 * 0.05 earned at the default earn rate
        self.assertEqual(card.points, 50.0)
