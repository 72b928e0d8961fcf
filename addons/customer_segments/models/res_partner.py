# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .customer_lifecycle_transition import LIFECYCLE_STAGES
from .customer_segment import ORDERS_SQL

RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential loyalist"),
    ("new", "New"),
    ("promising", "Promising"),
    ("need_attention", "Need attention"),
    ("about_to_sleep", "About to sleep"),
    ("at_risk", "At risk"),
    ("cannot_lose", "Can't lose them"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]

# Named segment from the recency (r) and frequency (f) scores, first match wins.
RFM_SEGMENT_CASE = """
    CASE
        WHEN r = 1 AND f = 1 THEN 'lost'
        WHEN r <= 2 AND f <= 2 THEN 'hibernating'
        WHEN r <= 2 AND f <= 4 THEN 'at_risk'
        WHEN r <= 2 THEN 'cannot_lose'
        WHEN r = 3 AND f <= 2 THEN 'about_to_sleep'
        WHEN r = 3 AND f = 3 THEN 'need_attention'
        WHEN r = 5 AND f >= 4 THEN 'champions'
        WHEN f >= 4 THEN 'loyal'
        WHEN r = 4 AND f = 1 THEN 'promising'
        WHEN r = 5 AND f = 1 THEN 'new'
        ELSE 'potential_loyalist'
    END
"""


