# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime, dateutil, safe_eval, time

SEGMENT_KINDS = [
    ("rule", "Rule (domain)"),
    ("all_customers", "All customers"),
    ("regular", "Regular"),
    ("seasonal", "Seasonal"),
    ("discount", "Discount hunters"),
    ("vip", "VIP"),
    ("new", "New"),
    ("sleeping", "Sleeping / dead souls"),
]

# Confirmed orders of the commercial partner, in company currency, for one company.
ORDERS_SQL = """
    SELECT p.commercial_partner_id AS partner_id,
           so.id AS order_id,
           so.date_order AS date_order,
           so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount
      FROM sale_order so
      JOIN res_partner p ON p.id = so.partner_id
     WHERE so.state = 'sale' AND so.company_id = %(company)s
"""


class CustomerSegment(models.Model):
    _name = "customer.segment"
    _description = "Customer Segment"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(SEGMENT_KINDS, required=True, default="rule")
    domain = fields.Char(
        "Rule",
        default="[]",
        help="Contacts matching this filter are members of a rule segment.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    category_id = fields.Many2one(
        "res.partner.category",
        string="Partner Tag",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="Tag kept in sync with the members, usable in filters, mailings and reports.",
    )
    member_count = fields.Integer(readonly=True, copy=False)
    last_refresh = fields.Datetime(readonly=True, copy=False)
    auto_refresh = fields.Boolean(default=True, help="Refresh this segment with the daily cron.")
    period_days = fields.Integer(
        "Period (days)",
        default=365,
        help="Analysis window: purchases in the last N days (All customers, Regular, "
        "VIP, Discount hunters, Seasonal years) or days of silence (Sleeping) or since "
        "the first purchase (New).",
    )
    min_active_months = fields.Integer(
        "Minimum Active Months",
        default=6,
        help="Regular: purchases in at least this many distinct months of the period.",
    )
    share_percent = fields.Float(
        "Share (%)",
        default=80.0,
        help="VIP: share of the revenue brought by the top customers. Discount hunters: "
        "orders with a discount must be more than this share. Seasonal: orders in the "
        "favourite season must be at least this share.",
    )
    mailing_list_id = fields.Many2one(
        "mailing.list",
        string="Mailing List",
        copy=False,
        help="Kept in sync on refresh with the members who have marketing email consent "
        "and are not blacklisted.",
    )
    event_ids = fields.One2many("customer.segment.event", "segment_id", string="Events")

    _sql_constraints = [
        (
            "period_days_positive",
            "CHECK(period_days > 0)",
            "The period must be at least one day.",
        ),
    ]

    @api.constrains("domain", "kind")
    def _check_domain(self):
        for segment in self.filtered(lambda s: s.kind == "rule"):
            try:
                self.env["res.partner"]._search(segment._get_domain())
            except (ValueError, SyntaxError, TypeError, KeyError, NameError) as error:
                raise ValidationError(
                    _(
                        "The rule of segment %(name)s is not a valid filter: %(error)s",
                        name=segment.name,
                        error=error,
                    )
                ) from error

    @api.constrains("share_percent", "min_active_months")
    def _check_thresholds(self):
        for segment in self:
            if not 0 < segment.share_percent <= 100:
                raise ValidationError(_("The share must be between 0 and 100%."))
            if not 1 <= segment.min_active_months <= 12:
                raise ValidationError(_("The minimum of active months must be between 1 and 12."))

    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        segments._ensure_category()
        return segments

    def write(self, vals):
        result = super().write(vals)
        if "name" in vals:
            for segment in self.filtered("category_id"):
                segment.category_id.name = segment.name
        return result

    def _get_domain(self):
        """Evaluate the rule like the domain widget does (dates may be relative)."""
        self.ensure_one()
        context = {
            "datetime": datetime,
            "dateutil": dateutil,
            "relativedelta": dateutil.relativedelta.relativedelta,
            "time": time,
            "context_today": lambda: fields.Date.context_today(self),
        }
        return safe_eval(self.domain or "[]", context)

    def _ensure_category(self):
        for segment in self.filtered(lambda s: not s.category_id):
            segment.category_id = self.env["res.partner.category"].create({"name": segment.name})

    # ------------------------------------------------------------------
    # Member computation
    # ------------------------------------------------------------------
    def _get_member_sql(self):
        """Return an SQL query selecting the ids of the members (one column)."""
        self.ensure_one()
        if self.kind == "rule":
            domain = self._get_domain()
            # Membership must not depend on who refreshes: evaluate without record rules.
            partners = self.env["res.partner"].sudo().with_company(self.company_id)
            return partners._search(domain).subselect()
        params = {
            "company": self.company_id.id,
            "days": self.period_days,
            "months": self.min_active_months,
            "share": self.share_percent / 100.0,
        }
        query = getattr(self, f"_get_{self.kind}_sql")()
        return SQL(
            f"SELECT partner_id FROM ({query}) m "
            "WHERE partner_id IN (SELECT id FROM res_partner WHERE active)",
            **params,
        )

    def _get_all_customers_sql(self):
        return (
            f"SELECT DISTINCT partner_id FROM ({ORDERS_SQL}) o "
            "WHERE o.date_order >= now() - make_interval(days => %(days)s)"
        )

    def _get_regular_sql(self):
        return (
            f"SELECT partner_id FROM ({ORDERS_SQL}) o "
            "WHERE o.date_order >= now() - make_interval(days => %(days)s) "
            "GROUP BY partner_id "
            "HAVING COUNT(DISTINCT date_trunc('month', o.date_order)) >= %(months)s"
        )

    def _get_seasonal_sql(self):
        """Season = meteorological quarter (Dec-Feb, Mar-May, Jun-Aug, Sep-Nov).

        A customer is seasonal when the favourite season holds at least the share
        of the orders and was a buying season in at least two different years.
        """
        return f"""
            WITH o AS (
                SELECT partner_id, order_id,
                       mod(EXTRACT(MONTH FROM date_order)::int, 12) / 3 AS season,
                       EXTRACT(YEAR FROM date_order + interval '1 month')::int AS season_year
                  FROM ({ORDERS_SQL}) x
                 WHERE date_order >= now() - make_interval(days => %(days)s * 3)
            ), per_season AS (
                SELECT partner_id, season, COUNT(*) AS orders,
                       COUNT(DISTINCT season_year) AS years
                  FROM o GROUP BY partner_id, season
            ), totals AS (
                SELECT partner_id, SUM(orders) AS orders FROM per_season GROUP BY partner_id
            )
            SELECT DISTINCT s.partner_id
              FROM per_season s JOIN totals t ON t.partner_id = s.partner_id
             WHERE s.years >= 2 AND s.orders >= t.orders * %(share)s
        """

    def _get_discount_sql(self):
        """Orders with a line discount or a negative-price line (promotion, coupon)."""
        return f"""
            WITH o AS (
                SELECT x.partner_id, x.order_id,
                       EXISTS (
                           SELECT 1 FROM sale_order_line l
                            WHERE l.order_id = x.order_id
                              AND (l.discount > 0 OR l.price_unit < 0)
                       ) AS discounted
                  FROM ({ORDERS_SQL}) x
                 WHERE x.date_order >= now() - make_interval(days => %(days)s)
            )
            SELECT partner_id FROM o GROUP BY partner_id
            HAVING COUNT(*) FILTER (WHERE discounted) > COUNT(*) * %(share)s
        """

    def _get_vip_sql(self):
        """Pareto: the best customers whose revenue adds up to the share of the total.

        A customer is in when the revenue of the customers ranked before them is
        still below the share, so the customer crossing the line is included.
        """
        return f"""
            WITH revenue AS (
                SELECT partner_id, SUM(amount) AS amount
                  FROM ({ORDERS_SQL}) x
                 WHERE x.date_order >= now() - make_interval(days => %(days)s)
                 GROUP BY partner_id HAVING SUM(amount) > 0
            ), ranked AS (
                SELECT partner_id,
                       SUM(amount) OVER (ORDER BY amount DESC, partner_id
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                           - amount AS before,
                       SUM(amount) OVER () AS total
                  FROM revenue
            )
            SELECT partner_id FROM ranked WHERE before < total * %(share)s
        """

    def _get_new_sql(self):
        return (
            f"SELECT partner_id FROM ({ORDERS_SQL}) o GROUP BY partner_id "
            "HAVING MIN(o.date_order) >= now() - make_interval(days => %(days)s)"
        )

    def _get_sleeping_sql(self):
        return (
            f"SELECT partner_id FROM ({ORDERS_SQL}) o GROUP BY partner_id "
            "HAVING MAX(o.date_order) < now() - make_interval(days => %(days)s)"
        )

    # ------------------------------------------------------------------
    # Refresh
    # ------------------------------------------------------------------
    def action_refresh(self):
        for segment in self:
            segment._refresh_members()
        return True

    def _refresh_members(self):
        """Sync the tag relation with the member set in a few set-based statements.

        Leavers lose the tag, newcomers get it, and each move is recorded as a
        segment event. The first refresh of a segment only takes its starting
        members: those events are written in SQL from the moves staged in a
        temporary table, never loaded into Python, and flagged ``initial``, so
        that creating a segment on a large base neither floods customers and
        salespeople through automations nor queues a webhook per member.
        Later moves are created through the ORM so automations can react.
        """
        self.ensure_one()
        self._ensure_category()
        initial = not self.last_refresh
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("DROP TABLE IF EXISTS customer_segment_members")
        cr.execute(
            SQL(
                "CREATE TEMP TABLE customer_segment_members AS "
                "SELECT DISTINCT m.id FROM (%s) m(id) WHERE m.id IS NOT NULL",
                self._get_member_sql(),
            )
        )
        cr.execute("DROP TABLE IF EXISTS customer_segment_moves")
        cr.execute("CREATE TEMP TABLE customer_segment_moves (partner_id int, kind varchar)")
        cr.execute(
            SQL(
                """WITH leavers AS (
                       DELETE FROM res_partner_res_partner_category_rel r
                        WHERE r.category_id = %(category)s
                          AND NOT EXISTS (SELECT 1 FROM customer_segment_members m
                                           WHERE m.id = r.partner_id)
                    RETURNING r.partner_id
                   ), newcomers AS (
                       INSERT INTO res_partner_res_partner_category_rel (category_id, partner_id)
                       SELECT %(category)s, m.id FROM customer_segment_members m
                        WHERE NOT EXISTS (SELECT 1 FROM res_partner_res_partner_category_rel r
                                           WHERE r.category_id = %(category)s
                                             AND r.partner_id = m.id)
                    RETURNING partner_id
                   )
                   INSERT INTO customer_segment_moves
                   SELECT partner_id, 'entered' FROM newcomers
                    UNION ALL
                   SELECT partner_id, 'left' FROM leavers""",
                category=self.category_id.id,
            )
        )
        cr.execute("SELECT COUNT(*) FROM customer_segment_members")
        member_count = cr.fetchone()[0]
        cr.execute("DROP TABLE customer_segment_members")
        self.env["res.partner"].invalidate_model(["category_id"])
        self.env["res.partner.category"].invalidate_model(["partner_ids"])
        self.write({"member_count": member_count, "last_refresh": fields.Datetime.now()})
        if initial:
            self._insert_initial_events()
        else:
            cr.execute("SELECT partner_id, kind FROM customer_segment_moves ORDER BY partner_id")
            moves = cr.fetchall()
            self._record_events(
                [pid for pid, kind in moves if kind == "entered"],
                [pid for pid, kind in moves if kind == "left"],
            )
        cr.execute("DROP TABLE customer_segment_moves")
        self.env["customer.segment.snapshot"]._take_snapshot(self)
        if self.mailing_list_id:
            self._sync_mailing_list()

    def _sync_mailing_list(self):
        """Subscribe reachable members to the mailing list, unsubscribe the others."""
        self.ensure_one()
        members = self.env["res.partner"].search(
            [
                ("category_id", "in", self.category_id.ids),
                ("consent_marketing_email", "=", True),
                ("is_blacklisted", "=", False),
                ("email_normalized", "!=", False),
            ]
        )
        wanted = {partner.email_normalized: partner for partner in members}
        mailing_list = self.mailing_list_id.sudo()
        subscriptions = mailing_list.subscription_ids
        subscriptions.filtered(lambda sub: sub.contact_id.email_normalized not in wanted).unlink()
        subscribed = set(mailing_list.subscription_ids.contact_id.mapped("email_normalized"))
        missing = [email for email in wanted if email not in subscribed]
        contacts = self.env["mailing.contact"].sudo().search([("email_normalized", "in", missing)])
        known = {contact.email_normalized: contact for contact in contacts}
        new_contacts = (
            self.env["mailing.contact"]
            .sudo()
            .create(
                [
                    {"name": wanted[email].name, "email": wanted[email].email}
                    for email in missing
                    if email not in known
                ]
            )
        )
        for contact in new_contacts:
            known.setdefault(contact.email_normalized, contact)
        self.env["mailing.subscription"].sudo().create(
            [
                {"contact_id": known[email].id, "list_id": mailing_list.id}
                for email in missing
                if email in known
            ]
        )
        mailing_list.invalidate_recordset(["contact_ids", "subscription_ids", "contact_count"])

    def _record_events(self, entered_ids, left_ids):
        """Record the moves of a refresh through the ORM and announce them."""
        now = fields.Datetime.now()
        events = (
            self.env["customer.segment.event"]
            .sudo()
            .create(
                [
                    {"segment_id": self.id, "partner_id": pid, "event_type": kind, "date": now}
                    for kind, ids in (("entered", entered_ids), ("left", left_ids))
                    for pid in ids
                ]
            )
        )
        deliveries = self.env["customer.webhook.delivery"]
        for kind, kind_events in events.grouped("event_type").items():
            deliveries._enqueue(f"segment.{kind}", kind_events)
        return events

    def _insert_initial_events(self):
        """Record the starting members of a segment in one statement, from the
        moves the refresh staged: a first refresh of a large base keeps its
        members in the database."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO customer_segment_event
                       (segment_id, partner_id, event_type, date, initial, company_id,
                        segment_kind, create_uid, create_date, write_uid, write_date)
                   SELECT %(segment)s, partner_id, kind, now() AT TIME ZONE 'UTC', TRUE,
                          %(company)s, %(segment_kind)s, %(uid)s, now() AT TIME ZONE 'UTC',
                          %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM customer_segment_moves""",
                segment=self.id,
                company=self.company_id.id,
                segment_kind=self.kind,
                uid=self.env.uid,
            )
        )
        self.env["customer.segment.event"].invalidate_model()
        self.invalidate_recordset(["event_ids"])

    @api.model
    def _cron_refresh_segments(self):
        """Refresh one stale segment per call; RFM and lifecycle once all are fresh.

        ``ir.cron`` commits and calls again while segments remain, so an
        interrupted run resumes with the segments not refreshed today.
        Returns how many segments remain.
        """
        todo = self.search(
            [
                ("auto_refresh", "=", True),
                "|",
                ("last_refresh", "=", False),
                ("last_refresh", "<", fields.Datetime.today()),
            ],
            order="last_refresh asc nulls first, id",
        )
        if todo:
            todo[0]._refresh_members()
        remaining = max(len(todo) - 1, 0)
        self.env["ir.cron"]._notify_progress(done=min(len(todo), 1), remaining=remaining)
        if not remaining:
            self.env["res.partner"]._compute_rfm_scores()
            self.env["res.partner"]._compute_lifecycle_stages()
        return remaining

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("category_id", "in", self.category_id.ids)],
        }

    def action_create_mailing(self):
        """Open a new mass mailing targeting the members of this segment."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "view_mode": "form",
            "context": {
                "default_mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "default_mailing_domain": repr([("category_id", "in", self.category_id.ids)]),
                "default_subject": self.name,
            },
        }

    def _get_members(self):
        return self.env["res.partner"].search([("category_id", "in", self.category_id.ids)])

    def action_archive_members(self):
        """Clean-up of dead souls: archive the members of the segment."""
        members = self._get_members()
        members.action_archive()
        self.action_refresh()
        return True

    def action_remove_from_marketing(self):
        """Drop the members from VIP segments and opt them out of mailing lists."""
        members = self._get_members()
        vip_tags = self.search([("kind", "=", "vip")]).category_id
        members.write({"category_id": [fields.Command.unlink(tag.id) for tag in vip_tags]})
        emails = [email for email in members.mapped("email_normalized") if email]
        subscriptions = (
            self.env["mailing.subscription"]
            .sudo()
            .search([("contact_id.email_normalized", "in", emails), ("opt_out", "=", False)])
        )
        subscriptions.write({"opt_out": True})
        return True
