"""How long the ledger's reports take over a big school's books, and how fast entries are posted.

    .venv/bin/python benchmarks/ledger.py [--lines 1000000] [--runs 5] [--post 2000] [--no-explain]

In a database of its own (created here, dropped at the end; the embedded PostgreSQL is started when it is
not running, or DATABASE_URL's server is used) it migrates, provisions one school (its chart of accounts
seeded by migration 0003), adds 1,000 students and 40 suppliers, then generates three calendar years of
books in SQL (multi-row INSERT ... SELECT over generate_series, a few seconds a 100,000 lines):

- fee invoices: Dr 1200 Fee receivables (with the student) / Cr 4110-4150 (2-5 lines);
- collections: Dr a bank or wallet (1121, 1122, 1131, 1132, 1110) and sometimes Dr 5280 charges /
  Cr 1200 (with the student) (2-3 lines);
- payroll: Dr 5110 Salaries / Cr 2300 net, 2410 PAYE, 2420 NSSF, 2430 SDL, 2450 HESLB (6 lines), and the
  salary and statutory payments Dr 2300 / Cr 1121 (2 lines);
- expenses: Dr 5210-5290 categories / Cr 2100 (with the supplier) or a bank or cash (2-4 lines), and
  supplier payments Dr 2100 / Cr 1121.

Until about `--lines` journal lines are written (1,000,000 by default: ~310,000 entries). While loading,
`session_replication_role = replica` (this benchmark's own database only) skips the per-row balance and
foreign-key triggers; afterwards SQL checks that every entry has two or more lines whose debits equal its
credits, and that every line's account, entry and date agree. Then VACUUM ANALYZE (what autovacuum would
have done to three years of books: the visibility map lets the covering indexes be read alone).

Measured, warm, the median of `--runs` runs (after one warm-up) through apps.ledger.reports:
`trial_balance(date_to=...)` over everything, `income_statement(date_from, date_to, compare=True)` for the
last year against the one before, `balance_sheet(at=...)` at the end; first with every month open (all
the lines summed), then after closing every month but the last two through `period_close` (closed
months read from their PeriodBalance rows). Goal: each report under 500 ms, both ways.
Each report's SQL statements are captured and EXPLAIN (ANALYZE, BUFFERS)'d: node types, indexes, time.
Then posting throughput: `--post` entries (3 lines each) through apps.ledger.services.entry_post, one
transaction each (the triggers on): entries per second.

Exits 1 when a report misses its goal, 2 when apps.ledger.reports is missing or fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._support import Bench, describe, machine  # noqa: E402

DATABASE = "omnicore_bench_ledger"
GOAL_MS = 500.0
YEARS = 3
STUDENTS = 1000
SUPPLIERS = 40

# what a generated entry looks like, by kind: (share of entries in per mille, source, memo, the one account on
# its own side, that side ('D' or 'C'), the accounts of the other side (line j uses the j-th), fewest and most
# lines, which dimension the entry carries)
KINDS = [
    # kind, per mille, source, memo, single account, its side, other side's accounts, min lines, max lines, dim
    (0, 430, "invoice", "Fee invoice", "1200", "D", ["4110", "4120", "4130", "4140"], 2, 5, "student"),
    (1, 420, "payment", "Fee payment", "1200", "C", ["@bank", "5280"], 2, 3, "student"),
    (2, 10, "payroll", "Payroll", "5110", "D", ["2300", "2410", "2420", "2430", "2450"], 6, 6, "staff"),
    (3, 10, "payment", "Salaries and statutory payments", "1121", "C", ["2300"], 2, 2, ""),
    (4, 100, "expense", "Expense", "@payer", "C", ["@category", "5260", "5290"], 2, 4, "supplier"),
    (5, 30, "payment", "Supplier payment", "1121", "C", ["2100"], 2, 2, "supplier"),
]
BANKS = ["1121", "1122", "1131", "1132", "1110"]
PAYERS = ["2100", "2100", "1121", "1110"]
CATEGORIES = ["5210", "5220", "5230", "5240", "5250", "5270"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--post", type=int, default=2000, help="entries posted through entry_post")
    parser.add_argument("--no-explain", action="store_true", help="leave out the EXPLAIN summaries")
    args = parser.parse_args()
    bench = Bench(DATABASE)
    try:
        bench.prepare()
        return run(lines=args.lines, runs=args.runs, posts=args.post, explain=not args.no_explain)
    finally:
        bench.finish()


# --- the school and its books -------------------------------------------------------------------------------

def _school():
    from django.db import connection

    from apps.platform.services import plans_ensure_defaults, school_provision

    connection.set_schema_to_public()
    plans_ensure_defaults()
    school = school_provision(slug="bench-ledger", name="Ledger Benchmark Secondary School",
                              admin_email="admin@bench-ledger.test", admin_password="bench-admin-password-2024")
    school.limit_students = STUDENTS
    school.save(update_fields=["limit_students"])
    return school


def _people():
    """Students and suppliers to hang lines on, and the school admin who posts."""
    from django.contrib.auth import get_user_model

    from apps.academics.models import Student
    from apps.ledger.models import Supplier

    Student.objects.bulk_create([
        Student(admission_number=f"B{n:05d}", first_name=f"Student{n}", last_name="Benchmark",
                sex="F" if n % 2 else "M", status=Student.Status.GRADUATED)  # no stream needed
        for n in range(1, STUDENTS + 1)], batch_size=1000)
    Supplier.objects.bulk_create([Supplier(name=f"Supplier {n} Ltd") for n in range(1, SUPPLIERS + 1)])
    return get_user_model().objects.get(email="admin@bench-ledger.test")


def _generate(*, lines: int, first: datetime.date, last: datetime.date, admin_id: int) -> dict:
    """Write the generated, balanced books in SQL; returns counts and timings."""
    from django.db import connection

    timings = {}
    kinds_values = ", ".join(
        f"({kind}, {share}, '{source}', '{memo}', '{single}', '{side}', ARRAY[{', '.join(repr(a) for a in others)}], "
        f"{low}, {high}, '{dim}')"
        for kind, share, source, memo, single, side, others, low, high, dim in KINDS)
    days = (last - first).days + 1
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SET session_replication_role = replica")  # this benchmark's database only
        cursor.execute("SELECT setseed(0.2026)")
        # the months of the books (every one of them open; status plays no part in the reports)
        cursor.execute("""
            INSERT INTO ledger_period (starts_on, ends_on, status)
            SELECT m::date, (m + interval '1 month - 1 day')::date, 'open'
            FROM generate_series(%s::date, %s::date, interval '1 month') AS m
            ON CONFLICT (starts_on) DO NOTHING""", [first, last.replace(day=1)])
        cursor.execute(f"""
            CREATE TEMP TABLE bench_kind (kind int, share int, source text, memo text, single text, side text,
                                          others text[], low int, high int, dim text);
            INSERT INTO bench_kind VALUES {kinds_values};
            -- the cumulative shares: a random number in [0, 1000) picks a kind
            CREATE TEMP TABLE bench_pick AS
            SELECT kind, SUM(share) OVER (ORDER BY kind) - share AS low_mille,
                   SUM(share) OVER (ORDER BY kind) AS high_mille FROM bench_kind;
            CREATE TEMP TABLE bench_account AS SELECT code, id FROM ledger_account;
            CREATE UNIQUE INDEX ON bench_account (code);
        """)
        # entry specs: kind, date, number of lines, base amount, picks; enough to pass `lines`, by date
        candidates = lines // 2 + 10000
        cursor.execute("""
            CREATE TEMP TABLE bench_spec AS
            WITH raw AS (
                SELECT n, floor(random() * 1000)::int AS mille, random() AS r_lines, random() AS r_day,
                       random() AS r_amount, floor(random() * 1000000)::int AS pick
                FROM generate_series(1, %s) AS n
            ), typed AS (
                SELECT raw.*, k.kind, k.low, k.high, k.side, k.single, k.others, k.dim, k.source, k.memo,
                       k.low + floor(raw.r_lines * raw.r_lines * (k.high - k.low + 1))::int AS nlines
                FROM raw JOIN bench_pick p ON raw.mille >= p.low_mille AND raw.mille < p.high_mille
                JOIN bench_kind k ON k.kind = p.kind
            ), counted AS (
                SELECT typed.*, SUM(nlines) OVER (ORDER BY n) AS running FROM typed
            )
            SELECT row_number() OVER (ORDER BY %s::date + floor(r_day * %s)::int, n) AS seq,
                   %s::date + floor(r_day * %s)::int AS date, kind, nlines, side, single, others, dim, source,
                   memo, pick,
                   -- base amount in shillings: fees and payroll in tens of thousands, expenses smaller
                   (CASE kind WHEN 2 THEN 400000 WHEN 0 THEN 50000 WHEN 1 THEN 60000 ELSE 20000 END
                    * (0.2 + r_amount * 1.8))::numeric(14, 0) AS base
            FROM counted WHERE running - nlines < %s
        """, [candidates, first, days, first, days, lines])
        cursor.execute("SELECT COUNT(*), COALESCE(SUM(nlines), 0) FROM bench_spec")
        entry_count, line_count = cursor.fetchone()
        if line_count < lines:
            raise RuntimeError(f"only {line_count} lines specified; raise the candidates")
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM ledger_journalentry")
        offset = cursor.fetchone()[0]
        timings["spec"] = time.perf_counter() - started

        started = time.perf_counter()
        cursor.execute("""
            INSERT INTO ledger_journalentry (id, date, memo, source, source_type, source_id, reverses_id, period_id,
                                             posted_by_id, posted_at)
            SELECT %s + s.seq, s.date, s.memo || ' ' || s.seq, s.source, '', NULL, NULL, p.id, %s,
                   s.date + time '10:00'
            FROM bench_spec s JOIN ledger_period p ON p.starts_on = date_trunc('month', s.date)::date
            ORDER BY s.seq
        """, [offset, admin_id])
        cursor.execute("SELECT setval(pg_get_serial_sequence('ledger_journalentry', 'id'), "
                       "(SELECT MAX(id) FROM ledger_journalentry))")
        timings["entries"] = time.perf_counter() - started

        started = time.perf_counter()
        # line j (1..nlines-1) on the "others" side carries base * j; the single line carries their sum
        cursor.execute("""
            CREATE TEMP TABLE bench_student AS
                SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM academics_student;
            CREATE TEMP TABLE bench_supplier AS
                SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM ledger_supplier;
            CREATE UNIQUE INDEX ON bench_student (i);
            CREATE UNIQUE INDEX ON bench_supplier (i);
        """)
        cursor.execute("SELECT COUNT(*) FROM bench_student")
        students = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM bench_supplier")
        suppliers = cursor.fetchone()[0]
        cursor.execute("""
            INSERT INTO ledger_journalline (entry_id, account_id, date, debit, credit, description, student_id,
                                            staff_id, supplier_id)
            SELECT %(offset)s + s.seq, a.id, s.date,
                   CASE WHEN l.debit_side THEN l.value ELSE 0 END,
                   CASE WHEN l.debit_side THEN 0 ELSE l.value END,
                   '',
                   CASE WHEN s.dim = 'student' AND l.code IN ('1200') THEN st.id END,
                   CASE WHEN s.dim = 'staff' AND l.j > 0 THEN %(staff)s END,
                   CASE WHEN s.dim = 'supplier' AND l.code = '2100' THEN su.id END
            FROM bench_spec s
            LEFT JOIN bench_student st ON st.i = s.pick %% %(students)s
            LEFT JOIN bench_supplier su ON su.i = s.pick %% %(suppliers)s
            CROSS JOIN LATERAL (
                SELECT 0 AS j, s.single AS raw_code, s.side = 'D' AS debit_side,
                       s.base * (s.nlines - 1) * s.nlines / 2 AS value
                UNION ALL
                SELECT j, s.others[1 + (j - 1) %% array_length(s.others, 1)], s.side <> 'D', s.base * j
                FROM generate_series(1, s.nlines - 1) AS j
            ) AS l0
            CROSS JOIN LATERAL (
                SELECT l0.j, l0.debit_side, l0.value,
                       CASE l0.raw_code
                           WHEN '@bank' THEN (%(banks)s::text[])[1 + s.pick %% %(nbanks)s]
                           WHEN '@payer' THEN (%(payers)s::text[])[1 + s.pick %% %(npayers)s]
                           WHEN '@category' THEN (%(categories)s::text[])[1 + (s.pick / 7) %% %(ncategories)s]
                           ELSE l0.raw_code END AS code
            ) AS l
            JOIN bench_account a ON a.code = l.code
            ORDER BY s.seq, l.j
        """, {"offset": offset, "staff": admin_id, "students": students, "suppliers": suppliers,
              "banks": BANKS, "nbanks": len(BANKS), "payers": PAYERS, "npayers": len(PAYERS),
              "categories": CATEGORIES, "ncategories": len(CATEGORIES)})
        written = cursor.rowcount
        timings["lines"] = time.perf_counter() - started
        cursor.execute("SET session_replication_role = origin")
        for table in ("bench_kind", "bench_pick", "bench_account", "bench_spec", "bench_student", "bench_supplier"):
            cursor.execute(f"DROP TABLE {table}")
    return {"entries": entry_count, "lines": written, "specified_lines": line_count, "timings": timings}


def _verify() -> dict:
    """What the skipped triggers would have checked, in SQL: every entry balanced with two or more lines,
    and every line pointing at an existing entry (with its date), account and period month."""
    from django.db import connection

    checks = {
        "unbalanced entries": """
            SELECT COUNT(*) FROM ledger_journalentry e LEFT JOIN (
                SELECT entry_id, SUM(debit) AS d, SUM(credit) AS c, COUNT(*) AS n FROM ledger_journalline
                GROUP BY entry_id) l ON l.entry_id = e.id
            WHERE l.entry_id IS NULL OR l.n < 2 OR l.d <> l.c OR l.d = 0""",
        "lines without their entry or with another date": """
            SELECT COUNT(*) FROM ledger_journalline l LEFT JOIN ledger_journalentry e ON e.id = l.entry_id
            WHERE e.id IS NULL OR e.date <> l.date""",
        "lines on a missing or group account": """
            SELECT COUNT(*) FROM ledger_journalline l LEFT JOIN ledger_account a ON a.id = l.account_id
            WHERE a.id IS NULL OR a.is_group""",
        "lines on both or neither side": """
            SELECT COUNT(*) FROM ledger_journalline WHERE NOT ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0))""",
        "entries outside their period": """
            SELECT COUNT(*) FROM ledger_journalentry e JOIN ledger_period p ON p.id = e.period_id
            WHERE e.date NOT BETWEEN p.starts_on AND p.ends_on""",
    }
    results = {}
    with connection.cursor() as cursor:
        for label, sql in checks.items():
            cursor.execute(sql)
            results[label] = cursor.fetchone()[0]
        cursor.execute("SELECT SUM(debit), SUM(credit) FROM ledger_journalline")
        results["total debits"], results["total credits"] = cursor.fetchone()
    return results


def _vacuum_analyze() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("ledger_journalentry", "ledger_journalline", "ledger_period", "ledger_account"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


# --- the reports -------------------------------------------------------------------------------------------

def _reports(*, first: datetime.date, last: datetime.date):
    """The three reports as (label, callable); raises ImportError when apps.ledger.reports is not there."""
    from apps.ledger import reports

    last_year_start = last.replace(month=1, day=1)
    return [
        (f"trial balance to {last}", lambda: reports.trial_balance(date_to=last)),
        (f"income statement {last_year_start}..{last} (with comparison)",
         lambda: reports.income_statement(date_from=last_year_start, date_to=last, compare=True)),
        (f"balance sheet at {last}", lambda: reports.balance_sheet(at=last)),
    ]


def _consume(result):
    """Reports may return lazy things (querysets, generators): make sure the work is done."""
    if hasattr(result, "__iter__") and not isinstance(result, (str, bytes, dict)):
        return list(result)
    if isinstance(result, dict):
        for value in result.values():
            if hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict, list, tuple)):
                list(value)
    return result


def _measure(report, runs: int) -> tuple[list[float], list[tuple[str, object]]]:
    """Warm-up once (capturing the statements), then `runs` timed runs."""
    from django.db import connection

    statements: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        _consume(report())
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        _consume(report())
        times.append(time.perf_counter() - started)
    return times, statements


def _plan_nodes(node, into: list[str]) -> None:
    label = node["Node Type"]
    if node.get("Strategy") and node["Strategy"] != "Plain":
        label = f"{node.get('Partial Mode', '')} {node['Strategy']} {label}".replace("Simple ", "").strip()
    if node.get("Workers Launched"):
        label += f" ({node['Workers Launched']} workers)"
    if node.get("Index Name"):
        label += f" using {node['Index Name']}"
    elif node.get("Relation Name"):
        label += f" on {node['Relation Name']}"
    extra = []
    if "Actual Rows" in node:
        extra.append(f"rows {int(node['Actual Rows'] * node.get('Actual Loops', 1))}")
    if node.get("Heap Fetches"):
        extra.append(f"heap fetches {node['Heap Fetches']}")
    if "Actual Total Time" in node:
        extra.append(f"{node['Actual Total Time']:.1f} ms")
    into.append(f"{label} ({', '.join(extra)})" if extra else label)
    for child in node.get("Plans", []):
        _plan_nodes(child, into)


def _explain(statements) -> list[str]:
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for number, (sql, params) in enumerate(statements, start=1):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            raw = cursor.fetchone()[0]
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
            nodes: list[str] = []
            _plan_nodes(plan["Plan"], nodes)
            top = plan["Plan"]
            buffers = (f"shared hit {top.get('Shared Hit Blocks', 0)}, read {top.get('Shared Read Blocks', 0)}")
            out.append(f"    statement {number}: {plan.get('Execution Time', 0):.1f} ms execution, {buffers}; "
                       f"{' '.join(sql.split())[:160]}")
            out.extend(f"      {'  ' * 0}- {node}" for node in nodes)
    return out


# --- posting ---------------------------------------------------------------------------------------------

def _posting(*, count: int, admin, day: datetime.date) -> tuple[float, int]:
    from apps.academics.models import Student
    from apps.ledger.models import Account, JournalEntry
    from apps.ledger.services import Line, entry_post

    accounts = {a.code: a for a in Account.objects.filter(code__in=["1131", "1200", "5280"])}
    students = list(Student.objects.order_by("pk")[:100])
    before = JournalEntry.objects.count()
    started = time.perf_counter()
    for n in range(count):
        value = Decimal(10000 + n)
        entry_post(date=day, memo=f"Benchmark payment {n}", actor=admin, source=JournalEntry.Source.PAYMENT,
                   lines=[Line(account=accounts["1131"], debit=value - Decimal("500")),
                          Line(account=accounts["5280"], debit=Decimal("500")),
                          Line(account=accounts["1200"], credit=value, student=students[n % len(students)])])
    elapsed = time.perf_counter() - started
    return elapsed, JournalEntry.objects.count() - before


# --- the run -------------------------------------------------------------------------------------------------

def _measure_all(reports, *, runs: int, explain: bool, summary: list, tag: str) -> int:
    """Time each report; 0 when all meet the goal, 1 when one misses it, 2 when one fails."""
    code = 0
    for label, report in reports:
        try:
            times, statements = _measure(report, runs)
        except Exception as error:  # noqa: BLE001  (say which report broke; the rest still run)
            print(f"{label}: FAILED {error.__class__.__name__}: {error}")
            summary.append(f"{label} ({tag}): FAILED")
            code = 2
            continue
        median_ms = statistics.median(times) * 1000
        met = median_ms < GOAL_MS
        if not met:
            code = code or 1
        print(f"{label}: {len(statements)} SELECT statements; {describe(times)} "
              f"(goal < {GOAL_MS:.0f} ms: {'met' if met else 'MISSED'})")
        summary.append(f"{label.split(' ')[0]} {label.split(' ')[1]} ({tag}) {median_ms:.0f} ms")
        if explain and statements:
            for line in _explain(statements):
                print(line)
    return code


def _month_before(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _close_months(*, admin, through: datetime.date) -> int:
    """Close every open month up to `through`'s through the service, as an accountant would month by
    month (each sums its month's lines into PeriodBalance)."""
    from apps.ledger.models import Period
    from apps.ledger.services import period_close

    months = list(Period.objects.filter(status=Period.Status.OPEN, starts_on__lte=through).order_by("starts_on"))
    for period in months:
        period_close(period=period, actor=admin)
    return len(months)


def run(*, lines: int, runs: int, posts: int, explain: bool) -> int:
    from django.db import connection
    from django_tenants.utils import schema_context

    print(f"ledger: {machine()}")
    started = time.perf_counter()
    Bench.migrate_public_and_template()
    print(f"migrated the public and template schemas in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    school = _school()
    print(f"school provisioned in {time.perf_counter() - started:.1f} s")
    today = datetime.date.today()
    first, last = datetime.date(today.year - YEARS, 1, 1), datetime.date(today.year - 1, 12, 31)
    summary: list[str] = []
    code = 0
    with schema_context(school.schema_name):
        admin = _people()
        started = time.perf_counter()
        generated = _generate(lines=lines, first=first, last=last, admin_id=admin.pk)
        load_time = time.perf_counter() - started
        print(f"generated {generated['entries']:,} entries and {generated['lines']:,} lines over {first}..{last} "
              f"in {load_time:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in generated['timings'].items())})")
        started = time.perf_counter()
        checks = _verify()
        print(f"verified in {time.perf_counter() - started:.1f} s: "
              + "; ".join(f"{label}: {value}" for label, value in checks.items()))
        problems = [label for label, value in checks.items() if not label.startswith("total") and value]
        if problems or checks["total debits"] != checks["total credits"]:
            print(f"GENERATED BOOKS ARE WRONG: {problems}")
            return 3
        print(f"VACUUM ANALYZE in {_vacuum_analyze():.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('ledger_journalline')), "
                           "pg_size_pretty(pg_indexes_size('ledger_journalline'))")
            size, index_size = cursor.fetchone()
        print(f"ledger_journalline: {size} with indexes ({index_size} of indexes)")

        try:
            reports = _reports(first=first, last=last)
        except ImportError as error:
            reports = []
            code = 2
            print(f"apps.ledger.reports is not there ({error}): the reports are not measured")
            summary.append("reports NOT MEASURED (apps.ledger.reports missing)")
        print("\nevery month open (the reports sum all the lines):")
        code = _measure_all(reports, runs=runs, explain=explain, summary=summary, tag="open") or code
        started = time.perf_counter()
        closed = _close_months(admin=admin, through=_month_before(last, 2))
        print(f"\nclosed {closed} months through {_month_before(last, 2):%B %Y} with period_close (their balances "
              f"summed) in {time.perf_counter() - started:.1f} s; the last two months open:")
        code = _measure_all(reports, runs=runs, explain=explain, summary=summary, tag="closed") or code

        if posts:
            day = last  # an open month at the end of the generated books
            elapsed, posted = _posting(count=posts, admin=admin, day=day)
            rate = posted / elapsed if elapsed else 0.0
            print(f"posting: {posted} entries (3 lines each) through entry_post, one transaction each, in "
                  f"{elapsed:.1f} s: {rate:.0f} entries/s ({elapsed / max(posted, 1) * 1000:.2f} ms each)")
            summary.append(f"posting {rate:.0f} entries/s")
    connection.set_schema_to_public()
    print(f"SUMMARY ledger: {generated['lines']:,} lines / {generated['entries']:,} entries over {YEARS} years; "
          f"median of {runs} warm runs: {'; '.join(summary)} (goal < {GOAL_MS:.0f} ms each) - "
          f"{'met' if code == 0 else 'MISSED' if code == 1 else 'INCOMPLETE'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
