# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import CustomerApiMixin, CustomerBaseCase

CONFIRM_PATH = re.compile(r"/customer/consent/confirm/\d+/[0-9a-f]+")


class ConsentSecurityCase(CustomerBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.create_customer(email="olena@example.com")
        cls.Consent = cls.env["customer.consent"]

    def record(self, purpose, state="given", user=None, **values):
        model = self.Consent.with_user(user) if user else self.Consent
        return model.create(
            {"partner_id": self.partner.id, "purpose": purpose, "state": state, **values}
        )

    def history(self):
        return self.Consent.search([("partner_id", "=", self.partner.id)])

    def blacklisted(self):
        return bool(
            self.env["mail.blacklist"].search(
                [("email", "=", "olena@example.com"), ("active", "=", True)]
            )
        )


@tagged("post_install", "-at_install")
class TestConsentFlagsFollowEvents(ConsentSecurityCase):
    def test_direct_flag_write_becomes_an_event(self):
        before = fields.Datetime.now()
        self.partner.with_user(self.user).write({"consent_marketing_email": True})
        self.assertTrue(self.partner.consent_marketing_email)
        event = self.history()
        self.assertEqual(len(event), 1)
        self.assertEqual(
            (event.purpose, event.state, event.channel, event.recorded_by_id),
            ("marketing_email", "given", "staff", self.user),
        )
        self.assertGreaterEqual(event.date, before.replace(microsecond=0))

        self.partner.with_user(self.user).consent_marketing_email = False
        self.assertFalse(self.partner.consent_marketing_email)
        self.assertEqual(self.history()[0].state, "withdrawn")
        self.assertTrue(self.blacklisted(), "the withdrawal went through the blacklist logic")

    def test_context_key_is_no_bypass(self):
        self.partner.with_user(self.user).with_context(customer_base_skip_prepare=True).write(
            {"consent_personal_data": True, "comment": "note"}
        )
        self.assertTrue(self.partner.consent_personal_data)
        self.assertEqual(self.history().mapped("purpose"), ["personal_data"])
        self.assertEqual(self.history().recorded_by_id, self.user)

    def test_writing_the_current_value_records_nothing(self):
        self.record("marketing_sms")
        self.partner.with_user(self.user).write({"consent_marketing_sms": True})
        self.assertEqual(len(self.history()), 1)

    def test_flag_write_without_consent_rights_is_refused(self):
        contact_editor = new_test_user(
            self.env,
            login="contact_editor",
            groups="base.group_user,base.group_partner_manager",
        )
        with self.assertRaises(AccessError):
            self.partner.with_user(contact_editor).write({"consent_marketing_email": True})
        self.partner.invalidate_recordset()
        self.assertFalse(self.partner.consent_marketing_email)
        self.assertFalse(self.history())

    def test_create_and_import_with_flags_record_events(self):
        created = (
            self.env["res.partner"]
            .with_user(self.manager)
            .create({"name": "Created", "consent_personal_data": True})
        )
        self.assertTrue(created.consent_personal_data)
        self.assertEqual(created.consent_ids.recorded_by_id, self.manager)

        result = (
            self.env["res.partner"]
            .with_user(self.manager)
            .with_context(import_file=True)
            .load(
                ["name", "email", "consent_marketing_email"],
                [["Imported", "imported@example.com", "1"]],
            )
        )
        self.assertFalse(result["messages"])
        imported = self.env["res.partner"].browse(result["ids"])
        self.assertTrue(imported.consent_marketing_email)
        self.assertEqual(
            imported.consent_ids.mapped(lambda c: (c.state, c.channel, c.recorded_by_id)),
            [("given", "import", self.manager)],
        )

    def test_merge_follows_the_newest_decision(self):
        """Odoo's merge copies any set boolean onto the survivor: a withdrawal
        that is newer than the other card's consent must win."""
        old = self.create_customer(firstname="Ольга", email="same@example.com")
        self.Consent.create(
            {
                "partner_id": old.id,
                "purpose": "marketing_email",
                "date": fields.Datetime.now() - timedelta(days=30),
            }
        )
        new = self.create_customer(firstname="Ольга", email="same@example.com")
        self.Consent.create(
            {"partner_id": new.id, "purpose": "marketing_email", "state": "withdrawn"}
        )
        self.assertTrue(old.consent_marketing_email)
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)
        wizard._merge((old | new).ids, dst_partner=new)
        new.invalidate_recordset()
        self.assertFalse(new.consent_marketing_email)
        self.assertEqual(len(new.consent_ids), 2, "merging records no consent event")


