# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestSegmentCompanyIsolation(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.manager_a = new_test_user(
            cls.env,
            login="seg_manager_a",
            groups="base.group_user,customer_segments.group_segment_manager,"
            "customer_base.group_customer_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
            name="Segment Manager of A",
        )
        cls.customer = cls.create_customer()
        cls.segment_b = cls.env["customer.segment"].create(
            {"name": "Segment of B", "company_id": cls.company_b.id}
        )
        cls.event_b = cls.env["customer.segment.event"].create(
            {"segment_id": cls.segment_b.id, "partner_id": cls.customer.id, "event_type": "entered"}
        )
        cls.snapshot_b = cls.env["customer.segment.snapshot"].create(
            {"segment_id": cls.segment_b.id, "member_count": 1}
        )
        cls.transition_b = cls.env["customer.lifecycle.transition"].create(
            {"partner_id": cls.customer.id, "company_id": cls.company_b.id, "to_stage": "new"}
        )

    def test_records_of_b_are_invisible_to_a(self):
        for records in (self.segment_b, self.event_b, self.snapshot_b, self.transition_b):
            with self.subTest(model=records._name):
                self.assertEqual(records.company_id, self.company_b)
                model = records.with_user(self.manager_a)
                self.assertFalse(model.search([("id", "=", records.id)]))
                with self.assertRaises(AccessError):
                    model.read(["display_name"])
                with self.assertRaises(AccessError):
                    model.unlink()
                self.assertTrue(records.exists())

    def test_segment_of_b_cannot_be_changed_or_created_from_a(self):
        with self.assertRaises(AccessError):
            self.segment_b.with_user(self.manager_a).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.env["customer.segment"].with_user(self.manager_a).create(
                {"name": "Forged", "company_id": self.company_b.id}
            )
        self.assertEqual(self.segment_b.name, "Segment of B")
        self.assertEqual(
            self.env["customer.segment"].search_count([("company_id", "=", self.company_b.id)]),
            1,
        )


@tagged("post_install", "-at_install")
class TestSegmentOwnCustomersOnly(SegmentCase):
    """Segment events and lifecycle moves follow "salespeople see only their own
    customers"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.config.settings"].create({"group_customer_own_only": True}).execute()
        cls.manager.groups_id = [
            Command.link(cls.env.ref("customer_segments.group_segment_user").id)
        ]
        cls.mine = cls.create_customer(user_id=cls.segment_user.id, acquisition_channel="other")
        cls.theirs = cls.create_customer(
            firstname="Ольга", user_id=cls.manager.id, acquisition_channel="other"
        )
        segment = cls.env.ref("customer_segments.segment_all_customers")
        cls.events = cls.env["customer.segment.event"].create(
            [
                {"segment_id": segment.id, "partner_id": partner.id, "event_type": "entered"}
                for partner in (cls.mine, cls.theirs)
            ]
        )
        cls.transitions = cls.env["customer.lifecycle.transition"].create(
            [
                {"partner_id": partner.id, "company_id": cls.env.company.id, "to_stage": "new"}
                for partner in (cls.mine, cls.theirs)
            ]
        )

    def test_salesperson_sees_events_of_own_customers_only(self):
        for records in (self.events, self.transitions):
            with self.subTest(model=records._name):
                model = self.env[records._name].with_user(self.segment_user)
                self.assertEqual(model.search([("id", "in", records.ids)]).partner_id, self.mine)
                theirs = records.filtered(lambda r: r.partner_id == self.theirs)
                with self.assertRaises(AccessError):
                    theirs.with_user(self.segment_user).read(["date"])
                seen_by_manager = (
                    self.env[records._name]
                    .with_user(self.manager)
                    .search([("id", "in", records.ids)])
                )
                self.assertEqual(seen_by_manager, records)


@tagged("post_install", "-at_install")
class TestScoresPerCompany(SegmentCase):
    """RFM scores and lifecycle stages are computed per company, from its own
    orders, and computing one company never wipes another's values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.buyer_a = cls.create_customer(lastname="InA")
        cls.buyer_b = cls.create_customer(lastname="InB")
        cls.buy(cls.buyer_a, 10)
        order_b = (
            cls.env["sale.order"]
            .with_company(cls.company_b)
            .create(
                {
                    "partner_id": cls.buyer_b.id,
                    "company_id": cls.company_b.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "price_unit": 100.0,
                                "product_uom_qty": 1,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        order_b.action_confirm()

    def values(self, partner, company):
        partner = partner.with_company(company)
        return partner.rfm_code, partner.lifecycle_stage

    def test_each_company_scores_its_own_buyers(self):
        Partner = self.env["res.partner"]
        Partner._compute_rfm_scores()
        Partner._compute_lifecycle_stages()
        self.assertTrue(self.values(self.buyer_a, self.company_a)[0])
        self.assertEqual(self.values(self.buyer_a, self.company_a)[1], "new")
        self.assertFalse(self.values(self.buyer_a, self.company_b)[0])
        self.assertTrue(self.values(self.buyer_b, self.company_b)[0])
        self.assertEqual(self.values(self.buyer_b, self.company_b)[1], "new")
        self.assertFalse(self.values(self.buyer_b, self.company_a)[0])
        transition_b = self.buyer_b.lifecycle_transition_ids.filtered(
            lambda t: t.company_id == self.company_b
        )
        self.assertEqual(transition_b.to_stage, "new")

    def test_computing_one_company_keeps_the_other(self):
        Partner = self.env["res.partner"]
        Partner._compute_rfm_scores()
        Partner._compute_lifecycle_stages()
        before = self.values(self.buyer_b, self.company_b)
        Partner.with_company(self.company_a)._compute_company_rfm_scores()
        Partner.with_company(self.company_a)._compute_company_lifecycle_stages()
        self.env.invalidate_all()
        self.assertEqual(self.values(self.buyer_b, self.company_b), before)
        self.assertTrue(self.values(self.buyer_a, self.company_a)[0])
