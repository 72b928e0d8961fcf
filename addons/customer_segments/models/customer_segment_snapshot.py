# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.tools import SQL

from .customer_segment import ORDERS_SQL


class CustomerSegmentSnapshot(models.Model):
    """Daily size and revenue of each segment, for the reports over time."""

    _name = "customer.segment.snapshot"
    _description = "Customer Segment Daily Snapshot"
    _order = "date desc, segment_id"

    segment_id = fields.Many2one("customer.segment", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="segment_id.company_id", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    member_count = fields.Integer("Members", aggregator="sum")
    revenue = fields.Monetary("Revenue (12 months)", currency_field="currency_id", aggregator="sum")
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        ("segment_date_unique", "UNIQUE(segment_id, date)", "One snapshot per segment and day."),
    ]

    @api.model
    def _take_snapshot(self, segments):
        """Upsert today's size and 12-month revenue of the segments in one statement."""
        for segment in segments:
            self.env.cr.execute(
                SQL(
                    f"""
                    INSERT INTO customer_segment_snapshot
                           (segment_id, company_id, date, member_count, revenue,
                            create_uid, write_uid, create_date, write_date)
                    SELECT %(segment)s, %(company)s, CURRENT_DATE, %(members)s,
                           COALESCE((SELECT SUM(o.amount) FROM ({ORDERS_SQL}) o
                                      JOIN res_partner_res_partner_category_rel r
                                        ON r.partner_id = o.partner_id
                                       AND r.category_id = %(category)s
                                     WHERE o.date_order >= now() - interval '12 months'), 0),
                           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                    ON CONFLICT (segment_id, date) DO UPDATE
                       SET member_count = EXCLUDED.member_count, revenue = EXCLUDED.revenue,
                           write_date = EXCLUDED.write_date
                    """,
                    segment=segment.id,
                    company=segment.company_id.id,
                    members=segment.member_count,
                    category=segment.category_id.id,
                    uid=self.env.uid,
                )
            )
        self.invalidate_model()
