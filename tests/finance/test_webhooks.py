"""From a provider's notification to one payment: processing makes one PaymentEvent per provider
transaction and hands it to the reconciliation; a replay, a second run of the task or a concurrent second
delivery makes nothing more; a failure is written on the notification and retried; notifications left
waiting are queued again. Against a real worker too."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.finance import services_reconciliation, tasks_events
from apps.finance.models import InboundEvent, Invoice, Payment, PaymentChannel, PaymentEvent
from apps.finance.services import invoice_issue
from apps.finance.services_events import MAX_ATTEMPTS, inbound_event_process, inbound_events_stuck
from apps.platform.models import Tenant
from tests.conftest import SCHOOL_A
from tests.finance.factories_invoices import fee_setup
from tests.finance.webhook_samples import SECRET, body_for, signed_headers
from tests.support import celery_worker

URL = "/api/v1/webhooks/sandbox/"
Status = InboundEvent.Status


@pytest.fixture
def sandbox(school_a):
    with schema_context(school_a.schema_name):
        PaymentChannel.objects.filter(provider="sandbox").update(secret=SECRET)
    return school_a


@pytest.fixture
def invoice(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=1)
        return invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                             issued_on=timezone.localdate())


@pytest.fixture
def processed_inline(monkeypatch):
    """The task runs where it is queued (in the request's schema), as the worker would run it."""
    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay",
                        lambda inbound_id: inbound_event_process(inbound_id=inbound_id))


def _deliver(client, school, body):
    return client.post(URL, body, HTTP_HOST=school.primary_host, **signed_headers("sandbox", body))


def test_a_notification_becomes_one_payment_and_its_replay_nothing_more(
        client, sandbox, invoice, processed_inline, django_capture_on_commit_callbacks):
    body = body_for("sandbox", txn="SBX-1", amount=str(invoice.total), reference=invoice.control_number)

    with django_capture_on_commit_callbacks(execute=True):
        first = _deliver(client, sandbox, body)
    with django_capture_on_commit_callbacks(execute=True):
        replay = _deliver(client, sandbox, body)

    assert (first.status_code, replay.status_code) == (200, 200)  # the provider is told both arrived
    with schema_context(sandbox.schema_name):
        assert list(InboundEvent.objects.order_by("id").values_list("status", flat=True)) == [
            Status.PROCESSED, Status.DUPLICATE]
        event = PaymentEvent.objects.get()
        assert (event.provider, event.transaction_id, event.amount, event.account.code) == (
            "sandbox", "SBX-1", invoice.total, "1131")
        assert event.status == PaymentEvent.Status.MATCHED and event.payer_phone == "+255754123456"
        payment = Payment.objects.get()
        assert payment.event == event and payment.amount == invoice.total
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID


def test_running_the_task_again_changes_nothing(sandbox, invoice, client, django_capture_on_commit_callbacks,
                                                 monkeypatch):
    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay", lambda pk: None)
    body = body_for("sandbox", txn="SBX-2", amount="100000", reference=invoice.control_number)
    _deliver(client, sandbox, body)
    with schema_context(sandbox.schema_name):
        inbound = InboundEvent.objects.get()

        assert inbound_event_process(inbound_id=inbound.pk) == Status.PROCESSED
        assert inbound_event_process(inbound_id=inbound.pk) == Status.PROCESSED
        assert inbound_event_process(inbound_id=0) == "missing"

        inbound.refresh_from_db()
        assert inbound.attempts == 1 and inbound.processed_at is not None
        assert PaymentEvent.objects.count() == 1 and Payment.objects.count() == 1
        assert Payment.objects.get().amount == Decimal("100000.00")


def test_an_unmatched_payment_waits_as_an_event_without_a_payment(client, sandbox, processed_inline,
                                                                  django_capture_on_commit_callbacks):
    body = body_for("sandbox", txn="SBX-3", reference="nothing like a control number")
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, sandbox, body)

    with schema_context(sandbox.schema_name):
        assert PaymentEvent.objects.get().status == PaymentEvent.Status.UNMATCHED
        assert not Payment.objects.exists()


def test_a_batch_with_a_known_and_a_new_transaction_adds_only_the_new_one(in_school_a, monkeypatch):
    import json

    reconciled = []
    monkeypatch.setattr(services_reconciliation, "event_reconcile", lambda *, event: reconciled.append(event.pk))
    rows = [{"transactionId": t, "reference": "X", "amount": "1000", "payerPhone": "", "valueDate": "2026-11-21"}
            for t in ("FT1", "FT2")]
    first = InboundEvent.objects.create(provider="nbc", body=json.dumps({"payments": rows[:1]}), body_sha256="a")
    second = InboundEvent.objects.create(provider="nbc", body=json.dumps({"payments": rows}), body_sha256="b")

    assert inbound_event_process(inbound_id=first.pk) == Status.PROCESSED
    assert inbound_event_process(inbound_id=second.pk) == Status.PROCESSED
    assert sorted(PaymentEvent.objects.values_list("transaction_id", flat=True)) == ["FT1", "FT2"]
    assert PaymentEvent.objects.get(transaction_id="FT2").account.code == "1123"
    assert len(reconciled) == 2


