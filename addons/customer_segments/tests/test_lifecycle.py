# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestLifecycle(SegmentCase):
    def test_stages_and_transitions(self):
        prospect = self.create_customer(lastname="Prospect", customer_rank=1)
        new = self.create_customer(lastname="New")
        repeat = self.create_customer(lastname="Repeat")
        at_risk = self.create_customer(lastname="AtRisk")
        lost = self.create_customer(lastname="Lost")
        self.buy(new, 3)
        self.buy(repeat, 3)
        self.buy(repeat, 40)
        self.buy(at_risk, 200)
        self.buy(lost, 400)
        partners = self.env["res.partner"]
        partners._compute_lifecycle_stages()
        self.assertEqual(prospect.lifecycle_stage, "prospect")
        self.assertEqual(new.lifecycle_stage, "new")
        self.assertEqual(repeat.lifecycle_stage, "repeat")
        self.assertEqual(at_risk.lifecycle_stage, "at_risk")
        self.assertEqual(lost.lifecycle_stage, "lost")
        self.buy(new, 1)
        partners._compute_lifecycle_stages()
        self.assertEqual(new.lifecycle_stage, "repeat")
        transitions = new.lifecycle_transition_ids.sorted("id")
        self.assertEqual(transitions.mapped("to_stage"), ["new", "repeat"])
        self.assertEqual(transitions[-1].from_stage, "new")

    def test_customer_value(self):
        partner = self.create_customer()
        self.buy(partner, 60, amount=100)
        self.buy(partner, 30, amount=300)
        self.buy(partner, 0, amount=200)
        self.assertAlmostEqual(partner.purchase_interval_days, 30.0, delta=1)
        self.assertTrue(partner.next_purchase_date)
        # 200 average x 365/30 orders a year x 3 years
        self.assertAlmostEqual(partner.ltv_estimate, 200 * 365 / 30 * 3, delta=250)
