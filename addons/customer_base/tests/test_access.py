# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestAccess(CustomerBaseCase):
    def test_user_cannot_export_customers(self):
        partners = self.create_customer()
        with self.assertRaises(AccessError):
            partners.with_user(self.user).export_data(["name", "phone"])

    def test_allow_export_alone_is_not_enough(self):
        exporter = new_test_user(
            self.env,
            login="cb_exporter",
            groups="base.group_user,customer_base.group_customer_user,base.group_allow_export",
        )
        with self.assertRaises(AccessError):
            self.create_customer().with_user(exporter).export_data(["name"])

    def test_standard_export_is_logged(self):
        partners = self.create_customer() | self.create_customer(firstname="Ігор")
        log = self.env["customer.export.log"]
        before = log.search_count([])
        result = partners.with_user(self.manager).export_data(["name", "phone", "email"])
        self.assertEqual(len(result["datas"]), 2)
        entry = log.search([], limit=1)
        self.assertEqual(log.search_count([]), before + 1)
        self.assertEqual(entry.user_id, self.manager)
        self.assertEqual(entry.record_count, 2)
        self.assertEqual(entry.field_names, "name, phone, email")
        self.assertEqual(entry.export_type, "standard")

    def test_export_log_cannot_be_changed(self):
        entry = self.env["customer.export.log"]._log_export("res.partner", 1, ["name"], "standard")
        with self.assertRaises(AccessError):
            entry.with_user(self.user).read(["user_id"])
        with self.assertRaises(UserError):
            entry.with_user(self.manager).write({"record_count": 0})
        with self.assertRaises(UserError):
            entry.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            entry.sudo().unlink()

    def test_only_managers_change_the_registration_date(self):
        partner = self.create_customer(acquisition_channel="website_form")
        with self.assertRaises(AccessError):
            partner.with_user(self.user).customer_registration_date = "2020-01-01"
        partner.with_user(self.manager).customer_registration_date = "2020-01-01"
        self.assertEqual(str(partner.customer_registration_date), "2020-01-01")

    def test_user_edits_customers(self):
        partner = self.create_customer()
        partner.with_user(self.user).write({"gender": "female", "phone": "0671234567"})
        self.assertEqual(partner.phone, "+380671234567")

    def test_own_customers_rule(self):
        self.env["res.config.settings"].create({"group_customer_own_only": True}).execute()
        mine = self.create_customer(user_id=self.user.id, acquisition_channel="other")
        theirs = self.create_customer(user_id=self.manager.id, acquisition_channel="other")
        visible = (
            self.env["res.partner"].with_user(self.user).search([("id", "in", (mine | theirs).ids)])
        )
        self.assertEqual(visible, mine)
        visible = (
            self.env["res.partner"]
            .with_user(self.manager)
            .search([("id", "in", (mine | theirs).ids)])
        )
        self.assertEqual(visible, mine | theirs)

    def test_merge_is_for_managers(self):
        partner = self.create_customer(email="same@example.com")
        self.create_customer(firstname="Ольга", email="same@example.com")
        with self.assertRaises(AccessError):
            partner.with_user(self.user).action_merge_duplicates()
        action = partner.with_user(self.manager).action_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        self.assertEqual(len(action["context"]["active_ids"]), 2)