def test_a_failure_is_written_on_the_notification_rolled_back_and_retried(in_school_a, monkeypatch):
    def broken(*, event):
        raise RuntimeError("matcher down")

    inbound = InboundEvent.objects.create(provider="sandbox", body=body_for("sandbox", txn="SBX-4").decode(),
                                          body_sha256="c")
    monkeypatch.setattr(services_reconciliation, "event_reconcile", broken)

    with pytest.raises(RuntimeError):
        inbound_event_process(inbound_id=inbound.pk)

    inbound.refresh_from_db()
    assert (inbound.status, inbound.attempts) == (Status.FAILED, 1) and "matcher down" in inbound.error
    assert not PaymentEvent.objects.exists()  # the event went with the rolled-back transaction
    monkeypatch.setattr(services_reconciliation, "event_reconcile", lambda *, event: event)
    assert inbound_event_process(inbound_id=inbound.pk) == Status.PROCESSED
    inbound.refresh_from_db()
    assert (inbound.attempts, inbound.error) == (2, "") and PaymentEvent.objects.count() == 1


def test_a_failed_airtel_transaction_is_ignored(in_school_a):
    body = body_for("airtel").decode().replace('"TS"', '"TF"')
    inbound = InboundEvent.objects.create(provider="airtel", body=body, body_sha256="d")

    assert inbound_event_process(inbound_id=inbound.pk) == Status.IGNORED
    assert not PaymentEvent.objects.exists()


def test_notifications_left_waiting_are_queued_again(in_school_a, monkeypatch):
    old = timezone.now() - datetime.timedelta(minutes=11)

    def make(status, attempts=0, when=old):
        inbound = InboundEvent.objects.create(provider="sandbox", body="{}", body_sha256="e", status=status,
                                              attempts=attempts)
        InboundEvent.objects.filter(pk=inbound.pk).update(received_at=when)
        return inbound.pk

    stuck = [make(Status.RECEIVED), make(Status.FAILED, attempts=2)]
    make(Status.RECEIVED, when=timezone.now())  # just arrived: its task is on the way
    make(Status.FAILED, attempts=MAX_ATTEMPTS)  # given up: a person looks at it
    make(Status.PROCESSED)
    make(Status.DUPLICATE)
    queued = []
    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay", queued.append)

    assert inbound_events_stuck() == stuck
    assert tasks_events.retry_inbound_events_task.run() == 2 and queued == stuck
    entry = settings.CELERY_BEAT_SCHEDULE["schools: retry payment notifications"]
    assert entry["args"] == ["apps.finance.tasks_events.retry_inbound_events_task"]


def test_school_b_sees_none_of_school_as_events(client, sandbox, school_b, processed_inline,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, sandbox, body_for("sandbox", txn="SBX-5", reference="x"))

    with schema_context(school_b.schema_name):
        assert not InboundEvent.objects.exists() and not PaymentEvent.objects.exists()


# --- committed data: two connections at once, a real worker ---------------------------------------------

@pytest.fixture
def committed_a(django_db_setup, django_db_blocker):
    """School A's schema with autocommit (other connections and the worker see what is written); the
    notifications and events written are removed afterwards."""
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        school = Tenant.objects.get(slug=SCHOOL_A["slug"])
        with schema_context(school.schema_name):
            PaymentChannel.objects.filter(provider="sandbox").update(secret=SECRET)
        yield school
        with schema_context(school.schema_name):
            PaymentEvent.objects.all().delete()
            InboundEvent.objects.all().delete()
        connection.set_schema_to_public()


def test_two_concurrent_deliveries_of_one_payment_make_one_event(committed_a, monkeypatch):
    reconciled = []
    monkeypatch.setattr(services_reconciliation, "event_reconcile", lambda *, event: reconciled.append(event.pk))
    body = body_for("sandbox", txn="SBX-RACE", reference="x").decode()
    with schema_context(committed_a.schema_name):
        ids = [InboundEvent.objects.create(provider="sandbox", body=body, body_sha256="f").pk for _ in range(2)]
    start, results = threading.Barrier(2), {}

    def deliver(inbound_id):
        try:
            connection.set_schema(committed_a.schema_name)
            start.wait()
            results[inbound_id] = inbound_event_process(inbound_id=inbound_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results.values()) == [Status.DUPLICATE, Status.PROCESSED]
    with schema_context(committed_a.schema_name):
        assert PaymentEvent.objects.filter(transaction_id="SBX-RACE").count() == 1
    assert len(reconciled) == 1


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), celery_worker(name="worker-webhooks") as process:
        yield process


def _wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
def test_a_real_worker_processes_each_notification_once(worker, committed_a, client):
    # three payments nobody can match (no payment is recorded, so nothing but the reconciliation's audit
    # entries outlives the test) and the first delivered again
    bodies = [body_for("sandbox", txn=f"SBX-W{n}", reference="no such reference") for n in range(3)]
    for body in [*bodies, bodies[0]]:
        assert _deliver(client, committed_a, body).status_code == 200

    def done():
        with schema_context(committed_a.schema_name):
            return not InboundEvent.objects.filter(status__in=[Status.RECEIVED, Status.FAILED]).exists()

    assert _wait_for(done)
    with schema_context(committed_a.schema_name):
        assert sorted(InboundEvent.objects.values_list("status", flat=True)) == [
            Status.DUPLICATE, Status.PROCESSED, Status.PROCESSED, Status.PROCESSED]
        assert PaymentEvent.objects.count() == 3
        assert set(PaymentEvent.objects.values_list("status", flat=True)) == {PaymentEvent.Status.UNMATCHED}
