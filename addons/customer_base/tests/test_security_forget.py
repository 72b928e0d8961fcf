# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from odoo.exceptions import AccessError
from odoo.tools import SQL

from .common import CustomerBaseCase

# Tables whose text is provably not about a customer: compiled views and
# assets, translations and module metadata written at install.
NOT_PERSONAL_TABLES = frozenset(
    {"ir_ui_view", "ir_asset", "ir_translation", "ir_module_module", "ir_model_data"}
)


class ForgetTraceMixin:
    """Search every text column of the database for a person's data."""

    def find_everywhere(self, terms):
        """``{(table, column)}`` whose text contains one of ``terms``."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT c.table_name, array_agg(c.column_name::text)
              FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = 'public'
               AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'jsonb')
             GROUP BY c.table_name
            """
        )
        patterns = [f"%{term}%" for term in terms]
        found = set()
        for table, columns in self.env.cr.fetchall():
            if table in NOT_PERSONAL_TABLES:
                continue
            for column in columns:
                self.env.cr.execute(
                    SQL(
                        "SELECT 1 FROM %s WHERE %s::text ILIKE ANY(%s) LIMIT 1",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        patterns,
                    )
                )
                if self.env.cr.rowcount:
                    found.add((table, column))
        return found

    def flush_tracking(self):
        """Write the tracking values and chatter that Odoo writes at commit."""
        self.env.flush_all()
        self.env.cr.precommit.run()


class TestSecurityForget(ForgetTraceMixin, CustomerBaseCase):
    """Forgetting a customer leaves no personal data anywhere in the database."""

    FIRSTNAME = "Zoryslava"
    LASTNAME = "Kvitchastenko"
    EMAIL = "zoryslava.kvit@example.com"
    PHONE = "+380671112233"
    SHIPPING_STREET = "Vyshneva Dacha 77"
    IBAN = "UA903052992990004149123456789"
    IP = "203.0.113.77"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.subscription = env["customer.webhook.subscription"].create(
            {"name": "Shop", "url": "https://shop.example.com/hook", "events": "*"}
        )
        partner = env["res.partner"]
        cls.customer = partner.create(
            {
                "firstname": cls.FIRSTNAME,
                "lastname": cls.LASTNAME,
                "email": cls.EMAIL,
                "phone": cls.PHONE,
                "street": "Khreshchatyk 1",
                "city": "Kyiv",
                "birth_day": 3,
                "birth_month": "4",
                "birth_year": 1990,
            }
        )
        cls.delivery = partner.create(
            {
                "parent_id": cls.customer.id,
                "type": "delivery",
                "name": f"{cls.LASTNAME} office",
                "street": "Office street 5",
            }
        )
        cls.dacha = partner.create(
            {"name": f"{cls.LASTNAME} dacha", "street": cls.SHIPPING_STREET, "city": "Irpin"}
        )
        cls.bank = env["res.partner.bank"].create(
            {
                "partner_id": cls.customer.id,
                "acc_number": cls.IBAN,
                "acc_holder_name": f"{cls.FIRSTNAME} {cls.LASTNAME}",
            }
        )
        cls.registration = env["customer.registration.request"].create(
            {
                "name": f"{cls.FIRSTNAME} {cls.LASTNAME}",
                "phone": cls.PHONE,
                "email": cls.EMAIL,
                "birth_day": 3,
                "birth_month": 4,
                "ip": cls.IP,
                "partner_id": cls.customer.id,
            }
        )
        cls.other = partner.create({"firstname": "Ivan", "lastname": "Sirko"})
        order = cls.create_order(cls.other, confirm=False)
        order = order.with_env(env)
        # Tracked change of customer and shipping address on the order.
        order.write({"partner_id": cls.customer.id})
        order.write({"partner_shipping_id": cls.dacha.id})
        order.message_post(
            body=f"Call {cls.FIRSTNAME} {cls.LASTNAME} at {cls.PHONE} before delivery",
            partner_ids=cls.customer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.customer.with_env(env).message_post(body=f"Met {cls.LASTNAME} at the fair")
        order.action_confirm()
        cls.order = order
        deliveries = env["customer.webhook.delivery"].search(
            [("subscription_id", "=", cls.subscription.id)]
        )
        deliveries[:1].write({"state": "sent"})
        cls.customer.with_env(env).flush_recordset()
        env.flush_all()
        env.cr.precommit.run()

    def terms(self):
        return [self.LASTNAME, self.EMAIL, self.PHONE, self.SHIPPING_STREET, self.IBAN, self.IP]

    def forget(self):
        self.env["customer.forget.wizard"].with_user(self.manager).create(
            {"partner_id": self.customer.id, "reason": "Asked by phone", "confirm": True}
        ).action_forget()
        self.flush_tracking()

    def test_setup_holds_the_data_everywhere(self):
        """The search finds the data before the forget, so it can prove absence after."""
        found = self.find_everywhere(self.terms())
        for where in (
            ("res_partner", "email"),
            ("mail_message", "body"),
            ("customer_webhook_delivery", "payload"),
            ("customer_registration_request", "ip"),
            ("res_partner_bank", "acc_number"),
        ):
            self.assertIn(where, found)

    def test_forget_leaves_no_personal_data(self):
        self.forget()
        self.assertEqual(self.find_everywhere(self.terms()), set())
        self.assertFalse(self.customer.active)
        self.assertEqual(self.order.partner_id, self.customer, "the order stays linked")

    def test_forget_keeps_other_people_and_tells_receivers(self):
        self.forget()
        self.assertEqual(self.other.lastname, "Sirko")
        forgotten = self.env["customer.webhook.delivery"].search(
            [("event", "=", "customer.forgotten")]
        )
        self.assertEqual(
            [json.loads(delivery.payload) for delivery in forgotten],
            [{"model": "res.partner", "id": self.customer.id}],
        )
        self.assertEqual(forgotten.state, "pending")

    def test_user_cannot_forget(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.user)._customer_forget("Because")
        self.assertEqual(self.customer.email, self.EMAIL)
        self.assertIn(("res_partner", "email"), self.find_everywhere([self.EMAIL]))
