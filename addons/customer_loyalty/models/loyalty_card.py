# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import calendar
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_round

CARD_PREFIX = "29"
MANAGER_GROUP = "customer_loyalty.group_loyalty_manager"

# Set while the ledger (or Odoo's sale confirmation, see sale.order) moves
# bonus balances. A context variable of the server: unlike the ORM context, no
# client can set it, so a balance or ledger line written over RPC is refused.
_LEDGER_OPEN = ContextVar("customer_loyalty_ledger_open", default=False)


@contextmanager
def ledger_writes():
    """Allow bonus balances and ledger lines to be written inside the block."""
    token = _LEDGER_OPEN.set(True)
    try:
        yield
    finally:
        _LEDGER_OPEN.reset(token)


def ledger_is_open():
    return _LEDGER_OPEN.get()


def ean13_check_digit(digits):
    """EAN-13 check digit of a 12-digit string."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return str((10 - total % 10) % 10)


def is_valid_card_number(number):
    return (
        bool(number)
        and len(number) == 13
        and number.isdigit()
        and ean13_check_digit(number[:12]) == number[12]
    )


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    # precompute: a card issued at a sale is inserted with it, not updated after.
    is_bonus_card = fields.Boolean(
        related="program_id.is_bonus_card",
        store=True,
        precompute=True,
        index=True,
        string="Is Bonus Card",
    )
    state = fields.Selection(
        [("active", "Active"), ("blocked", "Blocked")],
        default="active",
        required=True,
        tracking=True,
        copy=False,
    )
    issue_date = fields.Date(default=fields.Date.context_today, copy=False)
    blocked_reason = fields.Char(copy=False, tracking=True)
    replaced_by_id = fields.Many2one("loyalty.card", string="Replaced By", copy=False)
    # tracking=False: a related field inherits the tracking of its target, and
    # tracking it here would load the customer at every change of points.
    loyalty_tier_id = fields.Many2one(
        related="partner_id.commercial_partner_id.loyalty_tier_id", string="Tier", tracking=False
    )
    points_value = fields.Monetary(
        compute="_compute_points_value",
        currency_field="currency_id",
        help="What the balance is worth when spent.",
    )
    birthday_bonus_year = fields.Integer(
        copy=False, help="Last year for which the birthday bonus was given."
    )
    profile_bonus_given = fields.Boolean(copy=False)
    expiry_warning_date = fields.Date(
        copy=False, help="When the customer was last warned about expiring points."
    )

    @api.depends("points", "program_id")
    def _compute_points_value(self):
        for card in self:
            card.points_value = card.points * card.program_id._get_bonus_point_value()

    # ------------------------------------------------------------------
    # Card numbers
    # ------------------------------------------------------------------
    @api.model
    def _generate_bonus_card_number(self):
        """A 13-digit EAN-13 number: in-store prefix, sequence and check digit."""
        sequence = self.env["ir.sequence"].sudo().next_by_code("customer_loyalty.card")
        body = (CARD_PREFIX + sequence)[:12].rjust(12, "0")
        return body + ean13_check_digit(body)

    @api.constrains("code", "program_id")
    def _check_bonus_card_number(self):
        for card in self.filtered("is_bonus_card"):
            if not is_valid_card_number(card.code):
                raise ValidationError(
                    _("The card number %s is not a valid 13-digit card number.", card.code)
                )

    @api.constrains("partner_id", "program_id", "active")
    def _check_one_active_bonus_card(self):
        cards = self.filtered(lambda c: c.is_bonus_card and c.active and c.partner_id)
        if not cards:
            return
        counts = self.with_context(active_test=True)._read_group(
            [("partner_id", "in", cards.partner_id.ids), ("is_bonus_card", "=", True)],
            ["partner_id"],
            ["__count"],
        )
        if any(count > 1 for _partner, count in counts):
            raise ValidationError(_("A customer can have only one active bonus card."))

    @api.constrains("points", "program_id")
    def _check_bonus_points_not_negative(self):
        for card in self.filtered("is_bonus_card"):
            if float_compare(card.points, 0.0, precision_digits=2) < 0:
                raise ValidationError(_("The balance of card %s cannot go below zero.", card.code))

    @api.model
    def _default_program_id(self):
        """The program Odoo's default takes from the context, when it is one."""
        context = self.env.context
        if context.get("active_model", "loyalty.program") == "loyalty.program":
            return context.get("active_id")
        return False

    @api.model_create_multi
    def create(self, vals_list):
        program_model = self.env["loyalty.program"].sudo()
        opening_points = []
        for vals in vals_list:
            program = program_model.browse(vals.get("program_id") or self._default_program_id())
            is_bonus = program.exists() and program.is_bonus_card
            if is_bonus:
                vals["code"] = self._generate_bonus_card_number()
                opening_points.append(vals.pop("points", 0.0) or 0.0)
            else:
                opening_points.append(0.0)
        cards = super().create(vals_list)
        for card, points in zip(cards, opening_points, strict=True):
            if not card.is_bonus_card:
                continue
            if points:
                card._change_points(points, "adjustment", reason=_("Opening balance"))
            if not self.env.context.get("customer_loyalty_replacement"):
                card._give_welcome_bonus()
                card._give_profile_bonus()
        return cards

    def write(self, vals):
        if ("points" in vals or "program_id" in vals) and not ledger_is_open():
            self._check_bonus_balance_write(vals)
        return super().write(vals)

    def _check_bonus_balance_write(self, vals):
        """Only the ledger moves a bonus balance; a card never enters or leaves
        the bonus program (it would carry a balance the ledger does not hold)."""
        cards = self.sudo()
        if "program_id" in vals:
            program = self.env["loyalty.program"].sudo().browse(vals["program_id"])
            if program.is_bonus_card or cards.filtered("is_bonus_card"):
                raise AccessError(_("A card cannot be moved into or out of the bonus program."))
        if "points" in vals and cards.filtered("is_bonus_card"):
            raise AccessError(
                _(
                    "The balance of a bonus card only changes through its points history: "
                    "a loyalty manager adjusts it with a reason."
                )
            )

    # ------------------------------------------------------------------
    # The ledger: every change of points goes through here
    # ------------------------------------------------------------------
    def _lock_for_update(self):
        """Lock the card rows until the end of the transaction, with fresh balances.

        A card another transaction holds is not waited for: the operation fails
        at once with a clear message instead of waiting and then spending a
        stale balance.
        """
        if self._lock_available() != self:
            raise UserError(
                _(
                    "The bonus card is being used in another operation right now. "
                    "Please try again in a moment."
                )
            )

    def _lock_available(self):
        """Lock the rows of the cards no other transaction holds; return those cards.

        The balances of the locked cards are read in the same statement, so the
        cache holds the values no one else can change until the end of the
        transaction. For batches: a card in use at a till right now is left for
        a later run instead of failing the whole batch. SKIP LOCKED instead of
        NOWAIT: a held card raises no database error, so no savepoint is needed.
        """
        if not self.ids:
            return self
        self.flush_recordset(["points"])
        self.env.cr.execute(
            "SELECT id, points FROM loyalty_card WHERE id IN %s ORDER BY id "
            "FOR UPDATE SKIP LOCKED",
            [tuple(self.ids)],
        )
        rows = self.env.cr.fetchall()
        locked = self.browse([row[0] for row in rows])
        self.env.cache.update(locked, self._fields["points"], [row[1] or 0.0 for row in rows])
        return locked

    def _check_can_change(self, points, kind, reason):
        self.ensure_one()
        if not self.is_bonus_card:
            raise UserError(_("Only bonus cards can be changed this way."))
        if float_is_zero(points, precision_digits=2):
            raise UserError(_("The number of points cannot be zero."))
        if kind == "adjustment":
            if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
                raise UserError(_("Only loyalty managers can adjust points manually."))
            if not (reason or "").strip():
                raise UserError(_("A manual adjustment needs a reason."))
        elif kind in ("earned", "welcome", "birthday", "action") and points < 0:
            raise UserError(_("Bonus points must be positive."))
        elif kind in ("spent", "expired") and points > 0:
            raise UserError(_("Spent or expired points must be negative."))
        if self.state == "blocked" or not self.active:
            raise UserError(_("The card %s is blocked.", self.code))

    def _change_points(
        self, points, kind, reason=False, description=False, source=None, values=None
    ):
        """Add (or remove, if negative) points and write the ledger line.

        The card is locked first, so concurrent spending can never take the
        balance below zero. ``values`` are extra values of the ledger line.
        """
        self.ensure_one()
        points = float_round(points, precision_digits=2)
        self._check_can_change(points, kind, reason)
        self._lock_for_update()
        if float_compare(self.points + points, 0.0, precision_digits=2) < 0:
            raise UserError(
                _(
                    "Card %(card)s has %(balance)s points: %(points)s cannot be taken.",
                    card=self.code,
                    balance=self.points,
                    points=-points,
                )
            )
        history_model = self.env["loyalty.history"]
        kinds = dict(history_model._fields["kind"]._description_selection(self.env))
        return self._post_ledger_lines(
            [
                {
                    "card_id": self.id,
                    "kind": kind,
                    "reason": reason,
                    "description": description or kinds[kind],
                    "issued": max(points, 0.0),
                    "used": max(-points, 0.0),
                    **({"order_model": source._name, "order_id": source.id} if source else {}),
                    **(values or {}),
                }
            ]
        )

    @api.model
    def _post_ledger_lines(self, vals_list):
        """The one writer of bonus balances: create the ledger lines and move
        each card's balance by the sum of its lines.

        Callers check what the user may do and lock the cards first
        (``_lock_for_update`` / ``_lock_available``); the balance written is the
        locked one plus the lines, with one write per new balance. Writing as
        superuser is what the check of the caller allows: the users themselves
        only read cards' balances and the ledger.
        """
        if not vals_list:
            return self.env["loyalty.history"]
        changes = defaultdict(float)
        for vals in vals_list:
            changes[vals["card_id"]] += (vals.get("issued") or 0.0) - (vals.get("used") or 0.0)
        cards = self.sudo().browse(list(changes))
        new_balances = defaultdict(list)
        for card in cards:
            new_balance = float_round(card.points + changes[card.id], precision_digits=2)
            new_balances[new_balance].append(card.id)
        with ledger_writes():
            lines = self.env["loyalty.history"].sudo().create(vals_list)
            for balance, card_ids in new_balances.items():
                cards.browse(card_ids).write({"points": balance})
        return lines.with_env(self.env)

    @api.model
    def _get_ledger_mismatches(self):
        """Bonus cards whose balance differs from the sum of their history lines."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT card.id
              FROM loyalty_card card
              LEFT JOIN (SELECT card_id, SUM(COALESCE(issued, 0) - COALESCE(used, 0)) AS total
                           FROM loyalty_history GROUP BY card_id) ledger
                     ON ledger.card_id = card.id
             WHERE card.is_bonus_card
               AND ABS(COALESCE(card.points, 0) - COALESCE(ledger.total, 0)) > 0.005
            """
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def action_check_ledger(self):
        mismatches = self._get_ledger_mismatches()
        if mismatches:
            raise UserError(
                _(
                    "These cards do not match their history: %s",
                    ", ".join(mismatches.mapped("code")),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Every card balance equals the sum of its history."),
            },
        }

    # ------------------------------------------------------------------
    # Issue, block, replace
    # ------------------------------------------------------------------
    @api.model
    def _issue_bonus_cards(self, partners, program=None):
        """Issue a bonus card to each partner who has none yet."""
        if program is None:
            program = self.env["loyalty.program"]._get_bonus_program()
        partners = partners.filtered("id")
        if not program or not partners:
            return self.browse()
        existing = (
            self.sudo()
            .search([("partner_id", "in", partners.ids), ("program_id", "=", program.id)])
            .partner_id
        )
        todo = partners - existing
        return (
            self.sudo()
            # The ledger records the issue; a chatter note per card only costs time.
            .with_context(loyalty_no_mail=True, mail_create_nolog=True)
            .create([{"program_id": program.id, "partner_id": p.id} for p in todo])
        )

    def _block(self, reason):
        if not (reason or "").strip():
            raise UserError(_("Blocking a card needs a reason."))
        for card in self:
            if card.state == "blocked":
                raise UserError(_("The card %s is already blocked.", card.code))
        self.write({"state": "blocked", "blocked_reason": reason, "active": False})

    def _replace(self, reason):
        """Block the card and move its balance to a new card, with history on both."""
        self.ensure_one()
        if self.state == "blocked" or not self.active:
            raise UserError(_("The card %s is already blocked.", self.code))
        self._lock_for_update()
        balance = self.points
        lots = self._remaining_lots() if balance else []
        if balance:
            self._change_points(
                -balance,
                "transfer",
                reason=reason,
                description=_("Balance moved to a replacement card"),
            )
        self._block(reason)
        new_card = self.with_context(customer_loyalty_replacement=True).create(
            {
                "program_id": self.program_id.id,
                "partner_id": self.partner_id.id,
                "profile_bonus_given": self.profile_bonus_given,
                "birthday_bonus_year": self.birthday_bonus_year,
            }
        )
        self.replaced_by_id = new_card
        # one line per earning date, so that the moved points expire when they
        # would have expired on the old card
        for date, points in lots:
            new_card._change_points(
                points,
                "transfer",
                reason=reason,
                description=_("Balance moved from card %s", self.code),
                values={"date": date},
            )
        return new_card

    def _remaining_lots(self):
        """[(earning date, points)] making up the balance, oldest first: what
        left the card is taken from the oldest points, as the expiry counts."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT date, issued
              FROM loyalty_history
             WHERE card_id = %s AND issued > 0
             ORDER BY date, id
            """,
            (self.id,),
        )
        rows = self.env.cr.fetchall()
        to_cover = sum(issued for _date, issued in rows) - self.points
        lots = []
        for date, issued in rows:
            covered = min(issued, max(to_cover, 0.0))
            to_cover -= covered
            if float_compare(issued - covered, 0.0, precision_digits=2) > 0:
                lots.append((date, float_round(issued - covered, precision_digits=2)))
        rest = float_round(self.points - sum(p for _d, p in lots), precision_digits=2)
        if float_compare(rest, 0.0, precision_digits=2) > 0:
            lots.append((fields.Datetime.now(), rest))
        return lots

    # ------------------------------------------------------------------
    # Bonuses
    # ------------------------------------------------------------------
    def _give_welcome_bonus(self):
        self.ensure_one()
        points = self.program_id.bonus_welcome_points
        if points:
            self._change_points(points, "welcome")

    def _give_profile_bonus(self):
        """Reward a complete profile (birthday, email, personal-data consent), once."""
        for card in self.filtered(lambda c: c.active and not c.profile_bonus_given):
            partner = card.partner_id
            complete = (
                partner.birth_day
                and partner.birth_month
                and partner.email
                and partner.consent_personal_data
            )
            points = card.program_id.bonus_profile_points
            if not complete or not points:
                continue
            card._change_points(points, "action", description=_("Bonus for completing the profile"))
            card.profile_bonus_given = True

    def _give_action_bonus(self, points, description):
        """Points for an action of the customer (gamification): review, survey..."""
        self.ensure_one()
        return self._change_points(points, "action", description=description)

    @api.model
    def _birthday_occurrences(self, today, days_back):
        """{birthday_key: date} for the birthdays from today - days_back to today.

        29 February is celebrated on 28 February in other years.
        """
        occurrences = {}
        for offset in range(days_back + 1):
            day = today - timedelta(days=offset)
            occurrences[day.month * 100 + day.day] = day
            if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
                occurrences[229] = day
        return occurrences

    @api.model
    def _cron_give_birthday_bonus(self, batch_size=1000, days_back=7, today=None):
        """Birthday bonus, once a year; birthdays of the last days are caught up.

        Idempotent: birthday_bonus_year marks the year already rewarded, so a cron
        that ran late or twice gives the bonus exactly once. A card another
        transaction holds (a till spending it) is skipped, not waited for: the
        rest of the batch gets its bonus and the card is still due next run.
        """
        today = today or fields.Date.context_today(self)
        occurrences = self._birthday_occurrences(today, days_back)
        cards = self.sudo().search(
            [
                ("is_bonus_card", "=", True),
                ("state", "=", "active"),
                ("partner_id.birthday_key", "in", list(occurrences)),
                ("program_id.bonus_birthday_points", ">", 0),
                ("birthday_bonus_year", "<", today.year),
            ],
            order="id",
        )
        due = cards.filtered(
            lambda c: c.birthday_bonus_year < occurrences[c.partner_id.birthday_key].year
        )
        batch, remaining = due[:batch_size], due[batch_size:]
        batch = batch._lock_available()
        for card in batch:
            year = occurrences[card.partner_id.birthday_key].year
            card._change_points(
                card.program_id.bonus_birthday_points,
                "birthday",
                description=_("Birthday bonus %s", year),
            )
            card.birthday_bonus_year = year
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(remaining))
        return batch

    # ------------------------------------------------------------------
    # Expiry
    # ------------------------------------------------------------------
    @api.model
    def _get_expiring_points(self, cutoff, cards=None):
        """{card_id: points} that are older than cutoff and not used yet.

        Points are consumed oldest first: what was earned before the cutoff and is
        not covered by everything taken from the card since it was issued expires.
        """
        self.env.flush_all()
        card_filter = "AND card.id IN %(card_ids)s" if cards is not None else ""
        if cards is not None and not cards:
            return {}
        self.env.cr.execute(
            f"""
            SELECT card.id,
                   LEAST(card.points,
                         SUM(CASE WHEN hist.date < %(cutoff)s THEN COALESCE(hist.issued, 0)
                                  ELSE 0 END)
                         - SUM(COALESCE(hist.used, 0))) AS expiring
              FROM loyalty_card card
              JOIN loyalty_program program ON program.id = card.program_id
              JOIN loyalty_history hist ON hist.card_id = card.id
             WHERE card.is_bonus_card
               AND card.active
               AND card.state = 'active'
               AND card.points > 0
               AND program.bonus_points_lifetime_months > 0
               {card_filter}
             GROUP BY card.id, card.points
            HAVING SUM(CASE WHEN hist.date < %(cutoff)s THEN COALESCE(hist.issued, 0)
                            ELSE 0 END)
                   - SUM(COALESCE(hist.used, 0)) > 0.005
             ORDER BY card.id
            """,
            {"cutoff": cutoff, "card_ids": tuple(cards.ids) if cards is not None else ()},
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _expiry_cutoff(self, program, on_date):
        return fields.Datetime.to_datetime(on_date) - relativedelta(
            months=program.bonus_points_lifetime_months
        )

    @api.model
    def _get_expiry_candidates(self, program, cutoff, after_id, limit):
        """Ids of the next cards of ``program`` after ``after_id`` holding points
        earned before ``cutoff``: the only cards on which something may expire."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT card.id
              FROM loyalty_card card
             WHERE card.program_id = %(program_id)s
               AND card.active
               AND card.state = 'active'
               AND card.points > 0
               AND card.id > %(after_id)s
               AND EXISTS (SELECT 1
                             FROM loyalty_history hist
                            WHERE hist.card_id = card.id
                              AND hist.date < %(cutoff)s
                              AND hist.issued > 0)
             ORDER BY card.id
             LIMIT %(limit)s
            """,
            {"program_id": program.id, "after_id": after_id, "cutoff": cutoff, "limit": limit},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _expire_points(self, cutoff):
        """Expire what is older than ``cutoff`` on these cards; return {card id: points}.

        Set-based: one query says what expires, only the cards that lose points
        are locked and changed, with one ledger create and one write per new
        balance. A card locked by another transaction (a till spending it) is
        left for the next run. What expires is computed from the ledger, so
        running it again on the same cards expires nothing more.
        """
        expiring = self._get_expiring_points(cutoff, self)
        cards = self.browse(list(expiring))._lock_available()
        expired = {}
        history_vals = []
        description = _("Points expired")
        for card in cards:
            points = min(float_round(expiring[card.id], precision_digits=2), card.points)
            if float_compare(points, 0.0, precision_digits=2) <= 0:
                continue
            expired[card.id] = points
            history_vals.append(
                {
                    "card_id": card.id,
                    "kind": "expired",
                    "description": description,
                    "issued": 0.0,
                    "used": points,
                }
            )
        # The ledger lines are the record of the change: no chatter message per card.
        self.with_context(mail_notrack=True, loyalty_no_mail=True)._post_ledger_lines(history_vals)
        return expired

    @api.model
    def _cron_expire_points(self, batch_size=1000):
        """Expire the points older than their lifetime, in batches that resume.

        Each call checks the next ``batch_size`` cards holding old points, after
        the last card checked today (kept on the program and committed with the
        batch): an interrupted batch is rolled back with its cursor and done
        again, a finished one is never redone.
        """
        program = self.env["loyalty.program"]._get_bonus_program()
        if not program or not program.bonus_points_lifetime_months:
            return {}
        today = fields.Date.context_today(self)
        cutoff = self._expiry_cutoff(program, today)
        after_id = (
            program.bonus_expiry_cursor_card_id if program.bonus_expiry_cursor_date == today else 0
        )
        card_ids = self._get_expiry_candidates(program, cutoff, after_id, batch_size + 1)
        batch_ids = card_ids[:batch_size]
        expired = self.sudo().browse(batch_ids)._expire_points(cutoff)
        remaining = 0
        if batch_ids:
            program.sudo().write(
                {"bonus_expiry_cursor_date": today, "bonus_expiry_cursor_card_id": batch_ids[-1]}
            )
        if len(card_ids) > batch_size:
            # An upper bound: cards with a balance still to check (counting exactly
            # which of them hold old points would cost a scan of their ledger).
            remaining = self.sudo().search_count(
                [
                    ("program_id", "=", program.id),
                    ("state", "=", "active"),
                    ("points", ">", 0),
                    ("id", ">", batch_ids[-1]),
                ]
            )
        self.env["ir.cron"]._notify_progress(done=len(batch_ids), remaining=remaining)
        return expired

    @api.model
    def _cron_warn_expiring_points(self, batch_size=1000):
        """Email the customers whose points expire within the warning delay."""
        program = self.env["loyalty.program"]._get_bonus_program()
        days = program.bonus_expiry_warning_days
        if not program or not program.bonus_points_lifetime_months or not days:
            return self.browse()
        today = fields.Date.context_today(self)
        cutoff = self._expiry_cutoff(program, today + timedelta(days=days))
        expiring = self._get_expiring_points(cutoff)
        cards = (
            self.sudo()
            .browse(list(expiring))
            .filtered(
                lambda c: c.partner_id.email
                and (
                    not c.expiry_warning_date
                    or c.expiry_warning_date <= today - timedelta(days=days)
                )
            )
        )
        batch, remaining = cards[:batch_size], cards[batch_size:]
        template = self.env.ref("customer_loyalty.mail_template_points_expiry_warning")
        for card in batch:
            template.with_context(
                expiring_points=expiring[card.id], expiry_date=today + timedelta(days=days)
            ).send_mail(card.id, email_layout_xmlid="mail.mail_notification_light")
        batch.expiry_warning_date = today
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(remaining))
        return batch

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_loyalty_update_balance(self):
        """Bonus cards are adjusted with a reason, by loyalty managers only."""
        if self.is_bonus_card:
            return self.action_open_adjust_wizard()
        return super().action_loyalty_update_balance()

    def action_open_adjust_wizard(self):
        self.ensure_one()
        return {
            "name": _("Adjust Points"),
            "type": "ir.actions.act_window",
            "res_model": "customer.loyalty.adjust.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def action_open_block_wizard(self):
        self.ensure_one()
        return {
            "name": _("Block Card"),
            "type": "ir.actions.act_window",
            "res_model": "customer.loyalty.block.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_card_id": self.id},
        }

    def action_view_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_loyalty.action_loyalty_history"
        )
        action["domain"] = [("card_id", "=", self.id)]
        return action
