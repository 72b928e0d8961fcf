# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import time

from odoo import api, models


class CustomerRateLimit(models.AbstractModel):
    """Fixed-window counters for the public page and the API.

    One row per (key, window) in ``customer_rate_limit_counter``, bumped with
    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: PostgreSQL serialises
    the increments on the row, so parallel calls can never all read "below
    the limit" and pass together (no count-then-insert race). The counter is
    committed in its own short transaction, so a call that fails afterwards
    still counts.
    """

    _name = "customer.rate.limit"
    _description = "Customer Rate Limit"

    def init(self):
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS customer_rate_limit_counter (
                key varchar NOT NULL,
                window_start bigint NOT NULL,
                hits integer NOT NULL DEFAULT 0,
                PRIMARY KEY (key, window_start)
            )
            """
        )

    @api.model
    def _hit(self, key, limit, period):
        """Count one call for ``key`` in the current ``period`` (seconds) and
        return True when this call is over ``limit`` (a limit of 0 is off)."""
        if not limit:
            return False
        window_start = int(time.time()) // period * period
        registry = self.env.registry
        with registry.cursor() as cr:
            if not registry.in_test_mode():
                # READ COMMITTED: a concurrent increment is waited for and then
                # added to, instead of failing the repeatable-read snapshot.
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            cr.execute(
                """
                INSERT INTO customer_rate_limit_counter AS counter (key, window_start, hits)
                VALUES (%s, %s, 1)
                ON CONFLICT (key, window_start)
                DO UPDATE SET hits = counter.hits + 1
                RETURNING hits
                """,
                (key[:255], window_start),
            )
            return cr.fetchone()[0] > limit

    @api.model
    def _gc_counters(self, max_period=86400):
        """Drop the counters of windows that ended (called by the registration cron)."""
        self.env.cr.execute(
            "DELETE FROM customer_rate_limit_counter WHERE window_start < %s",
            (int(time.time()) - max_period,),
        )
