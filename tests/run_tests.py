#!/usr/bin/env python3
"""Run the Odoo tests of the Customer Base add-ons in a fresh database.

The runner finds Odoo (``ODOO_BIN`` or the ``odoo`` command on PATH, as in the
official Docker image), creates a uniquely named database, installs the
add-ons with ``--test-enable`` (at_install and post_install tests), reads the
log, prints a per-module summary and, as its last line, ``N passed, N failed``.

It fails when a test fails or errors, when no test ran, or when Odoo logs an
ERROR/CRITICAL line (a module that does not install, a broken view...).
The database is dropped afterwards unless ``--keep-db`` is given.
"""

import argparse
import collections
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(ROOT, "addons")
DEFAULT_MODULES = ["customer_base", "customer_loyalty", "customer_segments"]

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>\S+): (?P<message>.*)$"
)
TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\b")
STARTING = re.compile(r"^Starting (?P<test>\S+) \.\.\.")
FAILURE = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<test>\S+)")
SKIPPED = re.compile(r"^skipped (?P<test>\S+)")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--modules",
        default=",".join(DEFAULT_MODULES),
        help="comma-separated modules to install and test (default: all three)",
    )
    parser.add_argument(
        "--test-tags",
        help="Odoo test tags narrowing the run (default: every test of --modules)",
    )
    parser.add_argument("--keep-db", action="store_true", help="keep the test database afterwards")
    parser.add_argument("--db-name", help="database name (default: a unique name)")
    parser.add_argument("--log-file", help="also write Odoo's full log to this file")
    return parser.parse_args(argv)


def find_odoo():
    odoo_bin = os.environ.get("ODOO_BIN") or shutil.which("odoo")
    if not odoo_bin:
        sys.exit(
            "No Odoo found: put an 'odoo' command on PATH (as the official "
            "odoo:18.0 Docker image does) or set ODOO_BIN."
        )
    return odoo_bin


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


def odoo_command(odoo_bin, db_name, modules, test_tags):
    tags = test_tags or ",".join(f"/{module}" for module in modules)
    return [
        odoo_bin,
        f"--addons-path={ADDONS}",
        *db_options(),
        "--database",
        db_name,
        "--init",
        ",".join(modules),
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--log-level=info",
        "--http-port=%s" % (os.environ.get("ODOO_TEST_HTTP_PORT") or free_port()),
        "--max-cron-threads=0",
        "--workers=0",
    ]


def free_port():
    """A free local TCP port, so that several runs can share a machine."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LogReport:
    """What the Odoo log says about the run."""

    def __init__(self):
        self.started = collections.defaultdict(set)
        self.failed = collections.defaultdict(set)
        self.skipped = collections.defaultdict(set)
        self.errors = []

    def feed(self, line):
        match = LOG_LINE.match(line)
        if not match:
            return
        level, logger, message = match["level"], match["logger"], match["message"]
        module_match = TEST_LOGGER.match(logger)
        if module_match:
            module = module_match["module"]
            started = STARTING.match(message)
            if started:
                self.started[module].add(started["test"])
            skipped = SKIPPED.match(message)
            if skipped:
                self.skipped[module].add(skipped["test"])
            failure = FAILURE.match(message)
            if failure and level in ("ERROR", "CRITICAL"):
                self.failed[module].add(failure["test"])
                return
        if level in ("ERROR", "CRITICAL"):
            self.errors.append(line.rstrip())

    @property
    def total(self):
        return sum(len(tests) for tests in self.started.values())

    @property
    def failed_count(self):
        return sum(len(tests) for tests in self.failed.values())

    @property
    def skipped_count(self):
        return sum(len(tests) for tests in self.skipped.values())


def drop_database(odoo_bin, db_name):
    python = odoo_python(odoo_bin)
    code = (
        "import sys, odoo\n"
        "from odoo.tools import config\n"
        "config.parse_config(sys.argv[2:])\n"
        "odoo.service.db.exp_drop(sys.argv[1])\n"
    )
    subprocess.run(
        [python, "-c", code, db_name, *db_options()],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


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


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    odoo_bin = find_odoo()
    modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    db_name = args.db_name or "cb_test_%s_%s" % (time.strftime("%Y%m%d%H%M%S"), os.getpid())
    command = odoo_command(odoo_bin, db_name, modules, args.test_tags)
    print("Odoo:", odoo_bin, flush=True)
    print("Database:", db_name, flush=True)
    print("Modules:", ", ".join(modules), flush=True)
    report = LogReport()
    log_file = open(args.log_file, "w", encoding="utf-8") if args.log_file else None
    started_at = time.time()
    try:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        echo_traceback = False
        for line in process.stdout:
            report.feed(line)
            if log_file:
                log_file.write(line)
            is_log_line = bool(LOG_LINE.match(line))
            if is_log_line:
                echo_traceback = " ERROR " in line or " CRITICAL " in line
            if echo_traceback or os.environ.get("RUN_TESTS_VERBOSE"):
                sys.stdout.write(line)
        returncode = process.wait()
    finally:
        if log_file:
            log_file.close()
        if not args.keep_db:
            drop_database(odoo_bin, db_name)
    return summarise(report, returncode, modules, time.time() - started_at)


def summarise(report, returncode, modules, seconds):
    print()
    print("Summary (%.0f s)" % seconds)
    for module in sorted(set(modules) | set(report.started)):
        ran = len(report.started.get(module, ()))
        failed = len(report.failed.get(module, ()))
        skipped = len(report.skipped.get(module, ()))
        print(f"  {module}: {ran} tests, {failed} failed, {skipped} skipped")
    problems = []
    if report.total == 0:
        problems.append("no test ran")
    stray_errors = list(report.errors)
    if stray_errors:
        problems.append("%d ERROR/CRITICAL log line(s)" % len(stray_errors))
        for line in stray_errors[:20]:
            print("  ", line[:500])
    if returncode:
        problems.append("odoo exited with status %s" % returncode)
    failed = report.failed_count
    if problems and failed == 0:
        failed = 1
    passed = max(report.total - report.failed_count - report.skipped_count, 0)
    for problem in problems:
        print("FAILED:", problem)
    print(f"{report.skipped_count} skipped")
    print(f"{passed} passed, {failed} failed")
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())
