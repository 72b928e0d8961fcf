# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestSecurityMerge(CustomerBaseCase):
    """Contact merge runs with the user's rights and Odoo's checks."""

    def setUp(self):
        super().setUp()
        self.admin_user = self.env.ref("base.user_admin")
        self.admin_partner = self.admin_user.partner_id
        self.admin_email = self.admin_partner.email
        self.wizard_model = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager)

    def assertAdminUntouched(self, decoy):
        self.env.invalidate_all()
        self.assertTrue(self.admin_partner.exists())
        self.assertTrue(decoy.exists())
        self.assertEqual(self.admin_user.partner_id, self.admin_partner)
        self.assertEqual(self.admin_partner.email, self.admin_email)

    def test_manager_cannot_merge_admin_contact_into_own_address(self):
        decoy = self.create_customer(email="attacker@example.com")
        with self.assertRaises(AccessError):
            self.wizard_model._merge((self.admin_partner | decoy).ids, dst_partner=decoy)
        self.assertAdminUntouched(decoy)

    def test_manager_cannot_merge_admin_contact_with_same_email(self):
        """The same email passes Odoo's extra check: the user link still stops it."""
        decoy = self.create_customer(email=self.admin_email)
        with self.assertRaises(AccessError):
            self.wizard_model._merge((self.admin_partner | decoy).ids, dst_partner=decoy)
        with self.assertRaises(AccessError):
            self.wizard_model._merge(
                (self.admin_partner | decoy).ids, dst_partner=self.admin_partner
            )
        self.assertAdminUntouched(decoy)

    def test_manager_cannot_merge_admin_contact_through_the_wizard(self):
        decoy = self.create_customer(email="attacker@example.com")
        wizard = self.wizard_model.create(
            {
                "partner_ids": [(6, 0, (self.admin_partner | decoy).ids)],
                "dst_partner_id": decoy.id,
                "state": "selection",
            }
        )
        with self.assertRaises(AccessError):
            wizard.action_merge()
        self.assertAdminUntouched(decoy)

    def test_manager_cannot_merge_an_archived_user_contact(self):
        portal = self.env["res.users"].create(
            {
                "name": "Former Portal User",
                "login": "former_portal",
                "email": "former@example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        portal.active = False
        decoy = self.create_customer(email="former@example.com")
        with self.assertRaises(AccessError):
            self.wizard_model._merge((portal.partner_id | decoy).ids, dst_partner=decoy)
        self.assertTrue(portal.partner_id.exists())
        self.assertTrue(decoy.exists())

    def test_manager_keeps_odoo_email_check(self):
        """Without superuser rights, contacts with different emails stay apart."""
        first = self.create_customer(email="first@example.com")
        second = self.create_customer(firstname="Ольга", email="second@example.com")
        with self.assertRaises(UserError):
            self.wizard_model._merge((first | second).ids, dst_partner=second)
        self.assertTrue(first.exists())
        self.assertTrue(second.exists())

    def test_administrator_merges_user_contact(self):
        """Administrators keep Odoo's merge of a user's contact."""
        duplicate = self.create_customer(email="dup@example.com")
        portal = self.env["res.users"].create(
            {
                "name": "Portal Customer",
                "login": "portal_customer",
                "email": "dup@example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.env["base.partner.merge.automatic.wizard"].with_user(self.admin_user)._merge(
            (portal.partner_id | duplicate).ids, dst_partner=portal.partner_id
        )
        self.assertFalse(duplicate.exists())
        self.assertTrue(portal.partner_id.exists())
