# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.customer_base.tests.common import CustomerBaseCase


class SegmentCase(CustomerBaseCase):
    """Customer base fixtures plus segment users and purchase history helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.segment_user = new_test_user(
            cls.env,
            login="seg_user",
            groups="base.group_user,customer_segments.group_segment_user",
            name="Segment User",
        )
        cls.segment_manager = new_test_user(
            cls.env,
            login="seg_manager",
            groups="base.group_user,customer_segments.group_segment_manager",
            name="Segment Manager",
        )

    @classmethod
    def days_ago(cls, days):
        return fields.Datetime.now() - timedelta(days=days)

    @classmethod
    def buy(cls, partner, days_ago, amount=100.0, **line_values):
        """Confirmed order of the partner placed days_ago days ago."""
        order = cls.create_order(partner, amount, date_order=cls.days_ago(days_ago))
        if line_values:
            order.order_line.write(line_values)
        return order

    @classmethod
    def give_marketing_consent(cls, partner):
        cls.env["customer.consent"].create(
            {"partner_id": partner.id, "purpose": "marketing_email", "state": "given"}
        )

    def segment(self, xmlid):
        return self.env.ref(f"customer_segments.{xmlid}")

    def members(self, xmlid):
        segment = self.segment(xmlid)
        segment.action_refresh()
        return segment.category_id.partner_ids
