# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields
from odoo.tests import tagged

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestAutomations(SegmentCase):
    def mails_to(self, partner, template_xmlid):
        template = self.env.ref(f"customer_segments.{template_xmlid}")
        subject = template._render_field("subject", partner.ids)[partner.id]
        return self.env["mail.mail"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id), ("subject", "=", subject)]
        )

    def consenting_customer(self, **values):
        values.setdefault("email", "customer@example.com")
        partner = self.create_customer(**values)
        self.give_marketing_consent(partner)
        return partner

    def test_win_back_when_leaving_regular_once(self):
        partner = self.consenting_customer()
        for month in range(6):
            self.buy(partner, 5 + month * 31)
        segment = self.segment("segment_regular")
        segment.action_refresh()
        self.assertFalse(self.mails_to(partner, "mail_template_win_back"))
        segment.min_active_months = 7
        segment.action_refresh()
        segment.action_refresh()
        self.assertEqual(len(self.mails_to(partner, "mail_template_win_back")), 1)

    def test_win_back_when_at_risk_once(self):
        partner = self.consenting_customer(customer_rank=1)
        self.env["res.partner"]._compute_lifecycle_stages()
        self.assertEqual(partner.lifecycle_stage, "prospect")
        self.buy(partner, 200)
        self.env["res.partner"]._compute_lifecycle_stages()
        self.env["res.partner"]._compute_lifecycle_stages()
        self.assertEqual(partner.lifecycle_stage, "at_risk")
        self.assertEqual(len(self.mails_to(partner, "mail_template_win_back")), 1)

    def test_no_win_back_on_first_classification(self):
        partner = self.consenting_customer()
        self.buy(partner, 200)
        self.env["res.partner"]._compute_lifecycle_stages()
        self.assertEqual(partner.lifecycle_stage, "at_risk")
        self.assertFalse(self.mails_to(partner, "mail_template_win_back"))
        self.assertFalse(partner.lifecycle_transition_ids.from_stage)

    def test_no_win_back_without_consent(self):
        partner = self.create_customer(email="silent@example.com")
        self.buy(partner, 200)
        self.env["res.partner"]._compute_lifecycle_stages()
        self.assertFalse(self.mails_to(partner, "mail_template_win_back"))

    def vip_activities(self, partner):
        return partner.activity_ids.filtered(
            lambda activity: activity.summary.startswith("New VIP customer")
        )

    def test_vip_activity_once(self):
        segment = self.segment("segment_vip")
        segment.action_refresh()
        partner = self.create_customer(user_id=self.user.id)
        self.buy(partner, 5, amount=50_000_000)
        segment.action_refresh()
        segment.action_refresh()
        activities = self.vip_activities(partner)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.user)

    def test_first_refresh_takes_starting_members_quietly(self):
        partner = self.create_customer(user_id=self.user.id)
        self.buy(partner, 5, amount=50_000_000)
        segment = self.segment("segment_vip")
        segment.action_refresh()
        self.assertIn(segment.category_id, partner.category_id)
        event = segment.event_ids.filtered(lambda e: e.partner_id == partner)
        self.assertEqual(event.event_type, "entered")
        self.assertTrue(event.initial)
        self.assertEqual(event.segment_kind, "vip")
        self.assertFalse(self.vip_activities(partner), "Starting members trigger nothing.")

    def test_birthday_greeting_once(self):
        today = fields.Date.context_today(self.env["res.partner"])
        partner = self.consenting_customer(birth_day=today.day, birth_month=str(today.month))
        self.env["res.partner"]._cron_send_birthday_greetings()
        self.env["res.partner"]._cron_send_birthday_greetings()
        self.assertEqual(len(self.mails_to(partner, "mail_template_birthday_greeting")), 1)
        self.assertEqual(partner.birthday_greeting_year, today.year)

    def test_welcome_email_once(self):
        partner = self.consenting_customer()
        self.buy(partner, 0)
        self.assertTrue(partner.customer_registration_date)
        self.env["res.partner"]._cron_send_welcome_emails()
        self.env["res.partner"]._cron_send_welcome_emails()
        self.assertEqual(len(self.mails_to(partner, "mail_template_welcome")), 1)
