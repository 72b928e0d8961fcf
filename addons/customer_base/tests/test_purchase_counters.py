# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, datetime

from odoo.tests import tagged

from ..models.res_partner import COUNTER_FIELDS
from .common import CustomerBaseCase


@tagged("post_install", "-at_install")
class TestPurchaseCounters(CustomerBaseCase):
    def assertCounters(self, partner, count, total, first=None, last=None):
        partner.invalidate_recordset()
        self.assertEqual(partner.purchase_count, count)
        self.assertAlmostEqual(partner.purchase_total, total, places=2)
        self.assertAlmostEqual(partner.purchase_average, total / count if count else 0, places=2)
        if first is not None:
            self.assertEqual(partner.first_purchase_date, first)
        if last is not None:
            self.assertEqual(partner.last_purchase_date, last)

    def test_confirmed_orders_are_counted(self):
        partner = self.create_customer()
        self.create_order(partner, 100, date_order=datetime(2025, 3, 1, 10))
        self.create_order(partner, 300, date_order=datetime(2025, 6, 1, 10))
        self.create_order(partner, 999, confirm=False)
        self.assertCounters(partner, 2, 400, date(2025, 3, 1), date(2025, 6, 1))

    def test_registration_date_is_first_purchase_when_earlier(self):
        partner = self.create_customer()
        self.assertFalse(partner.customer_registration_date)
        self.create_order(partner, 100, date_order=datetime(2024, 1, 5, 10))
        self.assertEqual(partner.customer_registration_date, date(2024, 1, 5))
        registered = self.create_customer(acquisition_channel="qr_code")
        today = registered.customer_registration_date
        self.create_order(registered, 50)
        self.assertEqual(registered.customer_registration_date, today)

    def test_contacts_count_for_their_company(self):
        company = self.env["res.partner"].create({"name": "ТОВ Кава", "is_company": True})
        contact = self.create_customer(parent_id=company.id)
        self.create_order(contact, 250)
        self.create_order(company, 50)
        self.assertCounters(company, 2, 300)

    def test_cancel_and_reconfirm_never_count_twice(self):
        partner = self.create_customer()
        order = self.create_order(partner, 120)
        order._action_cancel()
        self.assertCounters(partner, 0, 0)
        order.action_draft()
        order.action_confirm()
        self.assertCounters(partner, 1, 120)
        order._action_cancel()
        order.unlink()
        self.assertCounters(partner, 0, 0)

    def test_changing_a_confirmed_order_updates_total(self):
        partner = self.create_customer()
        order = self.create_order(partner, 100)
        order.order_line.product_uom_qty = 3
        self.assertCounters(partner, 1, 300)

    def test_changing_the_customer_moves_the_figures(self):
        first, second = self.create_customer(), self.create_customer(firstname="Ігор")
        order = self.create_order(first, 100)
        order.partner_id = second
        self.assertCounters(first, 0, 0)
        self.assertCounters(second, 1, 100)

    def test_each_company_sees_its_own_figures(self):
        other_company = self.env["res.company"].create(
            {"name": "Філія", "country_id": self.ukraine.id}
        )
        self.env.user.company_ids |= other_company
        partner = self.create_customer()
        self.create_order(partner, 100)
        self.env["sale.order"].with_company(other_company).create(
            {
                "partner_id": partner.id,
                "company_id": other_company.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "price_unit": 40, "tax_id": False})
                ],
            }
        ).action_confirm()
        self.assertCounters(partner, 1, 100)
        self.assertEqual(partner.with_company(other_company).purchase_count, 1)
        self.assertAlmostEqual(partner.with_company(other_company).purchase_total, 40)
        found = self.env["res.partner"].search(
            [("purchase_count", ">=", 1), ("id", "=", partner.id)]
        )
        self.assertEqual(found, partner)

    def test_recompute_is_one_statement_for_many_partners(self):
        partners = self.env["res.partner"].create(
            [{"firstname": f"Клієнт {i}", "lastname": "Тест"} for i in range(20)]
        )
        for partner in partners:
            self.create_order(partner, 10)
        self.env.flush_all()
        with self.assertQueryCount(1):
            partners._update_purchase_counters()
        self.assertEqual(set(partners.mapped("purchase_count")), {1})

    def test_rebuild_in_batches_resumes(self):
        partners = self.env["res.partner"].create(
            [{"firstname": f"Клієнт {i}", "lastname": "Тест"} for i in range(5)]
        )
        for partner in partners:
            self.create_order(partner, 10)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET purchase_count = NULL, purchase_total = NULL "
            "WHERE id = ANY(%s)",
            [partners.ids],
        )
        self.env["res.partner"].invalidate_model()
        self.assertEqual(set(partners.mapped("purchase_count")), {0})
        model = self.env["res.partner"]
        rounds = 0
        while True:
            rounds += 1
            if not model._cron_rebuild_purchase_counters(batch_size=50):
                break
            self.assertLess(rounds, 1000)
        self.assertEqual(set(partners.mapped("purchase_count")), {1})
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("customer_base.counter_rebuild_last_id"), "0"
        )

    def test_rebuild_rewrites_only_changed_rows(self):
        """The rebuild leaves the rows whose counters are right untouched."""
        right, wrong = self.env["res.partner"].create(
            [
                {"firstname": "Правильний", "lastname": "Тест"},
                {"firstname": "Хибний", "lastname": "Тест"},
            ]
        )
        self.create_order(right, 10)
        self.create_order(wrong, 20)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET purchase_count = NULL WHERE id = %s", [wrong.id]
        )

        def row_versions():
            self.env.cr.execute(
                "SELECT id, ctid::text FROM res_partner WHERE id IN %s", [(right.id, wrong.id)]
            )
            return dict(self.env.cr.fetchall())

        before = row_versions()
        (right | wrong)._update_purchase_counters(rebuild=True)
        after = row_versions()
        self.assertEqual(after[right.id], before[right.id])
        self.assertNotEqual(after[wrong.id], before[wrong.id])
        self.assertCounters(wrong, 1, 20)

    def test_confirmation_updates_the_counters_once(self):
        partner = self.create_customer()
        order = self.create_order(partner, 30, confirm=False)
        order.action_confirm()
        self.assertCounters(partner, 1, 30)
        self.assertFalse(self.env.cr.precommit.data.get("customer_base.deferred_order_ids"))

    def test_confirmation_leaves_the_new_counters_in_the_cache(self):
        partner = self.create_customer()
        self.create_order(partner, 30)
        self.create_order(partner, 50)
        with self.assertQueryCount(0):
            cached = [partner[name] for name in COUNTER_FIELDS]
        partner.invalidate_recordset()
        self.assertEqual(cached, [partner[name] for name in COUNTER_FIELDS])
        self.assertEqual(cached[:3], [2, 80, 40])

    def test_manager_action_triggers_rebuild(self):
        action = self.env["res.partner"].with_user(self.manager).action_rebuild_purchase_counters()
        self.assertEqual(action["tag"], "display_notification")
