# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestConcurrentSpending(TransactionCase):
    """Two transactions spending one card: the card row lock keeps the balance >= 0.

    The card must be committed to be seen by both transactions, so the test
    works in cursors of its own and removes what it created.
    """

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"loyalty_no_mail": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create({"name": "Concurrent Customer"})
            card = env["loyalty.card"]._issue_bonus_cards(partner)
            card.points and card._change_points(-card.points, "spent", description="Reset")
            card._change_points(100, "action", description="Balance for the test")
            self.partner_id, self.card_id = partner.id, card.id
        self.addCleanup(self._remove_test_data)

    def _remove_test_data(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["loyalty.card"].with_context(active_test=False).browse(self.card_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def test_two_transactions_cannot_overspend(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            card_a = self._env(cr_a)["loyalty.card"].browse(self.card_id)
            card_b = self._env(cr_b)["loyalty.card"].browse(self.card_id)
            card_a._change_points(-80, "spent", description="Till 1")
            with self.assertRaises(UserError):
                card_b._change_points(-80, "spent", description="Till 2")
            cr_b.rollback()
            cr_a.commit()
            card_b.invalidate_recordset()
            with self.assertRaises(UserError):
                card_b._change_points(-80, "spent", description="Till 2 again")
            cr_b.rollback()
            card_b.invalidate_recordset()
            self.assertEqual(card_b.points, 20.0)
            self.assertFalse(self._env(cr_b)["loyalty.card"]._get_ledger_mismatches() & card_b)
