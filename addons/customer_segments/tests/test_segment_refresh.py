# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestSegmentRefresh(SegmentCase):
    def test_entry_and_exit_events(self):
        segment = self.env["customer.segment"].create(
            {"name": "Kyiv", "kind": "rule", "domain": "[('city', '=', 'Kyiv')]"}
        )
        partner = self.create_customer(city="Kyiv")
        segment.action_refresh()
        self.assertIn(segment.category_id, partner.category_id)
        self.assertEqual(segment.member_count, 1)
        events = segment.event_ids
        self.assertEqual(events.mapped("event_type"), ["entered"])
        segment.action_refresh()
        self.assertEqual(len(segment.event_ids), 1, "A second refresh records nothing new.")
        partner.city = "Lviv"
        segment.action_refresh()
        self.assertNotIn(segment.category_id, partner.category_id)
        self.assertEqual(sorted(segment.event_ids.mapped("event_type")), ["entered", "left"])
        snapshot = self.env["customer.segment.snapshot"].search([("segment_id", "=", segment.id)])
        self.assertEqual(len(snapshot), 1)
        self.assertEqual(snapshot.member_count, 0)

    def test_moves_are_sent_to_webhooks(self):
        self.env["customer.webhook.subscription"].create(
            {"name": "CRM", "url": "https://crm.example.com/hook", "events": "segment.entered"}
        )
        segment = self.env["customer.segment"].create(
            {"name": "Odesa", "kind": "rule", "domain": "[('city', '=', 'Odesa')]"}
        )
        starting = self.create_customer(city="Odesa")
        segment.action_refresh()
        deliveries = self.env["customer.webhook.delivery"].search([("event", "like", "segment.")])
        self.assertFalse(deliveries, "The starting members of a new segment are not sent.")
        newcomer = self.create_customer(city="Odesa")
        starting.city = "Kyiv"
        segment.action_refresh()
        deliveries = self.env["customer.webhook.delivery"].search([("event", "like", "segment.")])
        self.assertEqual(deliveries.mapped("event"), ["segment.entered"])
        payload = json.loads(deliveries.payload)
        self.assertEqual(payload["partner_id"], newcomer.id)
        self.assertEqual(payload["segment"], "Odesa")
        self.assertEqual(payload["event_type"], "entered")

    def test_relative_date_rule(self):
        segment = self.env["customer.segment"].create(
            {
                "name": "Registered this month",
                "domain": "[('create_date', '>=', (context_today() - relativedelta(days=30))"
                ".strftime('%Y-%m-%d'))]",
            }
        )
        partner = self.create_customer()
        segment.action_refresh()
        self.assertIn(partner, segment.category_id.partner_ids)

    def test_invalid_rule_rejected(self):
        with self.assertRaises(ValidationError):
            self.env["customer.segment"].create(
                {"name": "Bad", "kind": "rule", "domain": "[('no_such_field', '=', 1)]"}
            )

    def test_cron_refreshes_everything(self):
        partner = self.create_customer()
        self.buy(partner, 5)
        segments = self.env["customer.segment"]
        for _run in range(segments.search_count([]) + 1):
            if not segments._cron_refresh_segments():
                break
        self.assertIn(self.segment("segment_all_customers").category_id, partner.category_id)
        self.assertEqual(partner.lifecycle_stage, "new")
        self.assertTrue(partner.rfm_code)
        self.assertFalse(segments._cron_refresh_segments(), "Nothing stale after the run.")
