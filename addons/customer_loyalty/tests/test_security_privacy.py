# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_base.tests.test_security_forget import ForgetTraceMixin

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestSecurityPrivacyLoyalty(ForgetTraceMixin, CustomerLoyaltyCase):
    """Bonus cards let no customer data out: their export needs the customer
    export right, and forgetting the holder erases the card's chatter."""

    LASTNAME = "Kvitchastenko"
    PHONE = "+380671112244"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.create_customer(lastname=cls.LASTNAME, phone=cls.PHONE)
        cls.card = cls.issue_card(cls.customer, points=10)
        cls.card.message_post(body=f"Card handed to {cls.LASTNAME}, {cls.PHONE}")
        cls.exporter = new_test_user(
            cls.env,
            login="loyalty_exporter",
            groups="base.group_user,customer_base.group_customer_user,"
            "customer_loyalty.group_loyalty_manager,base.group_allow_export",
            name="Loyalty Exporter",
        )
        cls.export_manager = new_test_user(
            cls.env,
            login="loyalty_export_manager",
            groups="base.group_user,customer_base.group_customer_manager,"
            "customer_loyalty.group_loyalty_manager",
            name="Loyalty Export Manager",
        )

    def test_card_export_with_holder_data_needs_customer_right(self):
        logs = self.env["customer.export.log"]
        before = logs.search_count([])
        with self.assertRaises(AccessError):
            self.card.with_user(self.exporter).export_data(["code", "partner_id/phone"])
        self.assertEqual(logs.search_count([]), before)
        codes = self.card.with_user(self.exporter).export_data(["code", "points"])
        self.assertEqual(codes["datas"][0][0], self.card.code)
        self.assertEqual(logs.search_count([]), before)
        result = self.card.with_user(self.export_manager).export_data(["code", "partner_id/phone"])
        self.assertEqual(result["datas"][0][1], self.PHONE)
        log = logs.search([], limit=1)
        self.assertEqual((log.user_id, log.model), (self.export_manager, "loyalty.card"))

    def test_forget_erases_card_chatter(self):
        self.assertIn(("mail_message", "body"), self.find_everywhere([self.LASTNAME]))
        self.customer.with_user(self.manager)._customer_forget("Asked at the till")
        self.assertEqual(self.find_everywhere([self.LASTNAME, self.PHONE]), set())
        self.assertEqual(self.card.partner_id, self.customer, "the card and its points stay")
