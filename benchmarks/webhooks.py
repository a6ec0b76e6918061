"""How fast payment providers' notifications are taken in, and how fast they become payments.

    .venv/bin/python benchmarks/webhooks.py [--events 2000] [--clients 4] [--concurrency 2] [--invoices 300]

In a database of its own (created here, dropped at the end; the embedded PostgreSQL and Redis are started when
they are not running) it migrates, provisions one school, switches every payment channel on with a signing
secret, and issues `--invoices` invoices. A real Celery worker (`--concurrency` processes) drains the
benchmark's queue on the embedded Redis.

`--events` notifications are POSTed to /api/v1/webhooks/<provider>/ on the school's host through Django's full
request stack (middleware, tenant, URL resolution, the DRF view), from `--clients` threads, cycling through
every provider's format (M-Pesa JSON, Airtel JSON, Mixx XML, NMB JSON, CRDB XML, NBC JSON batch, sandbox).
Half of them quote an invoice's control number (each pays 1,000: a Payment with its receipt number, its
allocation and its ledger entry), the other half references nobody has (an unmatched event), and one in
ten is a replay of an earlier notification (a duplicate: no second event).

Measured:
- accepted/s: signature verified + raw InboundEvent stored + task queued in Redis + provider's answer,
  with the worker draining at the same time;
- processed/s end to end: from the first POST until every notification is processed or marked duplicate;
- the check that every notification ended exactly once (events = distinct transactions, payments = matched).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._support import BASE_DIR, Bench, machine  # noqa: E402

DATABASE = "omnicore_bench_webhooks"
SECRET = "bench-signing-secret-0123456789"
PROVIDERS = ["mpesa", "airtel", "tigopesa", "nmb", "crdb", "nbc", "sandbox"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4, help="threads POSTing at once")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--invoices", type=int, default=300)
    args = parser.parse_args()
    bench = Bench(DATABASE)
    try:
        bench.prepare()
        bench.migrate_public_and_template()
        return run(events=args.events, clients=args.clients, concurrency=args.concurrency, invoices=args.invoices)
    finally:
        bench.finish()


def _school(invoices: int):
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.finance.models import PaymentChannel
    from apps.finance.services import invoice_issue
    from apps.platform.services import plans_ensure_defaults, school_provision
    from tests.finance.factories_invoices import fee_setup

    connection.set_schema_to_public()
    plans_ensure_defaults()
    school = school_provision(slug="bench-webhooks", name="Webhook Benchmark Secondary School",
                              admin_email="admin@bench-webhooks.test", admin_password="bench-admin-password-2024")
    school.limit_students = invoices + 100
    school.save(update_fields=["limit_students"])
    with schema_context(school.schema_name):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(email="admin@bench-webhooks.test")
        PaymentChannel.objects.update(is_enabled=True, secret=SECRET)
        setup = fee_setup(actor=admin, students=invoices)
        numbers = [invoice_issue(student=s, term=setup["term"], actor=admin, issued_on=timezone.localdate())
                   .control_number for s in setup["students"]]
    return school, numbers


def _worker(concurrency: int) -> subprocess.Popen:
    from django.conf import settings

    from config.celery import app

    app.control.purge()
    (BASE_DIR / "test-artifacts").mkdir(exist_ok=True)
    log = open(BASE_DIR / "test-artifacts" / "bench-webhooks-worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
         "--concurrency", str(concurrency), "--loglevel", "WARNING", "--hostname", "bench-webhooks@%h",
         "--without-gossip", "--without-mingle"], cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited early; see {log.name}")
        if any("bench-webhooks" in next(iter(reply)) for reply in app.control.ping(timeout=0.5)):
            return process
    raise RuntimeError("worker did not answer within 60 s")


def _notifications(events: int, numbers: list[str]) -> list[tuple[str, bytes]]:
    from tests.finance.webhook_samples import body_for

    rng = random.Random(2026)
    made: list[tuple[str, bytes]] = []
    for n in range(events):
        if made and n % 10 == 9:
            made.append(rng.choice(made))  # a replay
            continue
        provider = PROVIDERS[n % len(PROVIDERS)]
        reference = rng.choice(numbers) if n % 2 else f"NOBODY-{n}"
        phone = f"25575{rng.randrange(1000000, 9999999)}"
        made.append((provider, body_for(provider, txn=f"BENCH-{n:07d}", amount="1000", reference=reference,
                                        phone=phone)))
    return made


def run(*, events: int, clients: int, concurrency: int, invoices: int) -> int:
    from django.db import connections
    from django.db.models import Count
    from django.test import Client
    from django_tenants.utils import schema_context

    from apps.finance.models import InboundEvent, Payment, PaymentEvent
    from tests.finance.webhook_samples import signed_headers

    print(machine())
    started = time.perf_counter()
    school, numbers = _school(invoices)
    print(f"school with {invoices} invoices ready in {time.perf_counter() - started:.1f} s")
    notifications = _notifications(events, numbers)
    expected_transactions = len({body for _, body in notifications})
    worker = _worker(concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def post(share: list[tuple[str, bytes]]):
        client = Client(HTTP_HOST=school.primary_host)
        mine, codes = [], {}
        for provider, body in share:
            t0 = time.perf_counter()
            response = client.post(f"/api/v1/webhooks/{provider}/", body, **signed_headers(provider, body, SECRET))
            mine.append(time.perf_counter() - t0)
            codes[response.status_code] = codes.get(response.status_code, 0) + 1
        connections.close_all()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    try:
        threads = [threading.Thread(target=post, args=(notifications[i::clients],)) for i in range(clients)]
        first = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        accepted_seconds = time.perf_counter() - first
        with schema_context(school.schema_name):
            deadline = time.monotonic() + 600
            while InboundEvent.objects.filter(status__in=["received", "failed"]).exists():
                if time.monotonic() > deadline:
                    raise RuntimeError("the worker did not finish within 10 minutes")
                time.sleep(0.05)
            processed_seconds = time.perf_counter() - first
            by_status = dict(InboundEvent.objects.values_list("status").annotate(n=Count("id")))
            event_count = PaymentEvent.objects.count()
            matched = PaymentEvent.objects.filter(status="matched").count()
            payment_count = Payment.objects.filter(event__isnull=False).count()
    finally:
        worker.terminate()
        worker.wait(30)

    print(f"\n{events} notifications from {clients} clients, {len(PROVIDERS)} formats, worker concurrency "
          f"{concurrency}; answers {statuses}")
    print(f"accepted (verify + raw store + enqueue + answer): {events / accepted_seconds:8.1f} /s "
          f"in {accepted_seconds:.2f} s; per request median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p95 {sorted(latencies)[int(len(latencies) * 0.95)] * 1000:.1f} ms")
    print(f"processed end to end (to payment event and payment):  {events / processed_seconds:8.1f} /s "
          f"in {processed_seconds:.2f} s")
    print(f"notifications by status {by_status}; payment events {event_count} (distinct transactions "
          f"{expected_transactions}); matched {matched}; payments from events {payment_count}")
    ok = (statuses == {200: events} and event_count == expected_transactions and payment_count == matched
          and by_status.get("duplicate", 0) == events - expected_transactions)
    print("exactly once: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
