# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestBuiltinSegments(SegmentCase):
    def test_all_customers_window_edge(self):
        inside = self.create_customer(lastname="Inside")
        outside = self.create_customer(lastname="Outside")
        self.buy(inside, 364)
        self.buy(outside, 366)
        members = self.members("segment_all_customers")
        self.assertIn(inside, members)
        self.assertNotIn(outside, members)

    def test_regular_needs_distinct_months(self):
        regular = self.create_customer(lastname="Regular")
        almost = self.create_customer(lastname="Almost")
        for month in range(6):
            self.buy(regular, 5 + month * 31)
        for month in range(5):
            self.buy(almost, 5 + month * 31)
        # Several orders in the same month count once.
        self.buy(almost, 6)
        members = self.members("segment_regular")
        self.assertIn(regular, members)
        self.assertNotIn(almost, members)

    def test_seasonal_same_season_two_years(self):
        seasonal = self.create_customer(lastname="Seasonal")
        one_year = self.create_customer(lastname="OneYear")
        self.buy(seasonal, 10)
        self.buy(seasonal, 10 + 365)
        self.buy(one_year, 10)
        self.buy(one_year, 12)
        members = self.members("segment_seasonal")
        self.assertIn(seasonal, members)
        self.assertNotIn(one_year, members)

    def test_discount_hunters_need_most_orders(self):
        hunter = self.create_customer(lastname="Hunter")
        half = self.create_customer(lastname="Half")
        promo = self.create_customer(lastname="Promo")
        self.buy(hunter, 10, discount=10)
        self.buy(hunter, 20, discount=5)
        self.buy(hunter, 30)
        self.buy(half, 10, discount=10)
        self.buy(half, 20)
        order = self.buy(promo, 10)
        self.env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": self.product.id,
                "product_uom_qty": 1,
                "price_unit": -10,
                "tax_id": False,
            }
        )
        members = self.members("segment_discount")
        self.assertIn(hunter, members)
        self.assertIn(promo, members)
        self.assertNotIn(half, members, "Exactly half is not most of the orders.")

    def test_vip_pareto(self):
        big = self.create_customer(lastname="Big")
        crossing = self.create_customer(lastname="Crossing")
        small = self.create_customer(lastname="Small")
        # Existing orders in the database count in the total: dwarf them with big amounts.
        self.buy(big, 10, amount=7_000_000)
        self.buy(crossing, 10, amount=2_000_000)
        self.buy(small, 10, amount=1_000_000)
        members = self.members("segment_vip")
        self.assertIn(big, members)
        self.assertIn(crossing, members, "The customer crossing 80% is included.")
        self.assertNotIn(small, members)

    def test_new_customers(self):
        new = self.create_customer(lastname="New")
        older = self.create_customer(lastname="Older")
        self.buy(new, 29)
        self.buy(older, 31)
        self.buy(older, 1)
        members = self.members("segment_new")
        self.assertIn(new, members)
        self.assertNotIn(older, members)

    def test_sleeping_and_cleanup(self):
        sleeping = self.create_customer(lastname="Sleeping")
        awake = self.create_customer(lastname="Awake")
        self.buy(sleeping, 400)
        self.buy(awake, 400)
        self.buy(awake, 300)
        segment = self.segment("segment_sleeping")
        members = self.members("segment_sleeping")
        self.assertIn(sleeping, members)
        self.assertNotIn(awake, members)
        segment.action_archive_members()
        self.assertFalse(sleeping.active)
        self.assertTrue(awake.active)

    def test_demographic_and_geographic_rules(self):
        woman = self.create_customer(lastname="Woman", gender="female")
        man = self.create_customer(lastname="Man", gender="male", country_id=self.ukraine.id)
        self.assertIn(woman, self.members("segment_women"))
        self.assertNotIn(man, self.members("segment_women"))
        self.assertIn(man, self.members("segment_ukraine"))
