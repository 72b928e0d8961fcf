# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from odoo.addons.customer_base.tests.test_security_forget import ForgetTraceMixin

from .common import SegmentCase


@tagged("post_install", "-at_install")
class TestSecurityForgetSegments(ForgetTraceMixin, SegmentCase):
    """Forgetting a customer also erases the mailing contact that segment
    mailing lists made for the address."""

    EMAIL = "zoryslava.segment@example.com"
    LASTNAME = "Kvitchastenko"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.create_customer(lastname=cls.LASTNAME, email=cls.EMAIL)
        cls.give_marketing_consent(cls.customer)
        cls.mailing_list = cls.env["mailing.list"].create({"name": "Forget list"})
        cls.env["customer.segment"].create(
            {
                "name": "Forget segment",
                "domain": repr([("id", "=", cls.customer.id)]),
                "mailing_list_id": cls.mailing_list.id,
            }
        ).action_refresh()

    def test_forget_erases_segment_mailing_contact(self):
        self.assertEqual(self.mailing_list.contact_ids.email_normalized, self.EMAIL)
        self.assertIn(("mailing_contact", "email"), self.find_everywhere([self.EMAIL]))
        self.customer.with_user(self.manager)._customer_forget("Asked by email")
        self.assertFalse(self.mailing_list.contact_ids)
        found = self.find_everywhere([self.EMAIL, self.LASTNAME])
        self.assertFalse({table for table, _column in found} & {"mailing_contact", "mailing_trace"})
