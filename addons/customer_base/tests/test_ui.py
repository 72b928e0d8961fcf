# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCustomerCardTour(HttpCase):
    def test_salesperson_creates_a_customer(self):
        self.env.company.country_id = self.env.ref("base.ua")
        new_test_user(
            self.env,
            login="cb_tour_user",
            groups="base.group_user,customer_base.group_customer_user",
        )
        self.start_tour(
            "/odoo/action-customer_base.action_customers",
            "customer_base_card_tour",
            login="cb_tour_user",
        )
        partner = self.env["res.partner"].search([("lastname", "=", "Коваленко")])
        self.assertEqual(partner.name, "Коваленко Олена")
        self.assertEqual(partner.phone, "+380501234567")
        self.assertEqual((partner.birth_day, partner.birth_month), (14, "3"))
        self.assertTrue(partner.customer_registration_date)
