# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestMailingRules(SegmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.already_mailed = cls.create_customer(lastname="Mailed", email="mailed@example.com")
        cls.fresh = cls.create_customer(lastname="Fresh", email="fresh@example.com")
        cls.no_consent = cls.create_customer(lastname="NoConsent", email="nc@example.com")
        cls.give_marketing_consent(cls.already_mailed)
        cls.give_marketing_consent(cls.fresh)
        cls.partners = cls.already_mailed | cls.fresh | cls.no_consent

    def create_mailing(self, subject):
        return self.env["mailing.mailing"].create(
            {
                "subject": subject,
                "body_html": "<p>Hello</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", self.partners.ids)]),
            }
        )

    def test_consent_required_for_partner_mailings(self):
        mailing = self.create_mailing("Consent")
        remaining = mailing._get_remaining_recipients()
        self.assertIn(self.fresh.id, remaining)
        self.assertNotIn(self.no_consent.id, remaining)

    def test_frequency_cap_skips_and_counts(self):
        earlier = self.create_mailing("Earlier")
        earlier.action_send_mail([self.already_mailed.id])
        mailing = self.create_mailing("Later")
        mailing.action_send_mail()
        reached = mailing.mailing_trace_ids.mapped("res_id")
        self.assertEqual(reached, [self.fresh.id])
        self.assertEqual(mailing.frequency_capped_count, 1)
        self.assertEqual(mailing.state, "in_queue", "Capped recipients are retried later.")
        self.assertEqual(mailing._get_remaining_recipients(), [self.already_mailed.id])

    def test_frequency_cap_setting(self):
        self.env["ir.config_parameter"].set_param("customer_segments.mailing_cap", 2)
        earlier = self.create_mailing("Earlier")
        earlier.action_send_mail([self.already_mailed.id])
        mailing = self.create_mailing("Later")
        mailing.action_send_mail()
        self.assertEqual(mailing.frequency_capped_count, 0)
        self.assertEqual(mailing.state, "done")

    def test_segment_drives_mailing_list(self):
        mailing_list = self.env["mailing.list"].create({"name": "Kyiv list"})
        segment = self.env["customer.segment"].create(
            {
                "name": "Kyiv",
                "domain": repr([("id", "in", self.partners.ids)]),
                "mailing_list_id": mailing_list.id,
            }
        )
        segment.action_refresh()
        emails = set(mailing_list.contact_ids.mapped("email_normalized"))
        self.assertEqual(emails, {"mailed@example.com", "fresh@example.com"})
        segment.domain = repr([("id", "=", self.fresh.id)])
        segment.action_refresh()
        self.assertEqual(mailing_list.contact_ids.mapped("email_normalized"), ["fresh@example.com"])
