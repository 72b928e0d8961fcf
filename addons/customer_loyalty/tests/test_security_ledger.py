# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestSecurityLedger(CustomerLoyaltyCase):
    """Only the ledger moves a bonus balance; its lines are append-only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="ledger_salesperson",
            groups="base.group_user,sales_team.group_sale_salesman",
            name="Sales Only",
        )
        cls.card = cls.issue_card(cls.create_customer(), points=50.0)  # 150 points

    def assertCardUntouched(self, card=None, points=150.0, lines=None):
        card = card or self.card
        self.env.invalidate_all()
        self.assertEqual(card.points, points)
        if lines is not None:
            self.assertEqual(card.history_ids, lines)
        self.assertLedgerMatches(card)

    def test_users_cannot_write_a_balance(self):
        for user in (self.loyalty_user, self.loyalty_manager, self.salesperson, self.manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.card.with_user(user).write({"points": 99999})
        with self.assertRaises(AccessError):
            self.card.sudo().points = 99999
        self.assertCardUntouched()

    def test_context_flags_do_not_open_the_ledger(self):
        """The ledger is opened by the server, not by anything in the RPC context."""
        forged = {
            "customer_loyalty_keep_ledger": True,
            "customer_loyalty_replacement": True,
            "customer_loyalty_ledger_open": True,
        }
        with self.assertRaises(AccessError):
            self.card.with_user(self.salesperson).with_context(**forged).write({"points": 99999})
        self.assertCardUntouched()

    def test_users_cannot_create_ledger_lines(self):
        lines = self.card.history_ids
        vals = {"card_id": self.card.id, "description": "Gift", "issued": 99999}
        for user in (self.loyalty_user, self.loyalty_manager, self.salesperson):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["loyalty.history"].with_user(user).create(vals)
        with self.assertRaises(AccessError):
            self.env["loyalty.history"].sudo().create(vals)
        with self.assertRaises(AccessError):
            self.card.with_user(self.salesperson).write({"history_ids": [(0, 0, vals)]})
        self.assertCardUntouched(lines=lines)

    def test_ledger_lines_are_append_only(self):
        lines = self.card.history_ids
        line = lines.filtered(lambda h: h.kind == "welcome")
        for user in (self.loyalty_manager, self.salesperson):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                line.with_user(user).write({"issued": 99999})
        with self.assertRaises(AccessError):
            line.sudo().write({"issued": 0.0})
        with self.assertRaises(AccessError):
            line.sudo().unlink()
        with self.assertRaises(AccessError):
            self.card.sudo().write({"history_ids": [(1, line.id, {"used": 100})]})
        # Odoo's cancellation flag only leaves bonus lines out of a deletion.
        line.sudo().with_context(customer_loyalty_keep_ledger=True).unlink()
        self.assertCardUntouched(lines=lines)
        self.assertEqual(line.issued, 100.0)

    def test_odoo_balance_wizard_cannot_change_a_bonus_card(self):
        wizard = (
            self.env["loyalty.card.update.balance"]
            .with_user(self.salesperson)
            .create({"card_id": self.card.id, "new_balance": 99999, "description": "Gift"})
        )
        with self.assertRaises(AccessError):
            wizard.action_update_card_point()
        self.assertCardUntouched()

    def test_card_cannot_enter_the_bonus_program_with_a_balance(self):
        stamp_program = self.env["loyalty.program"].create(
            {"name": "Stamp cards", "program_type": "loyalty"}
        )
        stamp_card = self.env["loyalty.card"].create(
            {"program_id": stamp_program.id, "points": 500}
        )
        with self.assertRaises(AccessError):
            stamp_card.with_user(self.loyalty_user).program_id = self.program
        with self.assertRaises(AccessError):
            self.card.with_user(self.loyalty_manager).program_id = stamp_program
        self.assertEqual(stamp_card.program_id, stamp_program)
        self.assertEqual(self.card.program_id, self.program)

    def test_user_cannot_issue_a_card_with_a_balance(self):
        partner = self.create_customer()
        with self.assertRaises(UserError):
            self.env["loyalty.card"].with_user(self.loyalty_user).create(
                {"program_id": self.program.id, "partner_id": partner.id, "points": 99999}
            )
        self.assertFalse(partner.bonus_card_ids)

    def test_confirmed_reward_line_cannot_move_points(self):
        """Odoo moves the points of a confirmed order's reward line by hand:
        that bypass of the ledger is refused."""
        order = self.create_order(self.card.partner_id, 200, confirm=False)
        line = self.apply_points(order)
        order.action_confirm()
        self.env.invalidate_all()
        balance, lines = self.card.points, self.card.history_ids
        with self.assertRaises(AccessError):
            line.with_user(self.manager).points_cost = 0
        self.assertCardUntouched(points=balance, lines=lines)

    def test_manager_adjusts_through_the_wizard(self):
        wizard = (
            self.env["customer.loyalty.adjust.wizard"]
            .with_user(self.loyalty_manager)
            .create({"card_id": self.card.id, "points": -20, "reason": "Complaint settled"})
        )
        wizard.action_apply()
        line = self.card.history_ids.filtered(lambda h: h.reason == "Complaint settled")
        self.assertEqual(
            (line.kind, line.used, line.user_id), ("adjustment", 20, self.loyalty_manager)
        )
        self.assertCardUntouched(points=130.0)


@tagged("post_install", "-at_install")
class TestBirthdayCronSkipsHeldCards(TransactionCase):
    """A card another transaction holds is skipped, the others get their bonus.

    The cards must be committed to be seen by two transactions: the test works
    in cursors of its own and removes what it created.
    """

    today = date(2031, 3, 15)

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"loyalty_no_mail": True})

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partners = env["res.partner"].create(
                [
                    {"name": f"Birthday Customer {i}", "birth_day": 15, "birth_month": "3"}
                    for i in range(3)
                ]
            )
            cards = env["loyalty.card"]._issue_bonus_cards(partners)
            self.partner_ids, self.card_ids = partners.ids, cards.ids
        self.addCleanup(self._remove_test_data)

    def _remove_test_data(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["loyalty.card"].with_context(active_test=False).browse(self.card_ids).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()

    def _birthday_years(self, env):
        cards = env["loyalty.card"].browse(self.card_ids)
        cards.invalidate_recordset()
        return [card.birthday_bonus_year for card in cards]

    def test_held_card_is_skipped_then_picked_up(self):
        held_id = self.card_ids[1]
        with self.registry.cursor() as cr_till, self.registry.cursor() as cr_cron:
            cr_till.execute("SELECT id FROM loyalty_card WHERE id = %s FOR UPDATE", [held_id])
            cron_env = self._env(cr_cron)
            cron_env["loyalty.card"]._cron_give_birthday_bonus(today=self.today)
            self.assertEqual(self._birthday_years(cron_env), [2031, 0, 2031])
            held = cron_env["loyalty.card"].browse(held_id)
            self.assertFalse(held.history_ids.filtered(lambda h: h.kind == "birthday"))
            cr_cron.commit()
            cr_till.rollback()  # the till is done with the card
        with self.registry.cursor() as cr:
            env = self._env(cr)
            given = env["loyalty.card"]._cron_give_birthday_bonus(today=self.today)
            self.assertIn(held_id, given.ids)
            self.assertEqual(self._birthday_years(env), [2031, 2031, 2031])
            cards = env["loyalty.card"].browse(self.card_ids)
            for card in cards:
                birthday = card.history_ids.filtered(lambda h: h.kind == "birthday")
                self.assertEqual(len(birthday), 1)
            self.assertFalse(env["loyalty.card"]._get_ledger_mismatches() & cards)
