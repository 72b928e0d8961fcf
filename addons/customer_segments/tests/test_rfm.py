# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestRfm(SegmentCase):
    def test_quintile_scores(self):
        # Only our customers buy in the window: cancel other confirmed orders.
        self.env["sale.order"].search([("state", "=", "sale")]).write({"state": "cancel"})
        customers = [self.create_customer(lastname=f"C{i}") for i in range(5)]
        for rank, customer in enumerate(customers):
            # rank 0 is the worst: oldest, fewest orders, smallest amounts.
            for n in range(rank + 1):
                self.buy(customer, 300 - rank * 60 + n, amount=100 * (rank + 1))
        self.env["res.partner"]._compute_rfm_scores()
        for rank, customer in enumerate(customers):
            score = rank + 1
            self.assertEqual(customer.rfm_code, f"{score}{score}{score}")
        self.assertEqual(customers[0].rfm_segment, "lost")
        self.assertEqual(customers[4].rfm_segment, "champions")
        self.assertEqual(customers[2].rfm_segment, "need_attention")
        self.assertEqual(customers[3].rfm_segment, "loyal")
        self.assertAlmostEqual(customers[4].rfm_revenue, 2500.0)