RFM_FIELDS = [
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "rfm_code",
    "rfm_segment",
    "rfm_revenue",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Company-dependent, like the purchase counters: each company scores its
    # customers with its own orders, and computing one company never touches
    # the values of another.
    rfm_recency = fields.Integer(
        "Recency Score", readonly=True, copy=False, aggregator="avg", company_dependent=True
    )
    rfm_frequency = fields.Integer(
        "Frequency Score", readonly=True, copy=False, aggregator="avg", company_dependent=True
    )
    rfm_monetary = fields.Integer(
        "Monetary Score", readonly=True, copy=False, aggregator="avg", company_dependent=True
    )
    rfm_code = fields.Char("RFM Code", readonly=True, copy=False, company_dependent=True)
    rfm_segment = fields.Selection(
        RFM_SEGMENTS, "RFM Segment", readonly=True, copy=False, company_dependent=True
    )
    rfm_revenue = fields.Float(
        "RFM Window Revenue",
        readonly=True,
        copy=False,
        digits="Product Price",
        company_dependent=True,
    )
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES, readonly=True, copy=False, company_dependent=True
    )
    lifecycle_transition_ids = fields.One2many(
        "customer.lifecycle.transition", "partner_id", string="Lifecycle History"
    )
    purchase_interval_days = fields.Float(
        "Average Days Between Purchases", compute="_compute_customer_value", digits=(16, 1)
    )
    next_purchase_date = fields.Date("Expected Next Purchase", compute="_compute_customer_value")
    ltv_estimate = fields.Float(
        "Lifetime Value Estimate",
        compute="_compute_customer_value",
        digits="Product Price",
        help="Average order value x purchases per year (365 / average interval, or 1 "
        "for a single purchase) x expected customer lifespan in years (setting).",
    )
    segment_category_ids = fields.Many2many(
        "res.partner.category", compute="_compute_segment_category_ids", string="Segments"
    )
    favourite_category_ids = fields.Many2many(
        "product.category",
        compute="_compute_five_w",
        string="Favourite Categories",
        help="What: the product categories bringing the most revenue.",
    )
    favourite_season = fields.Selection(
        [("winter", "Winter"), ("spring", "Spring"), ("summer", "Summer"), ("autumn", "Autumn")],
        compute="_compute_five_w",
        help="When: the season with the most orders.",
    )
    main_team_id = fields.Many2one(
        "crm.team",
        compute="_compute_five_w",
        string="Main Sales Channel",
        help="Where: the sales team (website, point of sale, shop...) of most orders.",
    )
    recommended_product_ids = fields.Many2many(
        "product.product",
        compute="_compute_recommended_product_ids",
        string="Recommended Products",
        help="Products bought by customers with similar purchases, then the "
        "customer's own favourites.",
    )
    birthday_greeting_year = fields.Integer(readonly=True, copy=False)
    welcome_email_sent = fields.Boolean(readonly=True, copy=False)

    @api.depends("category_id")
    def _compute_segment_category_ids(self):
        segment_tags = self.env["customer.segment"].sudo().search([]).category_id
        for partner in self:
            partner.segment_category_ids = partner.category_id & segment_tags

    @api.depends_context("company")
    @api.depends("purchase_count", "purchase_average", "first_purchase_date", "last_purchase_date")
    def _compute_customer_value(self):
        lifespan = float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_segments.ltv_lifespan_years", 3)
        )
        for partner in self:
            interval = 0.0
            if partner.purchase_count > 1 and partner.first_purchase_date:
                span = (partner.last_purchase_date - partner.first_purchase_date).days
                interval = span / (partner.purchase_count - 1)
            partner.purchase_interval_days = interval
            partner.next_purchase_date = (
                partner.last_purchase_date + timedelta(days=round(interval)) if interval else False
            )
            per_year = 365.0 / interval if interval else (1.0 if partner.purchase_count else 0.0)
            partner.ltv_estimate = partner.purchase_average * per_year * lifespan

    # ------------------------------------------------------------------
    # 5W view and recommendations
    # ------------------------------------------------------------------
    @api.depends_context("company")
    def _compute_five_w(self):
        """What, when and where, in three grouped queries for all the records."""
        ids = [pid for pid in self.ids if pid]
        facts = {pid: {"categories": [], "season": False, "team": False} for pid in ids}
        if ids:
            params = {"company": self.env.company.id, "ids": ids}
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    f"""
                    SELECT o.partner_id, pt.categ_id
                      FROM ({ORDERS_SQL}) o
                      JOIN sale_order_line l ON l.order_id = o.order_id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE o.partner_id = ANY(%(ids)s)
                     GROUP BY o.partner_id, pt.categ_id
                     ORDER BY o.partner_id, SUM(l.price_subtotal) DESC
                    """,
                    **params,
                )
            )
            for pid, categ_id in self.env.cr.fetchall():
                if len(facts[pid]["categories"]) < 3:
                    facts[pid]["categories"].append(categ_id)
            self.env.cr.execute(
                SQL(
                    f"""
                    SELECT DISTINCT ON (o.partner_id) o.partner_id,
                           mod(EXTRACT(MONTH FROM o.date_order)::int, 12) / 3
                      FROM ({ORDERS_SQL}) o
                     WHERE o.partner_id = ANY(%(ids)s)
                     GROUP BY 1, 2 ORDER BY o.partner_id, COUNT(*) DESC, 2
                    """,
                    **params,
                )
            )
            seasons = ["winter", "spring", "summer", "autumn"]
            for pid, season in self.env.cr.fetchall():
                facts[pid]["season"] = seasons[season]
            self.env.cr.execute(
                SQL(
                    f"""
                    SELECT DISTINCT ON (o.partner_id) o.partner_id, so.team_id
                      FROM ({ORDERS_SQL}) o JOIN sale_order so ON so.id = o.order_id
                     WHERE o.partner_id = ANY(%(ids)s) AND so.team_id IS NOT NULL
                     GROUP BY 1, 2 ORDER BY o.partner_id, COUNT(*) DESC, 2
                    """,
                    **params,
                )
            )
            for pid, team_id in self.env.cr.fetchall():
                facts[pid]["team"] = team_id
        empty = {"categories": [], "season": False, "team": False}
        for partner in self:
            fact = facts.get(partner.id, empty)
            partner.favourite_category_ids = [fields.Command.set(fact["categories"])]
            partner.favourite_season = fact["season"]
            partner.main_team_id = fact["team"]

    @api.depends_context("company")
    def _compute_recommended_product_ids(self):
        """Item-based suggestions, meant for the customer card (one query per card).

        Customers sharing products with this one vote for the products they bought
        and this one did not, weighted by the number of shared products; the
        customer's own most bought products complete the list.
        """
        for partner in self:
            partner.recommended_product_ids = [
                fields.Command.set(partner._get_recommended_product_ids() if partner.id else [])
            ]

    def _get_recommended_product_ids(self, limit=5):
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                f"""
                WITH lines AS (
                    SELECT o.partner_id, l.product_id, SUM(l.product_uom_qty) AS qty
                      FROM ({ORDERS_SQL}) o
                      JOIN sale_order_line l ON l.order_id = o.order_id
                     WHERE l.product_id IS NOT NULL AND l.price_unit > 0
                     GROUP BY o.partner_id, l.product_id
                ), mine AS (
                    SELECT product_id, qty FROM lines WHERE partner_id = %(partner)s
                ), alike AS (
                    SELECT l.partner_id, COUNT(*) AS shared
                      FROM lines l JOIN mine m ON m.product_id = l.product_id
                     WHERE l.partner_id != %(partner)s
                     GROUP BY l.partner_id ORDER BY shared DESC LIMIT 100
                ), suggestions AS (
                    SELECT l.product_id, SUM(a.shared) AS score, 1 AS rank
                      FROM lines l JOIN alike a ON a.partner_id = l.partner_id
                     WHERE l.product_id NOT IN (SELECT product_id FROM mine)
                     GROUP BY l.product_id
                    UNION ALL
                    SELECT product_id, qty, 2 FROM mine
                )
                SELECT s.product_id FROM suggestions s
                  JOIN product_product pp ON pp.id = s.product_id AND pp.active
                 ORDER BY s.rank, s.score DESC, s.product_id
                 LIMIT %(limit)s
                """,
                company=self.env.company.id,
                partner=self.id,
                limit=limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # RFM
    # ------------------------------------------------------------------
    @api.model
    def _compute_rfm_scores(self):
        """Score customers 1-5 by quintiles (NTILE), per company, in SQL."""
        self.env.flush_all()
        for company in self.env["res.company"].sudo().search([]):
            self.with_company(company)._compute_company_rfm_scores()
        self.invalidate_model(RFM_FIELDS)

    @api.model
    def _compute_company_rfm_scores(self):
        """Score the customers of the current company with its orders over the window.

        Only the company's key of the company-dependent columns is set or
        removed: the scores of the other companies stay as they are.
        """
        company = self.env.company
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("customer_segments.rfm_window_days", 365)
        )
        columns = {
            "rfm_recency": "r",
            "rfm_frequency": "f",
            "rfm_monetary": "m",
            "rfm_code": "code",
            "rfm_segment": "segment",
            "rfm_revenue": "revenue",
        }
        cleared = ", ".join(f"{name} = p.{name} - %(key)s::text" for name in columns)
        scores = ", ".join(
            f"{name} = COALESCE(p.{name}, '{{}}') || jsonb_build_object(%(key)s::text, s.{col})"
            for name, col in columns.items()
        )
        self.env.cr.execute(
            SQL(
                f"""
                WITH agg AS (
                    SELECT partner_id, MAX(date_order) AS last_date, COUNT(*) AS orders,
                           SUM(amount) AS revenue
                      FROM ({ORDERS_SQL}) o
                     WHERE o.date_order >= now() - make_interval(days => %(days)s)
                     GROUP BY partner_id
                ), scored AS (
                    SELECT partner_id, revenue,
                           NTILE(5) OVER (ORDER BY last_date, partner_id) AS r,
                           NTILE(5) OVER (ORDER BY orders, partner_id) AS f,
                           NTILE(5) OVER (ORDER BY revenue, partner_id) AS m
                      FROM agg
                ), named AS (
                    SELECT partner_id, revenue, r, f, m,
                           r::text || f::text || m::text AS code,
                           {RFM_SEGMENT_CASE} AS segment
                      FROM scored
                ), cleared AS (
                    UPDATE res_partner p
                       SET {cleared}
                     WHERE p.rfm_code ? %(key)s::text
                       AND NOT EXISTS (SELECT 1 FROM scored s WHERE s.partner_id = p.id)
                )
                UPDATE res_partner p
                   SET {scores}
                  FROM named s
                 WHERE p.id = s.partner_id
                """,
                company=company.id,
                key=str(company.id),
                days=days,
            )
        )

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------
    @api.model
    def _compute_lifecycle_stages(self):
        """Set the lifecycle stage of every customer in SQL and record the transitions.

        Prospect: registered or customer without a confirmed order; lost: no order
        for the lost period; at risk: no order for the at-risk period; loyal: at
        least the loyal number of orders; repeat: two orders or more; new: one.
        A first classification is recorded by the statement itself; only moves
        (usually few) come back to Python, created through the ORM so that
        automations react to them. Memory does not grow with the base.
        Each company classifies its customers with its own orders.
        """
        self.env.flush_all()
        for company in self.env["res.company"].sudo().search([]):
            self.with_company(company)._compute_company_lifecycle_stages()

    @api.model
    def _compute_company_lifecycle_stages(self):
        """Lifecycle stages of the customers in the current company (its key
        of the company-dependent column only), with their transitions."""
        company = self.env.company
        params = self.env["ir.config_parameter"].sudo()
        self.env.cr.execute(
            SQL(
                f"""
                WITH facts AS (
                    SELECT partner_id, COUNT(*) AS orders, MAX(date_order) AS last_date
                      FROM ({ORDERS_SQL}) o GROUP BY partner_id
                ), target AS (
                    SELECT p.id, p.lifecycle_stage ->> %(key)s::text AS old_stage,
                           CASE
                               WHEN f.partner_id IS NULL THEN 'prospect'
                               WHEN f.last_date < now() - make_interval(days => %(lost)s)
                                   THEN 'lost'
                               WHEN f.last_date < now() - make_interval(days => %(at_risk)s)
                                   THEN 'at_risk'
                               WHEN f.orders >= %(loyal)s THEN 'loyal'
                               WHEN f.orders >= 2 THEN 'repeat'
                               ELSE 'new'
                           END AS new_stage
                      FROM res_partner p
                      LEFT JOIN facts f ON f.partner_id = p.id
                     WHERE p.active AND p.id = p.commercial_partner_id
                       AND (f.partner_id IS NOT NULL OR p.customer_rank > 0
                            OR p.customer_registration_date IS NOT NULL)
                ), changed AS (
                    UPDATE res_partner p
                       SET lifecycle_stage = COALESCE(p.lifecycle_stage, '{{}}')
                                             || jsonb_build_object(%(key)s::text, t.new_stage)
                      FROM target t
                     WHERE p.id = t.id AND t.old_stage IS DISTINCT FROM t.new_stage
                 RETURNING p.id, t.old_stage, t.new_stage
                ), first_stages AS (
                    -- First classifications are not moves: recorded here, in SQL,
                    -- they trigger no automation (no win-back flood on install).
                    INSERT INTO customer_lifecycle_transition
                           (partner_id, company_id, to_stage, date,
                            create_uid, create_date, write_uid, write_date)
                    SELECT id, %(company)s, new_stage, now() AT TIME ZONE 'UTC',
                           %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                      FROM changed WHERE old_stage IS NULL
                )
                SELECT id, old_stage, new_stage FROM changed WHERE old_stage IS NOT NULL
                """,
                company=company.id,
                key=str(company.id),
                uid=self.env.uid,
                lost=int(params.get_param("customer_segments.lost_days", 365)),
                at_risk=int(params.get_param("customer_segments.at_risk_days", 180)),
                loyal=int(params.get_param("customer_segments.loyal_min_orders", 5)),
            )
        )
        moves = self.env.cr.fetchall()
        self.invalidate_model(["lifecycle_stage", "lifecycle_transition_ids"])
        transitions = self.env["customer.lifecycle.transition"]
        transitions.invalidate_model()
        transitions.sudo().create(
            [
                {
                    "partner_id": pid,
                    "from_stage": old,
                    "to_stage": new,
                    "company_id": company.id,
                }
                for pid, old, new in moves
            ]
        )

    # ------------------------------------------------------------------
    # Automations
    # ------------------------------------------------------------------
    def _filter_marketing_reachable(self):
        return self.filtered(
            lambda p: p.email and p.consent_marketing_email and not p.is_blacklisted
        )

    @api.model
    def _cron_send_birthday_greetings(self):
        """Greet today's birthdays once a year (the year is stored on the partner)."""
        today = fields.Date.context_today(self)
        partners = self.search(
            [
                ("birthday_key", "=", today.month * 100 + today.day),
                ("consent_marketing_email", "=", True),
                "|",
                ("birthday_greeting_year", "=", False),
                ("birthday_greeting_year", "<", today.year),
            ]
        )._filter_marketing_reachable()
        template = self.env.ref("customer_segments.mail_template_birthday_greeting")
        for partner in partners:
            template.send_mail(partner.id)
        partners.write({"birthday_greeting_year": today.year})

    @api.model
    def _cron_send_welcome_emails(self):
        """Welcome customers registered (or first buying) in the last week, once."""
        since = fields.Date.context_today(self) - timedelta(days=7)
        partners = self.search(
            [
                ("customer_registration_date", ">=", since),
                ("welcome_email_sent", "=", False),
                ("consent_marketing_email", "=", True),
            ]
        )._filter_marketing_reachable()
        template = self.env.ref("customer_segments.mail_template_welcome")
        for partner in partners:
            template.send_mail(partner.id)
        partners.write({"welcome_email_sent": True})

    def _customer_erase_traces(self):
        """Forgetting customers also deletes the mailing contacts made for
        their addresses by segment mailing lists, and the address kept in
        mailing statistics."""
        emails = [email for email in self.mapped("email_normalized") if email]
        if emails:
            contacts = (
                self.env["mailing.contact"]
                .sudo()
                .with_context(active_test=False)
                .search([("email_normalized", "in", emails)])
            )
            self.env["mail.message"].sudo().search(
                [("model", "=", "mailing.contact"), ("res_id", "in", contacts.ids)]
            ).unlink()
            contacts.unlink()
            self.env["mailing.trace"].sudo().search([("email", "in", emails)]).write(
                {"email": False}
            )
        return super()._customer_erase_traces()
