#!/usr/bin/env python3
"""Benchmark the Customer Base add-ons on a large synthetic customer base.

One command builds a fresh database with customer_base, customer_loyalty and
customer_segments (no demo data), bulk-loads customers, confirmed sale orders
and bonus cards with SQL, then times the operations that must stay fast on a
big base and prints a table (operation, rows, seconds, ratio, memory) that is
also written as JSON to ``benchmarks/results/``.

Usage: ``python3 benchmarks/run.py [--customers N] [--orders N]``; see
``benchmarks/README.md`` for what every figure means.

The script runs under the Python interpreter of Odoo (read from the shebang of
the ``odoo`` command, as ``tests/run_tests.py`` does) so that it can open an
Odoo environment in-process.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import tracemalloc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, "addons")
RESULTS = os.path.join(ROOT, "benchmarks", "results")
OUR_MODULES = ["customer_base", "customer_loyalty", "customer_segments"]
# The Odoo modules ours depend on: the baseline database for the confirmation
# overhead has exactly these, so the difference is what our hooks add.
ODOO_MODULES = [
    "contacts",
    "sale_management",
    "phone_validation",
    "utm",
    "loyalty",
    "sale_loyalty",
    "mass_mailing",
    "base_automation",
]
CONFIRM_ORDERS = 500
# One order in each database in turn: a drift in the machine's speed hits both alike.
CONFIRM_ROUNDS = CONFIRM_ORDERS
MB = 1024 * 1024


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db-name", help="database name (default: cb_bench_<customers>)")
    parser.add_argument(
        "--baseline-db",
        help="database with only Odoo's modules for the confirmation baseline "
        "(default: <db-name>_odoo; built unless --skip-build)",
    )
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="reuse the databases of a previous --keep-db run instead of building them",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the databases afterwards (for --skip-build)"
    )
    parser.add_argument(
        "--cron-budget",
        type=int,
        default=180,
        help="stop looping a cron after this many seconds and report it unfinished",
    )
    parser.add_argument(
        "--only",
        help="comma-separated operations to run (counters, export, segments, crons, "
        "list, confirm; default: all)",
    )
    parser.add_argument(
        "--output", help="JSON file to write (default: benchmarks/results/latest.json)"
    )
    return parser.parse_args(argv)


# ----------------------------------------------------------------------
# Launcher: find Odoo and re-run this file under its interpreter
# ----------------------------------------------------------------------
def find_odoo():
    odoo_bin = os.environ.get("ODOO_BIN") or shutil.which("odoo")
    if not odoo_bin:
        sys.exit("No Odoo found: put an 'odoo' command on PATH or set ODOO_BIN.")
    return odoo_bin


def odoo_python(odoo_bin):
    """The Python interpreter that runs ``odoo`` (read from its shebang)."""
    with open(odoo_bin, "rb") as handle:
        first = handle.readline().decode(errors="replace").strip()
    if first.startswith("#!"):
        parts = first[2:].split()
        if parts and os.path.basename(parts[0]) == "env" and len(parts) > 1:
            return shutil.which(parts[1]) or parts[1]
        if parts:
            return parts[0]
    return sys.executable


def db_options():
    """Database options for Odoo, taken from the usual PG* variables."""
    options = []
    for env, option in (
        ("PGHOST", "--db_host"),
        ("PGPORT", "--db_port"),
        ("PGUSER", "--db_user"),
        ("PGPASSWORD", "--db_password"),
    ):
        if os.environ.get(env):
            options.append(f"{option}={os.environ[env]}")
    return options


def can_import_odoo():
    try:
        import odoo  # noqa: F401  pylint: disable=unused-import,import-outside-toplevel
    except ImportError:
        return False
    return True


# ----------------------------------------------------------------------
# Building the databases
# ----------------------------------------------------------------------
def ready_modules(modules):
    """The modules whose manifest files are all present (the others are still
    being written: their operations are reported as skipped)."""
    import ast  # pylint: disable=import-outside-toplevel

    ready = []
    for module in modules:
        path = os.path.join(ADDONS, module)
        try:
            with open(os.path.join(path, "__manifest__.py"), encoding="utf-8") as handle:
                manifest = ast.literal_eval(handle.read())
        except (OSError, ValueError, SyntaxError):
            continue
        files = manifest.get("data", [])
        if all(os.path.exists(os.path.join(path, name)) for name in files):
            ready.append(module)
    return ready


def install(odoo_bin, db_name, modules):
    """Create ``db_name`` and install ``modules`` without demo data."""
    print(f"Installing {', '.join(modules)} into {db_name} ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            odoo_bin,
            f"--addons-path={ADDONS}",
            *db_options(),
            "-d",
            db_name,
            "-i",
            ",".join(modules),
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            "--max-cron-threads=0",
            "--workers=0",
            "--http-port=0",
        ],
        check=True,
    )
    print(f"  installed in {time.perf_counter() - started:.0f} s", flush=True)


def drop_database(db_name):
    import odoo  # pylint: disable=import-outside-toplevel

    odoo.modules.registry.Registry.delete(db_name)
    odoo.sql_db.close_db(db_name)
    odoo.service.db.exp_drop(db_name)


FIRST_NAMES = (
    "Olena Iryna Oksana Natalia Tetiana Yulia Maria Anna Kateryna Svitlana "
    "Andrii Oleksandr Serhii Dmytro Ivan Mykola Volodymyr Taras Bohdan Petro"
).split()
LAST_NAMES = (
    "Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Oliinyk Melnyk Koval "
    "Boiko Moroz Lysenko Marchenko Rudenko Savchenko Petrenko Klymenko Pavlenko "
    "Ponomarenko Levchenko Kharchenko"
).split()


class Loader:
    """Bulk-load a synthetic base with INSERT ... SELECT generate_series.

    Customers get ids ``base + 1 .. base + N`` and orders ``base + 1 .. base + M``
    so that order lines and cards can be generated from the ids alone. Columns
    that only exist with our modules are filled when present, so the same
    loader builds the Odoo-only baseline database.
    """

    def __init__(self, env, customers, orders):
        self.env = env
        self.cr = env.cr
        self.customers = customers
        self.orders = orders

    def columns(self, table):
        self.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
        )
        return {row[0] for row in self.cr.fetchall()}

    def next_id(self, table):
        self.cr.execute(f"SELECT COALESCE(max(id), 0) FROM {table}")
        return self.cr.fetchone()[0]

    def insert(self, table, values, source):
        """INSERT the ``values`` (column -> SQL expression) that exist in ``table``."""
        existing = self.columns(table)
        cols = [col for col in values if col in existing]
        exprs = ", ".join(f"{values[col]} AS {col}" for col in cols)
        self.cr.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {exprs} FROM {source}")
        self.cr.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        return self.cr.rowcount

    def run(self):
        env = self.env
        started = time.perf_counter()
        company = env.ref("base.main_company")
        self.company_id = company.id
        self.currency_id = company.currency_id.id
        self.country_id = env.ref("base.ua").id
        self.product = env["product.product"].create(
            {"name": "Benchmark product", "list_price": 50.0, "type": "consu", "taxes_id": False}
        )
        self.cr.execute("SET LOCAL synchronous_commit = off")
        self.load_partners()
        self.log("customers", started)
        self.load_orders()
        self.log("orders and lines", started)
        self.load_bonus_cards()
        self.log("bonus cards", started)
        self.cr.commit()
        for table in ("res_partner", "sale_order", "sale_order_line", "loyalty_card"):
            self.cr.execute(f"ANALYZE {table}")
        self.cr.execute("ANALYZE loyalty_history")
        self.cr.commit()
        env.registry.clear_cache()
        self.log("analyzed", started)
        return time.perf_counter() - started

    def log(self, what, started):
        print(f"  loaded {what} ({time.perf_counter() - started:.0f} s)", flush=True)

    def load_partners(self):
        base = self.next_id("res_partner")
        self.partner_base = base
        first = "(ARRAY[%s])[1 + (i * 7) %% %d]" % (
            ", ".join(f"'{n}'" for n in FIRST_NAMES),
            len(FIRST_NAMES),
        )
        last = "(ARRAY[%s])[1 + (i * 13 / 7) %% %d]" % (
            ", ".join(f"'{n}'" for n in LAST_NAMES),
            len(LAST_NAMES),
        )
        born = "(i %% 28) + 1"
        month = "((i / 28) %% 12) + 1"
        name = f"{first} || ' ' || {last}"
        values = {
            "id": f"{base} + i",
            "name": name,
            "complete_name": name,
            "firstname": first,
            "lastname": last,
            "email": "'customer' || i || '@example.com'",
            "email_normalized": "'customer' || i || '@example.com'",
            "phone": "'+38067' || lpad(i::text, 7, '0')",
            "phone_sanitized": "'+38067' || lpad(i::text, 7, '0')",
            "country_id": str(self.country_id),
            "lang": "'en_US'",
            "type": "'contact'",
            "active": "true",
            "is_company": "false",
            "partner_share": "true",
            "color": "0",
            "customer_rank": "1",
            "supplier_rank": "0",
            "autopost_bills": "'ask'",
            "commercial_partner_id": f"{base} + i",
            "birth_day": born,
            "birth_month": f"({month})::text",
            "birth_year": "CASE WHEN i %% 10 < 7 THEN 1950 + i %% 55 END",
            "birthdate": (
                f"CASE WHEN i %% 10 < 7 THEN make_date(1950 + i %% 55, {month}, {born}) END"
            ),
            "birthday_key": f"({month}) * 100 + {born}",
            "gender": "CASE i %% 3 WHEN 0 THEN 'female' WHEN 1 THEN 'male' END",
            "acquisition_channel": "'import'",
            "customer_registration_date": (
                "(now() - interval '3 years' - (i %% 365) * interval '1 day')::date"
            ),
            "consent_personal_data": "true",
            "consent_marketing_email": "i %% 2 = 0",
            "consent_marketing_sms": "false",
            "create_uid": "1",
            "write_uid": "1",
            "create_date": "now()",
            "write_date": "now()",
        }
        # psycopg2 does not see these strings: double %% is only for the
        # Python format above, undo it for the raw SQL.
        values = {col: expr.replace("%%", "%") for col, expr in values.items()}
        self.insert("res_partner", values, f"generate_series(1, {self.customers}) AS i")

    def load_orders(self):
        base = self.next_id("sale_order")
        partner_base = self.partner_base
        buyers = max(int(self.customers * 0.8), 1)
        # A temporary table of the random draws, shared by orders and lines.
        # Partner: power law, a few customers buy a lot, 20% never bought.
        # One customer in ten hunts discounts (80% of their orders discounted).
        self.cr.execute(
            f"""
            CREATE TEMP TABLE bench_order AS
            SELECT i,
                   {partner_base} + 1 + floor({buyers} * power(random(), 3))::int AS partner_id,
                   now() - random() * interval '1095 days' AS date_order,
                   round((5 + 200 * -ln(1 - random()))::numeric, 2) AS price,
                   1 + floor(3 * power(random(), 2))::int AS qty,
                   random() AS draw
              FROM generate_series(1, {self.orders}) AS i
            """
        )
        self.cr.execute(
            """
            ALTER TABLE bench_order ADD COLUMN discount numeric;
            UPDATE bench_order
               SET discount = CASE
                   WHEN partner_id %% 10 = 0 AND draw < 0.8 THEN 20
                   WHEN draw < 0.1 THEN 10
                   ELSE 0 END;
            """.replace("%%", "%")
        )
        subtotal = "round(o.price * o.qty * (1 - o.discount / 100), 2)"
        self.insert(
            "sale_order",
            {
                "id": f"{base} + o.i",
                "name": "'S' || lpad(o.i::text, 7, '0')",
                "partner_id": "o.partner_id",
                "partner_invoice_id": "o.partner_id",
                "partner_shipping_id": "o.partner_id",
                "company_id": str(self.company_id),
                "currency_id": str(self.currency_id),
                "currency_rate": "1",
                "user_id": "2",
                "date_order": "o.date_order",
                "state": "'sale'",
                "invoice_status": "'no'",
                "amount_untaxed": subtotal,
                "amount_tax": "0",
                "amount_total": subtotal,
                "locked": "false",
                "require_signature": "false",
                "require_payment": "false",
                "prepayment_percent": "1",
                "create_uid": "1",
                "write_uid": "1",
                "create_date": "o.date_order",
                "write_date": "o.date_order",
            },
            "bench_order o",
        )
        self.order_base = base
        line_base = self.next_id("sale_order_line")
        self.insert(
            "sale_order_line",
            {
                "id": f"{line_base} + o.i",
                "order_id": f"{base} + o.i",
                "sequence": "10",
                "name": "'Benchmark product'",
                "product_id": str(self.product.id),
                "product_uom": str(self.product.uom_id.id),
                "product_uom_qty": "o.qty",
                "price_unit": "o.price",
                "technical_price_unit": "o.price",
                "discount": "o.discount",
                "price_subtotal": subtotal,
                "price_tax": "0",
                "price_total": subtotal,
                "price_reduce_taxexcl": "round(o.price * (1 - o.discount / 100), 2)",
                "price_reduce_taxinc": "round(o.price * (1 - o.discount / 100), 2)",
                "customer_lead": "0",
                "company_id": str(self.company_id),
                "currency_id": str(self.currency_id),
                "order_partner_id": "o.partner_id",
                "salesman_id": "2",
                "state": "'sale'",
                "invoice_status": "'no'",
                "qty_delivered": "0",
                "qty_invoiced": "0",
                "qty_to_invoice": "0",
                "untaxed_amount_invoiced": "0",
                "untaxed_amount_to_invoice": "0",
                "qty_delivered_method": "'manual'",
                "is_downpayment": "false",
                "is_expense": "false",
                "create_uid": "1",
                "write_uid": "1",
                "create_date": "o.date_order",
                "write_date": "o.date_order",
            },
            "bench_order o",
        )
        self.cr.execute("DROP TABLE bench_order")

    def load_bonus_cards(self):
        """Six customers in ten have a bonus card with a ledger of two lines:
        points earned 2-3 years ago (partly expired by now) and points earned
        last month. On the Odoo-only baseline the cards belong to a plain Odoo
        loyalty program earning and spending points like our bonus card, so
        that the confirmation overhead compares like with like: Odoo's loyalty
        engine runs in both databases and the difference is our hooks."""
        if "loyalty.program" not in self.env:
            return
        if "is_bonus_card" in self.columns("loyalty_card"):
            program = self.env["loyalty.program"]._get_bonus_program()
        else:
            program = self.create_odoo_loyalty_program()
        if not program:
            return
        card_base = self.next_id("loyalty_card")
        cards = f"generate_series(1, {self.customers}) AS i WHERE i % 10 < 6"
        self.insert(
            "loyalty_card",
            {
                "id": f"{card_base} + i",
                "program_id": str(program.id),
                "company_id": str(self.company_id),
                "partner_id": f"{self.partner_base} + i",
                # Prefix 28: never produced by the card number sequence (29...),
                # so cards issued during the benchmark do not collide.
                "code": "'28' || lpad(i::text, 11, '0')",
                "points": "150",
                "active": "true",
                "state": "'active'",
                "is_bonus_card": "true",
                "issue_date": "(now() - interval '3 years')::date",
                "create_uid": "1",
                "write_uid": "1",
                "create_date": "now() - interval '3 years'",
                "write_date": "now()",
            },
            cards,
        )
        history_base = self.next_id("loyalty_history")
        for offset, points, age in ((0, 100, "'2 years 6 months'"), (1, 50, "'1 month'")):
            self.insert(
                "loyalty_history",
                {
                    "id": f"{history_base} + 2 * i + {offset}",
                    "card_id": f"{card_base} + i",
                    "partner_id": f"{self.partner_base} + i",
                    "is_bonus_card": "true",
                    "description": "'Opening balance'",
                    "kind": "'earned'",
                    "issued": str(points),
                    "used": "0",
                    "points_change": str(points),
                    "date": f"now() - interval {age}",
                    "user_id": "1",
                    "create_uid": "1",
                    "write_uid": "1",
                    "create_date": "now()",
                    "write_date": "now()",
                },
                cards,
            )

    def create_odoo_loyalty_program(self):
        """Odoo's own loyalty card program: 1 point per currency unit spent,
        points spent as a discount, as a shop without our modules sets it up."""
        return self.env["loyalty.program"].create(
            {
                "name": "Loyalty card (Odoo only)",
                "program_type": "loyalty",
                "applies_on": "both",
                "trigger": "auto",
                "rule_ids": [
                    (0, 0, {"reward_point_mode": "money", "reward_point_amount": 1.0}),
                ],
                "reward_ids": [
                    (
                        0,
                        0,
                        {
                            "reward_type": "discount",
                            "discount_mode": "per_point",
                            "discount": 0.01,
                            "required_points": 1.0,
                        },
                    ),
                ],
            }
        )


# ----------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------
def rss_mb():
    """High-water mark of the resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Measure:
    """Time a block; optionally trace the peak of Python allocations."""

    def __init__(self, trace=False):
        self.trace = trace
        self.seconds = 0.0
        self.python_peak_mb = None
        self.rss_growth_mb = 0.0

    def __enter__(self):
        if self.trace:
            tracemalloc.start()
        self.rss_before = rss_mb()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.rss_growth_mb = rss_mb() - self.rss_before
        if self.trace:
            self.python_peak_mb = tracemalloc.get_traced_memory()[1] / MB
            tracemalloc.stop()
        return False