@tagged("post_install", "-at_install")
class TestConsentHistoryIsAppendOnly(ConsentSecurityCase):
    def test_nobody_rewrites_an_event(self):
        consent = self.record("marketing_email", user=self.user, wording_version="1")
        snapshot = consent.read(["date", "recorded_by_id", "channel", "wording_version"])
        attacks = {
            "date": fields.Datetime.now() - timedelta(days=400),
            "recorded_by_id": self.manager.id,
            "channel": "website_form",
            "wording_version": "2",
        }
        for fname, value in attacks.items():
            for user in (self.user, self.manager):
                with self.subTest(field=fname, user=user.login), self.assertRaises(AccessError):
                    consent.with_user(user).write({fname: value})
            with self.subTest(field=fname, user="superuser"), self.assertRaises(UserError):
                consent.sudo().write({fname: value})
        consent.invalidate_recordset()
        self.assertEqual(
            consent.read(["date", "recorded_by_id", "channel", "wording_version"]), snapshot
        )

    def test_nobody_deletes_an_event(self):
        consent = self.record("personal_data")
        for user in (self.user, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                consent.with_user(user).with_context(**{MODULE_UNINSTALL_FLAG: True}).unlink()
        with self.assertRaises(UserError):
            consent.sudo().unlink()
        self.assertTrue(consent.exists())

    def test_caller_cannot_date_or_sign_an_event(self):
        past = fields.Datetime.now() - timedelta(days=400)
        for forged in ({"date": past}, {"recorded_by_id": self.manager.id}):
            with self.subTest(forged=forged), self.assertRaises(UserError):
                self.record("personal_data", user=self.user, **forged)
        self.assertFalse(self.history())
        self.assertFalse(self.partner.consent_personal_data)

        before = fields.Datetime.now().replace(microsecond=0)
        consent = (
            self.Consent.with_user(self.user)
            .with_context(default_date=past, default_recorded_by_id=self.manager.id)
            .create({"partner_id": self.partner.id, "purpose": "personal_data"})
        )
        self.assertGreaterEqual(consent.date, before, "context defaults do not date an event")
        self.assertEqual(consent.recorded_by_id, self.user)

    def test_caller_cannot_forge_a_confirmation(self):
        pending = self.record("marketing_email", state="pending", channel="website_form")
        with self.assertRaises(UserError):
            self.record("marketing_email", user=self.user, confirmation_of_id=pending.id)
        self.assertEqual(len(self.history()), 1)

    def test_back_dated_event_never_overrides_a_newer_one(self):
        self.record("marketing_email")
        # a dated history (data migration) is loaded by server code only
        self.record(
            "marketing_email", state="withdrawn", date=fields.Datetime.now() - timedelta(days=90)
        )
        self.assertTrue(self.partner.consent_marketing_email)
        self.assertFalse(self.blacklisted())

        self.record("marketing_email", state="withdrawn")
        self.record("marketing_email", date=fields.Datetime.now() - timedelta(days=60))
        self.assertFalse(self.partner.consent_marketing_email)
        self.assertTrue(self.blacklisted())


@tagged("post_install", "-at_install")
class TestDoubleOptIn(CustomerApiMixin, CustomerBaseCase, HttpCase):
    API_SCOPES = {"scope_write_customer": True, "scope_read_card": True}

    def register(self, email="olena@example.com", newsletter="1"):
        page = self.url_open("/customer/register")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/customer/register",
            data={
                "csrf_token": csrf,
                "name": "Коваленко Олена",
                "email": email,
                "consent": "1",
                "newsletter": newsletter,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.env["customer.registration.request"].sudo()._cron_process_pending()
        self.env.invalidate_all()
        return self.env["res.partner"].search([("email", "=", email)])

    def confirmation_path(self, partner):
        mail = self.env["mail.mail"].search([("email_to", "ilike", partner.email)])
        self.assertEqual(len(mail), 1, "one confirmation email is queued")
        return CONFIRM_PATH.search(mail.body_html).group(0)

    def confirm(self, path):
        """Open the link, press the button; return (GET status, POST status)."""
        page = self.url_open(path)
        if page.status_code != 200:
            return page.status_code, None
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(path, data={"csrf_token": csrf})
        self.env.invalidate_all()
        return page.status_code, response.status_code

    def pending(self, partner):
        return partner.consent_ids.filtered(
            lambda c: c.purpose == "marketing_email" and c.state == "pending"
        )

    def test_registration_page_waits_for_the_link(self):
        partner = self.register()
        self.assertTrue(partner.consent_personal_data)
        self.assertFalse(partner.consent_marketing_email, "no marketing before confirmation")
        pending = self.pending(partner)
        self.assertEqual(pending.channel, "website_form")
        path = self.confirmation_path(partner)

        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.env.invalidate_all()
        self.assertFalse(partner.consent_marketing_email, "opening the link confirms nothing")

        self.assertEqual(self.confirm(path), (200, 200))
        self.assertTrue(partner.consent_marketing_email)
        confirmation = partner.consent_ids.filtered("confirmation_of_id")
        self.assertEqual(confirmation.confirmation_of_id, pending)
        self.assertEqual((confirmation.state, confirmation.channel), ("given", "website_form"))
        self.assertEqual(pending.state, "pending", "the request itself is never rewritten")

        self.assertEqual(self.confirm(path), (410, None), "a link confirms once")
        self.assertEqual(len(partner.consent_ids), 3)

    def test_tampered_link_is_refused(self):
        partner = self.register()
        path = self.confirmation_path(partner)
        other = self.register(email="other@example.com")
        other_pending = self.pending(other)
        token = path.rsplit("/", 1)[1]
        attacks = [
            path[:-4] + ("0000" if not path.endswith("0000") else "1111"),
            f"/customer/consent/confirm/{other_pending.id}/{token}",
            f"/customer/consent/confirm/{self.pending(partner).id}/x",
            f"/customer/consent/confirm/{other_pending.id + 1000}/{token}",
        ]
        for attack in attacks:
            with self.subTest(path=attack):
                self.assertEqual(self.confirm(attack), (404, None))
        partner.email = "changed@example.com"
        self.assertEqual(self.confirm(path), (404, None), "the link is bound to the address")
        self.assertFalse((partner | other).filtered("consent_marketing_email"))
        self.assertFalse((partner | other).consent_ids.filtered("confirmation_of_id"))

    def test_expired_link_is_refused(self):
        partner = self.register()
        path = self.confirmation_path(partner)
        pending = self.pending(partner)
        # the request was sent longer ago than the validity period
        self.env.cr.execute(
            "UPDATE customer_consent SET date = date - interval '8 days' WHERE id = %s",
            [pending.id],
        )
        self.assertEqual(self.confirm(path), (410, None))
        self.assertFalse(partner.consent_marketing_email)
        self.assertEqual(len(partner.consent_ids), 2)

    def test_post_without_csrf_is_refused(self):
        partner = self.register()
        path = self.confirmation_path(partner)
        response = self.url_open(path, data={"csrf_token": "forged"})
        self.assertNotEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertFalse(partner.consent_marketing_email)

    def test_api_shop_site_needs_confirmation_till_does_not(self):
        for channel, counts in (("checkout", False), ("point_of_sale", True)):
            email = f"{channel}@example.com"
            status, body = self.call(
                "customers",
                {
                    "firstname": "Ірина",
                    "email": email,
                    "channel": channel,
                    "consent": {"marketing_email": True},
                },
            )
            self.assertEqual(status, 201, body)
            partner = self.env["res.partner"].browse(body["customer"]["id"])
            with self.subTest(channel=channel):
                self.assertEqual(partner.consent_marketing_email, counts)
                self.assertEqual(bool(self.pending(partner)), not counts)

    def test_staff_consent_counts_at_once(self):
        partner = self.create_customer(email="desk@example.com")
        self.env["customer.consent"].with_user(self.user).create(
            {"partner_id": partner.id, "purpose": "marketing_email", "channel": "website_form"}
        )
        self.assertTrue(partner.consent_marketing_email)
        self.assertFalse(self.env["mail.mail"].search([("email_to", "ilike", "desk@example.com")]))
