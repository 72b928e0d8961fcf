# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.customer_loyalty.models.loyalty_card import is_valid_card_number

from .common import CustomerLoyaltyCase


@tagged("post_install", "-at_install")
class TestBonusCard(CustomerLoyaltyCase):
    def test_program_installed_with_defaults(self):
        program = self.env["loyalty.program"]._get_bonus_program()
        self.assertEqual(program, self.program)
        self.assertEqual(program.program_type, "loyalty")
        default = self.env["loyalty.program"].new({})
        self.assertEqual(default.bonus_max_share, 30.0)
        self.assertEqual(default.bonus_points_lifetime_months, 12)
        self.assertTrue(program.rule_ids.reward_point_mode == "money")
        self.assertEqual(program.reward_ids.discount_mode, "per_point")

    def test_card_number_has_check_digit(self):
        card = self.issue_card(self.create_customer())
        self.assertEqual(len(card.code), 13)
        self.assertTrue(is_valid_card_number(card.code))
        wrong = card.code[:12] + str((int(card.code[12]) + 1) % 10)
        self.assertFalse(is_valid_card_number(wrong))
        with self.assertRaises(ValidationError):
            card.code = wrong
        other = self.issue_card(self.create_customer(firstname="Петро"))
        self.assertNotEqual(card.code, other.code)

    def test_welcome_bonus_and_one_card(self):
        partner = self.create_customer()
        card = self.issue_card(partner)
        self.assertEqual(card.points, 100.0)
        self.assertEqual(card.history_ids.kind, "welcome")
        self.assertEqual(partner.loyalty_card_id, card)
        self.assertFalse(self.env["loyalty.card"]._issue_bonus_cards(partner))
        with self.assertRaises(ValidationError):
            self.env["loyalty.card"].create(
                {"program_id": self.program.id, "partner_id": partner.id}
            )
        self.assertLedgerMatches(card)

    def test_issue_policy_registration(self):
        self.program.bonus_card_issue_policy = "registration"
        partner = self.create_customer(acquisition_channel="website_form")
        self.assertTrue(partner.loyalty_card_id)
        later = self.create_customer(firstname="Андрій")
        self.assertFalse(later.loyalty_card_id)
        later.customer_registration_date = "2025-01-01"
        self.assertTrue(later.loyalty_card_id)

    def test_issue_policy_manual(self):
        self.program.bonus_card_issue_policy = "manual"
        partner = self.create_customer()
        self.create_order(partner, 500.0)
        self.assertFalse(partner.loyalty_card_id)
        partner.action_issue_bonus_card()
        self.assertTrue(partner.loyalty_card_id)

    def test_archived_program_issues_no_card(self):
        programs = self.env["loyalty.program"]
        self.assertEqual(programs._get_bonus_program(), self.program)
        self.program.active = False
        self.assertFalse(programs._get_bonus_program())
        partner = self.create_customer()
        self.create_order(partner, 500.0)
        self.assertFalse(partner.bonus_card_ids)
        self.program.active = True
        self.assertEqual(programs._get_bonus_program(), self.program)
        self.create_order(partner, 500.0)
        self.assertTrue(partner.loyalty_card_id)

    def test_block_and_replace_moves_balance(self):
        partner = self.create_customer()
        card = self.issue_card(partner, points=40.0)
        new_card = card._replace("Card lost")
        self.assertEqual(card.state, "blocked")
        self.assertFalse(card.active)
        self.assertEqual(card.points, 0.0)
        self.assertEqual(card.replaced_by_id, new_card)
        self.assertEqual(new_card.points, 140.0)
        self.assertEqual(partner.loyalty_card_id, new_card)
        # one transfer line per earning date (the expiry dates are kept)
        self.assertEqual(set(new_card.history_ids.mapped("kind")), {"transfer"})
        self.assertLedgerMatches(card)
        self.assertLedgerMatches(new_card)
        with self.assertRaises(UserError):
            card._change_points(10, "action", description="Blocked")

    def test_bad_input_changes_nothing(self):
        card = self.issue_card(self.create_customer())
        lines = card.history_ids
        with self.assertRaises(UserError):
            card._change_points(-500, "spent")
        with self.assertRaises(UserError):
            card._change_points(-5, "action", description="Negative bonus")
        with self.assertRaises(UserError):
            card._change_points(0, "adjustment", reason="Nothing")
        with self.assertRaises(UserError):
            card._change_points(10, "adjustment", reason=" ")
        self.assertEqual(card.points, 100.0)
        self.assertEqual(card.history_ids, lines)

    def test_manual_adjustment_manager_only(self):
        card = self.issue_card(self.create_customer())
        with self.assertRaises(UserError):
            card.with_user(self.loyalty_user)._change_points(10, "adjustment", reason="Gift")
        wizard = (
            self.env["customer.loyalty.adjust.wizard"]
            .with_user(self.loyalty_manager)
            .create({"card_id": card.id, "points": -30, "reason": "Complaint settled"})
        )
        wizard.action_apply()
        self.assertEqual(card.points, 70.0)
        line = card.history_ids.filtered(lambda h: h.kind == "adjustment")
        self.assertEqual(line.reason, "Complaint settled")
        self.assertEqual(line.used, 30.0)
        self.assertLedgerMatches(card)

    def test_ledger_check_finds_a_balance_changed_behind_its_back(self):
        card = self.issue_card(self.create_customer())
        self.assertEqual(card.action_check_ledger()["params"]["type"], "success")
        self.env.cr.execute("UPDATE loyalty_card SET points = 999 WHERE id = %s", [card.id])
        card.invalidate_recordset()
        self.assertEqual(self.env["loyalty.card"]._get_ledger_mismatches(), card)
        with self.assertRaises(UserError):
            card.action_check_ledger()

    def test_printable_card(self):
        card = self.issue_card(self.create_customer())
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "customer_loyalty.report_loyalty_card", card.ids
        )
        self.assertIn(card.code, html.decode())
        self.assertIn("EAN13", html.decode())