class Benchmark:
    def __init__(self, registry, args):
        self.registry = registry
        self.args = args
        self.rows = []

    def add(self, operation, rows, measure=None, ratio=None, note="", seconds=None):
        row = {
            "operation": operation,
            "rows": rows,
            "seconds": round(seconds if seconds is not None else measure.seconds, 3)
            if (measure or seconds is not None)
            else None,
            "ratio": round(ratio, 2) if ratio is not None else None,
            "python_peak_mb": round(measure.python_peak_mb, 1)
            if measure and measure.python_peak_mb is not None
            else None,
            "rss_growth_mb": round(measure.rss_growth_mb, 1) if measure else None,
            "note": note,
        }
        self.rows.append(row)
        print_row(row)
        return row

    def skip(self, operation, reason):
        return self.add(operation, None, note=f"skipped ({reason})")

    def env(self, cr):
        import odoo  # pylint: disable=import-outside-toplevel

        return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})

    def run(self, name, function):
        """Run one measured operation in its own transaction (committed)."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            try:
                function(env)
            except Exception as error:  # pylint: disable=broad-except
                cr.rollback()
                self.skip(name, f"error: {type(error).__name__}: {str(error)[:160]}")

    # -- 1. purchase counters ------------------------------------------------
    def counters(self, env):
        partner = env["res.partner"]
        if not hasattr(partner, "_cron_rebuild_purchase_counters"):
            return self.skip("Purchase counters: full rebuild", "customer_base API not found")
        customers = partner.search_count([("customer_rank", ">", 0)])
        floor = self.floor(env, COUNTERS_FLOOR_SQL)
        self.add("Purchase counters: bare SQL floor", customers, floor)
        # Start from empty counters, so that a rerun on a kept database
        # measures the same full rebuild.
        env.cr.execute(
            "UPDATE res_partner SET purchase_count = NULL, purchase_total = NULL, "
            "purchase_average = NULL, first_purchase_date = NULL, last_purchase_date = NULL"
        )
        env["ir.config_parameter"].set_param("customer_base.counter_rebuild_last_id", 0)
        env.cr.commit()
        with Measure(trace=True) as measure:
            batches = 0
            while True:
                batches += 1
                remaining = partner._cron_rebuild_purchase_counters()
                env.cr.commit()
                if not remaining:
                    break
        self.add(
            "Purchase counters: full rebuild (cron)",
            customers,
            measure,
            measure.seconds / floor.seconds,
            f"{batches} batches",
        )

    def floor(self, env, sql):
        """Time ``sql`` and roll it back: the floor the database itself sets."""
        env.cr.commit()
        with Measure(trace=True) as measure:
            env.cr.execute(sql)
        env.cr.rollback()
        return measure

    # -- 3. segments and RFM ---------------------------------------------------
    def segments(self, env):
        if "customer.segment" not in env:
            return self.skip("Segments: refresh of built-in segments", "customer_segments missing")
        customers = env["res.partner"].search_count([("customer_rank", ">", 0)])
        floor = self.floor(env, self.segments_floor_sql(env))
        self.add("Segments/RFM: bare SQL floor", customers, floor)
        segments = env["customer.segment"].search([("kind", "!=", "rule")])
        self.reset_segments(env, segments)
        total = 0.0
        peak = 0.0
        for segment in segments:
            with Measure(trace=True) as measure:
                segment._refresh_members()
                env.cr.commit()
            total += measure.seconds
            peak = max(peak, measure.python_peak_mb or 0)
            self.add(
                f"Segment refresh: {segment.name}",
                segment.member_count,
                measure,
                measure.seconds / floor.seconds,
            )
        partner = env["res.partner"]
        for method, label in (
            ("_compute_rfm_scores", "RFM scores refresh"),
            ("_compute_lifecycle_stages", "Lifecycle stages refresh"),
        ):
            if not hasattr(partner, method):
                self.skip(label, "API not found")
                continue
            with Measure(trace=True) as measure:
                getattr(partner, method)()
                env.cr.commit()
            total += measure.seconds
            peak = max(peak, measure.python_peak_mb or 0)
            self.add(label, customers, measure, measure.seconds / floor.seconds)
        self.rows.append(
            {
                "operation": "Segments + RFM + lifecycle: full refresh",
                "rows": customers,
                "seconds": round(total, 3),
                "ratio": round(total / floor.seconds, 2),
                "python_peak_mb": round(peak, 1),
                "rss_growth_mb": None,
                "note": f"{len(segments)} built-in segments",
            }
        )
        print_row(self.rows[-1])

    def reset_segments(self, env, segments):
        """Empty the segments, so that a rerun on a kept database measures the
        same first refresh of each segment."""
        env.cr.execute(
            "DELETE FROM res_partner_res_partner_category_rel WHERE category_id = ANY(%s)",
            [segments.category_id.ids],
        )
        env.cr.execute(
            "DELETE FROM customer_segment_event WHERE segment_id = ANY(%s)", [segments.ids]
        )
        env.cr.execute(
            "UPDATE customer_segment SET last_refresh = NULL WHERE id = ANY(%s)", [segments.ids]
        )
        env.invalidate_all()
        env.cr.commit()

    def segments_floor_sql(self, env):
        """One pass over the orders: R/F/M per customer, NTILE(5), written back."""
        columns = set(env["res.partner"]._fields)
        target = "rfm_code" if "rfm_code" in columns else "ref"
        return SEGMENTS_FLOOR_SQL.replace("__TARGET__", target)

    # -- 4. XLSX export ----------------------------------------------------------
    def export(self, env):
        if "customer.export.wizard" not in env:
            return self.skip("XLSX export of the whole base", "wizard not found")
        wizard_model = env["customer.export.wizard"]
        action = next(
            (
                name
                for name in ("action_export", "action_export_xlsx", "action_generate")
                if hasattr(wizard_model, name)
            ),
            None,
        )
        if not action:
            return self.skip("XLSX export of the whole base", "export API not found")
        customers = env["res.partner"].search_count([("customer_registration_date", "!=", False)])
        wizard = wizard_model.create({})
        env.cr.commit()
        with Measure() as measure:
            getattr(wizard, action)()
            env.cr.commit()
        size = ""
        if "file_data" in wizard._fields or "data" in wizard._fields:
            data = wizard["file_data" if "file_data" in wizard._fields else "data"]
            size = f"file {len(data or b'') * 3 / 4 / MB:.1f} MB"
        self.add("XLSX export of the whole base", customers, measure, None, size)

    # -- 5. crons ----------------------------------------------------------------
    def crons(self, env):
        card = env["loyalty.card"] if "loyalty.card" in env else None
        if card is None or not hasattr(card, "_cron_expire_points"):
            return self.skip("Loyalty crons", "customer_loyalty API not found")
        cards = card.search_count([("is_bonus_card", "=", True)])
        customers = env["res.partner"].search_count([("customer_rank", ">", 0)])
        for label, call in (
            ("Cron: points expiry (all batches)", lambda: card._cron_expire_points()),
            (
                "Cron: birthday bonus (all batches)",
                lambda: card._cron_give_birthday_bonus(),
            ),
            ("Cron: loyalty tier review (all batches)", lambda: self.review_tiers(env)),
        ):
            with Measure() as measure:
                batches = done = 0
                while True:
                    batches += 1
                    result = call()
                    env.cr.commit()
                    done += len(result)
                    if not result or time.perf_counter() - measure.started > self.args.cron_budget:
                        break
            note = f"{done} processed, {batches} calls"
            if result:
                # Out of budget: the cron would go on; give the rate and the
                # projected time for the whole base.
                note += f", stopped after {self.args.cron_budget} s (unfinished)"
            rows = customers if "tier" in label else cards
            self.add(label, rows, measure, None, note)

    def review_tiers(self, env):
        """One call of the tier review cron; its result is the changes made,
        which may be empty for a batch, so report the partners reviewed."""
        partner = env["res.partner"]
        pending = [("loyalty_tier_review_date", "!=", fields_today(env))]
        before = partner.search_count(pending)
        partner._cron_review_loyalty_tiers()
        reviewed = before - partner.search_count(pending)
        return range(reviewed)

    # -- 6. list view --------------------------------------------------------------
    def list_view(self, env):
        partner = env["res.partner"]
        domain = [("customer_registration_date", "!=", False)]
        note = "all customers"
        if "customer.segment" in env:
            segment = env["customer.segment"].search(
                [("category_id", "!=", False), ("member_count", ">", 0)],
                order="member_count desc",
                limit=1,
            )
            if segment:
                domain.append(("category_id", "in", segment.category_id.ids))
                note = f"segment {segment.name}"
        spec = list_view_specification(env)
        admin = env.ref("base.user_admin")
        model = partner.with_user(admin).with_context(lang="en_US")
        env.cr.commit()
        model.web_search_read(domain, spec, limit=80)  # warm the caches once
        env.invalidate_all()
        with Measure() as measure:
            result = model.web_search_read(domain, spec, limit=80)
        self.add(
            "Customers list view, segment filter (web_search_read)",
            result["length"],
            measure,
            None,
            f"{note}, first 80 rows, {len(spec)} fields",
        )

    # -- 2. confirmations -------------------------------------------------------------
    def confirmations(self, env, baseline_registry):
        ours = self.confirm_timer(env)
        if baseline_registry is None:
            return self.add("Confirm 500 orders one by one", CONFIRM_ORDERS, None, None, "")
        with baseline_registry.cursor() as base_cr:
            base_env = self.env(base_cr)
            theirs = self.confirm_timer(base_env)
            ours_work = ours_total = theirs_work = theirs_total = 0.0
            for _round in range(CONFIRM_ROUNDS):
                work, total = next(ours)
                ours_work, ours_total = ours_work + work, ours_total + total
                work, total = next(theirs)
                theirs_work, theirs_total = theirs_work + work, theirs_total + total
        self.add(
            "Confirm 500 orders one by one: Odoo only",
            CONFIRM_ORDERS,
            seconds=theirs_work,
            note=f"{theirs_total:.1f} s through the commits",
        )
        self.add(
            "Confirm 500 orders one by one: with our modules",
            CONFIRM_ORDERS,
            seconds=ours_work,
            ratio=ours_work / theirs_work,
            note=f"+{(ours_work / theirs_work - 1) * 100:.0f}% over Odoo only; "
            f"through the commits {ours_total:.1f} s, "
            f"+{(ours_total / theirs_total - 1) * 100:.0f}%",
        )

    def confirm_timer(self, env):
        """Generator: each step confirms the next slice of draft orders one by one,
        each in its own transaction, and yields two times: the confirmation's own
        work (``action_confirm`` and the flush) and the whole transaction the user
        waits for (through the commit, where Odoo writes the chatter tracking).

        The orders are confirmed as in the web client: by the administrator (a
        user with a timezone, not the superuser), with the context the web
        client sends (language and timezone)."""
        per_round = CONFIRM_ORDERS // CONFIRM_ROUNDS
        admin = env.ref("base.user_admin")
        admin.tz = admin.tz or "Europe/Kyiv"
        env = env(user=admin.id)
        env = env(context=env.user.context_get())
        partners = env["res.partner"].search(
            [("customer_rank", ">", 0)], order="id", limit=CONFIRM_ORDERS * 20
        )[::20]
        product = env["product.product"].search([("name", "=", "Benchmark product")], limit=1)
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [(0, 0, {"product_id": product.id, "price_unit": 120.0})],
                }
                for partner in partners[:CONFIRM_ORDERS]
            ]
        )
        env.cr.commit()
        ids = orders.ids
        for start in range(0, len(ids), per_round):
            work = total = 0.0
            for order_id in ids[start : start + per_round]:
                env.invalidate_all()
                order = env["sale.order"].browse(order_id)
                started = time.perf_counter()
                order.action_confirm()
                env.flush_all()
                work += time.perf_counter() - started
                env.cr.commit()
                total += time.perf_counter() - started
            yield work, total


def fields_today(env):
    import odoo  # pylint: disable=import-outside-toplevel

    return odoo.fields.Date.context_today(env["res.partner"])


COUNTERS_FLOOR_SQL = """
    UPDATE res_partner p
       SET purchase_count = jsonb_build_object(agg.company_id::text, agg.cnt),
           purchase_total = jsonb_build_object(agg.company_id::text, agg.total),
           purchase_average = jsonb_build_object(agg.company_id::text, agg.total / agg.cnt),
           first_purchase_date = jsonb_build_object(agg.company_id::text, agg.first_date),
           last_purchase_date = jsonb_build_object(agg.company_id::text, agg.last_date)
      FROM (SELECT partner.commercial_partner_id AS partner_id, so.company_id,
                   count(*) AS cnt, sum(so.amount_total) AS total,
                   min(so.date_order)::date AS first_date,
                   max(so.date_order)::date AS last_date
              FROM sale_order so
              JOIN res_partner partner ON partner.id = so.partner_id
             WHERE so.state = 'sale'
          GROUP BY partner.commercial_partner_id, so.company_id) agg
     WHERE p.id = agg.partner_id
