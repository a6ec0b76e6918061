"""How long matching a big bank statement takes: set-based (apps.finance.services_reconciliation.
statement_reconcile) against a naive loop of ORM queries per line.

    .venv/bin/python benchmarks/reconciliation.py [--invoices 20000] [--lines 100000] [--naive 2000]

In a database of its own (created here, dropped at the end) it migrates, provisions one school, and writes
in bulk `--invoices` open invoices (one per student, two instalments each, control numbers made from their
ids as invoice_issue makes them), a guardian with a phone for every tenth student, 5% of the statement's
lines as provider events already recorded, and one statement of `--lines` lines:

    30%  a control number alone or after "FEES"               -> recorded (control_number, 100)
    15%  a control number with spaces, dashes or O for 0,
         inside a narrative ("SCHOOL FEES 0001 0000 O427 JOHN") -> recorded (narrative, 90)
     5%  a control number with one digit wrong                 -> suggested (fuzzy_reference, 70)
     5%  no reference, a guardian's phone and the instalment  -> suggested (phone_amount, 60)
     5%  the bank's copy of a provider event (its id)          -> already recorded, no second payment
    40%  noise: transfers, interest, numbers that are nothing  -> unmatched

Measured in the same process:
- statement_reconcile over all lines (one worker): the matching (read every line, one query per rule,
  repeats of events) and the writing (sure matches recorded a thousand at a time by payments_record_many,
  suggestions in bulk) separately;
- NAIVE: the same decisions made per line with ORM queries (a query per number found, per near miss, per
  phone, per bank reference), on the first `--naive` lines of a copy of the statement, EXTRAPOLATED to all
  lines. It only matches (writes nothing): it is compared with the set-based matching phase.

Goal: statement_reconcile under 20 s. Exits 1 when missed.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._support import Bench, machine  # noqa: E402

DATABASE = "omnicore_bench_reconciliation"
GOAL_S = 20.0
MIX = [("exact", 30), ("narrative", 15), ("fuzzy", 5), ("phone", 5), ("repeat", 5), ("noise", 40)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2000, help="lines the naive loop matches (extrapolated)")
    args = parser.parse_args()
    bench = Bench(DATABASE)
    try:
        bench.prepare()
        return run(invoices=args.invoices, lines=args.lines, naive=args.naive)
    finally:
        bench.finish()


def _school():
    from django.db import connection

    from apps.platform.services import plans_ensure_defaults, school_provision

    connection.set_schema_to_public()
    plans_ensure_defaults()
    school = school_provision(slug="bench-recon", name="Reconciliation Benchmark School",
                              admin_email="admin@bench-recon.test", admin_password="bench-admin-password-2024")
    school.limit_students = 1_000_000
    school.save(update_fields=["limit_students"])
    return school


def _slip(number: str, rng: random.Random) -> str:
    """How a payer types a control number in a narrative: spaced, dashed, an O for a 0."""
    style = rng.randrange(3)
    if style == 0:
        text = f"{number[:4]} {number[4:8]} {number[8:]}"
    elif style == 1:
        text = f"{number[:4]}-{number[4:]}"
    else:
        text = number
    return text.replace("0", "O", 1) if rng.random() < 0.6 else text


def _wrong_digit(number: str, rng: random.Random) -> str:
    i = rng.randrange(5, 11)
    return number[:i] + str((int(number[i]) + rng.randrange(1, 10)) % 10) + number[i + 1:]


def _generate(*, invoices: int, lines: int, admin) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.academics.models import AcademicYear, Guardian, SchoolClass, Stream, Student, StudentGuardian, Term
    from apps.finance.control_numbers import control_number_for, invoice_ids_next
    from apps.finance.models import Invoice, InvoiceInstallment, PaymentEvent, Statement, StatementLine
    from apps.finance.services_payments import account_for_channel

    rng = random.Random(6)
    today = timezone.localdate()
    day0 = today - datetime.timedelta(days=60)
    year = AcademicYear.objects.create(name=f"Bench {today.year}", starts_on=day0 - datetime.timedelta(days=30),
                                       ends_on=today + datetime.timedelta(days=200), is_current=True)
    term = Term.objects.create(year=year, number=1, name="Term 1", starts_on=day0 - datetime.timedelta(days=30),
                               ends_on=today + datetime.timedelta(days=60), is_current=True)
    school_class = SchoolClass.objects.create(name="Bench Form", level=99)
    stream = Stream.objects.create(school_class=school_class, name="A")
    students = Student.objects.bulk_create([
        Student(admission_number=f"R{n:06d}", first_name=f"Pupil{n}", last_name="Bench", sex="F" if n % 2 else "M",
                date_of_birth=datetime.date(2012, 1, 1), admitted_on=day0, stream=stream)
        for n in range(invoices)], batch_size=5000)
    users = get_user_model().objects.bulk_create([
        get_user_model()(username=f"parent{n}", email=f"parent{n}@bench.test", role="parent")
        for n in range(0, invoices, 10)], batch_size=5000)
    guardians = Guardian.objects.bulk_create([Guardian(user=u, phone=f"+2557{n:08d}") for n, u in enumerate(users)],
                                             batch_size=5000)
    StudentGuardian.objects.bulk_create([StudentGuardian(student=students[n * 10], guardian=g, is_primary=True)
                                         for n, g in enumerate(guardians)], batch_size=5000)
    ids = invoice_ids_next(invoices)
    totals = [Decimal(rng.choice([300000, 450000, 550000, 720000])) for _ in range(invoices)]
    rows = Invoice.objects.bulk_create([
        Invoice(pk=pk, student=s, term=term, control_number=control_number_for(pk), issued_on=day0,
                due_on=day0 + datetime.timedelta(days=30), total=total, created_by=admin)
        for pk, s, total in zip(ids, students, totals)], batch_size=5000)
    InvoiceInstallment.objects.bulk_create([
        InvoiceInstallment(invoice=inv, number=k + 1, due_on=day0 + datetime.timedelta(days=30 * (k + 1)),
                           amount=inv.total / 2) for inv in rows for k in range(2)], batch_size=10000)
    phone_of = {n * 10: g.phone for n, g in enumerate(guardians)}

    account = account_for_channel("crdb")
    statement = Statement.objects.create(account=account, file="statements/bench.csv", filename="bench.csv",
                                         format="csv", status=Statement.Status.IMPORTED, uploaded_by=admin,
                                         period_start=day0, period_end=today)
    kinds = [k for k, share in MIX for _ in range(share)]
    events, made = [], []
    for n in range(lines):
        kind = kinds[n % 100]
        i = rng.randrange(invoices)
        inv = rows[i]
        date = day0 + datetime.timedelta(days=rng.randrange(60))
        amount = Decimal(rng.choice([50000, 100000, 137500, 150000]))
        narrative, ref, phone = "", f"FT{n:09d}", ""
        if kind == "exact":
            narrative = inv.control_number if rng.random() < 0.5 else f"FEES {inv.control_number}"
        elif kind == "narrative":
            narrative = f"SCHOOL FEES {_slip(inv.control_number, rng)} {inv.student.first_name.upper()}"
        elif kind == "fuzzy":
            narrative = f"fees ctrl {_wrong_digit(inv.control_number, rng)}"
        elif kind == "phone":
            i = rng.randrange(0, invoices, 10)
            inv, phone = rows[i], phone_of[i]
            amount = inv.total / 2
            narrative = "MPESA DEPOSIT"
        elif kind == "repeat":
            txn = f"QX{n:08d}"
            events.append(PaymentEvent(provider="crdb", transaction_id=txn, amount=amount, reference=inv.control_number,
                                       paid_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(10))),
                                       account=account, status=PaymentEvent.Status.MATCHED))
            narrative, ref = f"CRDB PAY {txn}", txn
        else:
            narrative = rng.choice(["TRANSFER FROM NMB", "INTEREST", "CASH DEPOSIT BRANCH 0421",
                                    f"REF {rng.randrange(10**15, 10**16)}", "SALARY REFUND", f"CHQ {rng.randrange(10**6)}"])
        made.append(StatementLine(statement=statement, account=account, line_number=n + 1, date=date, amount=amount,
                                  narrative=narrative, bank_reference=ref, payer_phone=phone, dedupe_key=f"ref:{ref}"))
    PaymentEvent.objects.bulk_create(events, batch_size=5000)
    StatementLine.objects.bulk_create(made, batch_size=5000)
    return {"statement": statement, "events": len(events)}


def _naive_match(lines) -> dict:
    """Per line, what a first version would do: a query for each thing it wants to know."""
    from apps.academics.models import StudentGuardian
    from apps.finance import matching
    from apps.finance.control_numbers import school_number
    from apps.finance.models import Invoice, InvoiceInstallment, PaymentEvent

    school = f"{school_number():04d}"
    counts = {"sure": 0, "suggest": 0, "repeat": 0, "none": 0}
    for line in lines:
        if line.bank_reference and PaymentEvent.objects.filter(account_id=line.account_id,
                                                               transaction_id=line.bank_reference).exists():
            counts["repeat"] += 1
            continue
        found = []
        for number in matching.references_in(line.narrative):
            if matching.is_valid(number):
                invoice = Invoice.objects.filter(control_number=number).first()
                if invoice is not None:
                    found.append((invoice, 90))
            else:
                for fixed in matching.near_misses(number, school):
                    invoice = Invoice.objects.filter(control_number=fixed).first()
                    if invoice is not None:
                        found.append((invoice, 70))
        if not found and line.payer_phone:
            for link in StudentGuardian.objects.filter(guardian__phone=matching.phone_e164(line.payer_phone)):
                for invoice in Invoice.objects.filter(student_id=link.student_id, status__in=["issued", "partly_paid"]):
                    part = InvoiceInstallment.objects.filter(invoice=invoice).order_by("due_on").first()
                    if line.amount in (invoice.balance, part.amount - part.paid if part else None):
                        found.append((invoice, 60))
        if len(found) == 1 and found[0][1] >= 90:
            counts["sure"] += 1
        elif found:
            counts["suggest"] += 1
        else:
            counts["none"] += 1
    return counts


def run(*, invoices: int, lines: int, naive: int) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    print(f"reconciliation: {machine()}")
    started = time.perf_counter()
    Bench.migrate_public_and_template()
    school = _school()
    print(f"migrated and provisioned in {time.perf_counter() - started:.1f} s")
    with schema_context(school.schema_name):
        connection.tenant = school
        admin = get_user_model().objects.get(email="admin@bench-recon.test")
        started = time.perf_counter()
        data = _generate(invoices=invoices, lines=lines, admin=admin)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"generated {invoices:,} invoices, {data['events']:,} recorded events and a {lines:,}-line statement "
              f"in {time.perf_counter() - started:.1f} s")

        from apps.finance.models import StatementLine
        from apps.finance.services_reconciliation import statement_reconcile

        sample = list(StatementLine.objects.filter(statement=data["statement"]).order_by("line_number")[:naive])
        started = time.perf_counter()
        counts = _naive_match(sample)
        naive_s = time.perf_counter() - started
        naive_all = naive_s * lines / max(len(sample), 1)
        print(f"NAIVE per-line ORM matching (no writing): {len(sample):,} lines in {naive_s:.2f} s "
              f"({naive_s / max(len(sample), 1) * 1000:.2f} ms a line) -> EXTRAPOLATED to {lines:,} lines: "
              f"{naive_all:.1f} s; decisions {counts}")

        started = time.perf_counter()
        summary = statement_reconcile(statement=data["statement"], actor=admin)
        total_s = time.perf_counter() - started
        print(f"statement_reconcile over {summary['lines']:,} lines: {total_s:.1f} s "
              f"(matching {summary['seconds_matching']:.1f} s, writing {summary['seconds_writing']:.1f} s: "
              f"{summary['payments']:,} payments recorded in batches, "
              f"{summary['seconds_writing'] / max(summary['payments'], 1) * 1000:.1f} ms each, "
              f"{summary['suggested']:,} suggested in bulk, {summary['recorded']:,} already recorded, "
              f"{summary['unmatched']:,} unmatched, {summary['failed']:,} failed)")
        print(f"matching: set-based {summary['seconds_matching']:.1f} s vs naive {naive_all:.1f} s (extrapolated) = "
              f"{naive_all / max(summary['seconds_matching'], 0.001):.0f}x")
        ok = total_s < GOAL_S
        print(f"goal statement_reconcile < {GOAL_S:.0f} s: {'met' if ok else 'MISSED'} ({total_s:.1f} s)")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
