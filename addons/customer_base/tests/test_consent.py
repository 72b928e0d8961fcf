# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestConsent(CustomerBaseCase):
    def record(self, partner, purpose, state="given", user=None):
        model = self.env["customer.consent"]
        if user:
            model = model.with_user(user)
        return model.create(
            {"partner_id": partner.id, "purpose": purpose, "state": state, "channel": "staff"}
        )

    def test_partner_shows_latest_state_per_purpose(self):
        partner = self.create_customer(email="olena@example.com")
        self.record(partner, "personal_data")
        self.record(partner, "marketing_sms")
        self.assertTrue(partner.consent_personal_data)
        self.assertTrue(partner.consent_marketing_sms)
        self.assertFalse(partner.consent_marketing_email)
        self.record(partner, "marketing_sms", "withdrawn")
        self.assertFalse(partner.consent_marketing_sms)
        self.assertEqual(len(partner.consent_ids), 3)

    def test_withdrawing_email_consent_blacklists_the_address(self):
        partner = self.create_customer(email="olena@example.com")
        blacklist = self.env["mail.blacklist"].with_context(active_test=False)
        self.record(partner, "marketing_email")
        self.assertFalse(
            blacklist.search([("email", "=", "olena@example.com"), ("active", "=", True)])
        )
        self.record(partner, "marketing_email", "withdrawn")
        self.assertTrue(
            blacklist.search([("email", "=", "olena@example.com"), ("active", "=", True)])
        )
        partner.invalidate_recordset()
        self.assertTrue(partner.is_blacklisted)
        self.record(partner, "marketing_email")
        self.assertFalse(
            blacklist.search([("email", "=", "olena@example.com"), ("active", "=", True)])
        )

    def test_history_is_never_deleted_or_rewritten(self):
        partner = self.create_customer()
        consent = self.record(partner, "personal_data")
        with self.assertRaises(UserError):
            consent.unlink()
        with self.assertRaises(UserError):
            consent.state = "withdrawn"
        with self.assertRaises(UserError):
            partner.unlink()

    def test_users_record_consent_but_cannot_edit_history(self):
        partner = self.create_customer()
        consent = self.record(partner, "personal_data", user=self.user)
        self.assertEqual(consent.recorded_by_id, self.user)
        with self.assertRaises(AccessError):
            consent.with_user(self.user).wording_version = "2"
        with self.assertRaises(AccessError):
            consent.with_user(self.manager).wording_version = "2"
        self.assertFalse(consent.wording_version)