"""

SEGMENTS_FLOOR_SQL = """
    UPDATE res_partner p
       SET __TARGET__ = s.r::text || s.f::text || s.m::text
      FROM (SELECT partner_id,
                   NTILE(5) OVER (ORDER BY last_date, partner_id) AS r,
                   NTILE(5) OVER (ORDER BY orders, partner_id) AS f,
                   NTILE(5) OVER (ORDER BY revenue, partner_id) AS m
              FROM (SELECT partner.commercial_partner_id AS partner_id,
                           max(so.date_order) AS last_date, count(*) AS orders,
                           sum(so.amount_untaxed) AS revenue
                      FROM sale_order so
                      JOIN res_partner partner ON partner.id = so.partner_id
                     WHERE so.state = 'sale' AND so.date_order >= now() - interval '365 days'
                  GROUP BY partner.commercial_partner_id) agg) s
     WHERE p.id = s.partner_id
"""


def list_view_specification(env):
    """The fields the Customers list view reads, as the web client asks for them."""
    from lxml import etree  # pylint: disable=import-outside-toplevel

    partner = env["res.partner"]
    view = env.ref("customer_base.res_partner_view_list", raise_if_not_found=False)
    arch = partner.get_views([(view.id if view else False, "list")])["views"]["list"]["arch"]
    spec = {}
    for node in etree.fromstring(arch).xpath("//field[not(ancestor::field)]"):
        name = node.get("name")
        field = partner._fields.get(name)
        if not field:
            continue
        if field.type in ("many2one", "many2many", "one2many"):
            spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


# ----------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------
COLUMNS = ("operation", "rows", "seconds", "ratio", "python_peak_mb", "rss_growth_mb", "note")


def print_row(row):
    def fmt(value):
        return "-" if value is None or value == "" else str(value)

    print(
        f"{row['operation'][:58]:58} {fmt(row['rows']):>8} {fmt(row['seconds']):>9} "
        f"{fmt(row['ratio']):>6} {fmt(row['python_peak_mb']):>7} {fmt(row['rss_growth_mb']):>7}"
        f"  {row['note']}",
        flush=True,
    )


def markdown_table(rows):
    lines = [
        "| Operation | Rows | Seconds | Ratio | Python peak (MB) | RSS growth (MB) | Note |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        values = [row[col] for col in COLUMNS]
        lines.append("| " + " | ".join("" if v is None else str(v) for v in values) + " |")
    return "\n".join(lines)


def machine(cr):
    cr.execute("SHOW server_version")
    pg_version = cr.fetchone()[0]
    with open("/proc/meminfo", encoding="ascii") as handle:
        mem_kb = int(handle.readline().split()[1])
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                cpu,
            )
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "postgresql": pg_version,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------
def open_registry(db_name):
    import odoo  # pylint: disable=import-outside-toplevel

    return odoo.modules.registry.Registry(db_name)


def build(odoo_bin, db_name, modules, args):
    install(odoo_bin, db_name, modules)
    registry = open_registry(db_name)
    print(f"Loading {args.customers} customers and {args.orders} orders ...", flush=True)
    with registry.cursor() as cr:
        seconds = Loader(Benchmark(registry, args).env(cr), args.customers, args.orders).run()
    return registry, seconds


def body(args):
    import odoo  # pylint: disable=import-outside-toplevel

    odoo_bin = find_odoo()
    odoo.tools.config.parse_config(
        [f"--addons-path={ADDONS}", *db_options(), "--log-level=warn", "--max-cron-threads=0"]
    )
    db_name = args.db_name or f"cb_bench_{args.customers}"
    baseline_name = args.baseline_db or f"{db_name}_odoo"
    load_seconds = None
    if args.skip_build:
        registry = open_registry(db_name)
        baseline = open_registry(baseline_name)
    else:
        for name in (db_name, baseline_name):
            if name in odoo.service.db.list_dbs(force=True):
                drop_database(name)
        registry, load_seconds = build(odoo_bin, db_name, ready_modules(OUR_MODULES), args)
        baseline, _seconds = build(odoo_bin, baseline_name, ODOO_MODULES, args)
    bench = Benchmark(registry, args)
    print()
    print_row(
        dict(
            zip(
                COLUMNS,
                ("Operation", "Rows", "Seconds", "Ratio", "Py MB", "RSS MB", ""),
                strict=False,
            )
        )
    )
    if load_seconds is not None:
        bench.add(
            "Bulk load of the synthetic base",
            args.customers + args.orders,
            seconds=load_seconds,
            note="customers + orders (+ lines, cards)",
        )
    operations = {
        "counters": bench.counters,
        "export": bench.export,
        "segments": bench.segments,
        "crons": bench.crons,
        "list": bench.list_view,
        "confirm": lambda env: bench.confirmations(env, baseline),
    }
    wanted = args.only.split(",") if args.only else list(operations)
    for name, operation in operations.items():
        if name in wanted:
            bench.run(name, operation)
    with registry.cursor() as cr:
        info = machine(cr)
    result = {
        "customers": args.customers,
        "orders": args.orders,
        "machine": info,
        "peak_rss_mb": round(rss_mb(), 1),
        "results": bench.rows,
    }
    os.makedirs(RESULTS, exist_ok=True)
    outputs = [args.output or os.path.join(RESULTS, "latest.json")]
    outputs.append(os.path.join(RESULTS, f"{args.customers}_customers.json"))
    for output in outputs:
        with open(output, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
    print()
    print(markdown_table(bench.rows))
    print()
    print(
        "Machine: {cpu}, {cores} cores, {ram_gb} GB RAM, PostgreSQL {postgresql}, "
        "Python {python}, {date}".format(**info)
    )
    print("Written:", ", ".join(outputs))
    if not args.keep_db:
        odoo.sql_db.close_all()
        for name in (db_name, baseline_name):
            odoo.service.db.exp_drop(name)
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not can_import_odoo():
        python = odoo_python(find_odoo())
        os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])
    return body(args)


if __name__ == "__main__":
    sys.exit(main())
