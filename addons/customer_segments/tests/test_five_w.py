# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestFiveW(SegmentCase):
    def test_five_w_and_recommendations(self):
        tea = self.env["product.product"].create(
            {"name": "Green tea", "list_price": 50.0, "type": "consu", "taxes_id": False}
        )
        me = self.create_customer(lastname="Me")
        alike = self.create_customer(lastname="Alike")
        self.buy(me, 3)
        order = self.buy(alike, 3)
        self.env["sale.order.line"].create(
            {"order_id": order.id, "product_id": tea.id, "price_unit": 50, "tax_id": False}
        )
        me.invalidate_recordset()
        self.assertEqual(me.favourite_category_ids, self.product.categ_id)
        self.assertTrue(me.favourite_season)
        self.assertEqual(me.main_team_id, order.team_id)
        self.assertEqual(me.recommended_product_ids[:1], tea)
        self.assertIn(self.product, me.recommended_product_ids)
