"""Payment providers' notifications, from the webhook to the payment: a refused attempt is logged without
its body; an accepted one is stored raw first (InboundEvent) and queued; the worker reads it into one
PaymentEvent per provider transaction (a transaction already seen makes nothing) and hands each new
event to the reconciliation, which records the payment when the match is sure.

Exactly once, whatever the provider does: the InboundEvent row is locked while it is processed (a second
worker on the same notification waits, then finds it done), and PaymentEvent rows are inserted with
ON CONFLICT (provider, transaction_id) DO NOTHING, so a replay or a concurrent second delivery of one
payment (another InboundEvent) finds the transaction taken and is marked duplicate."""

import datetime
import hashlib
import logging

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.finance.models import InboundEvent, PaymentChannel, PaymentEvent, WebhookRejection
from apps.finance.providers import Malformed, NormalisedPayment, PaymentProvider, provider_get
from apps.finance.services_payments import account_for_channel

logger = logging.getLogger(__name__)

Status = InboundEvent.Status
# a notification that failed this often is left for a person (it is listed on the inbound events page)
MAX_ATTEMPTS = 5
# how long a notification may wait before the beat task queues it again
STUCK_AFTER = datetime.timedelta(minutes=10)
SECRET_HEADERS = {"authorization", "cookie", "proxy-authorization"}


# --- receiving (the webhook) -----------------------------------------------------------------------------

def webhook_rejection_record(*, provider: str, reason: str, status_code: int, remote_addr: str | None) -> None:
    WebhookRejection.objects.create(provider=(provider or "")[:20], reason=reason[:200], status_code=status_code,
                                    remote_addr=remote_addr or None)


def _kept_headers(adapter: PaymentProvider, headers) -> dict:
    dropped = SECRET_HEADERS | {adapter.signature_header.lower()}
    return {name: str(headers.get(name))[:300] for name in adapter.kept_headers
            if headers.get(name) and name.lower() not in dropped}


def _enqueue(inbound_id: int) -> None:
    """Queue the processing; if the broker is down the notification is still stored and the beat task
    ("schools: retry payment notifications") picks it up later, so the provider is told it arrived."""
    from apps.finance.tasks_events import process_inbound_event_task

    try:
        process_inbound_event_task.delay(inbound_id)
    except Exception:  # noqa: BLE001  (any broker failure; the notification is safe in the database)
        logger.exception("could not queue inbound event %s; the retry task will", inbound_id)


@transaction.atomic
def inbound_event_store(*, adapter: PaymentProvider, body: bytes, headers,
                        remote_addr: str | None) -> tuple[InboundEvent, list[NormalisedPayment]]:
    """Store a verified notification as it arrived and queue it (after commit). A body that cannot be read
    is stored too, failed with the reason, and not queued."""
    error = ""
    try:
        payments = adapter.parse(body, headers)
    except Malformed as exc:
        payments, error = [], str(exc) or "malformed"
    inbound = InboundEvent.objects.create(
        provider=adapter.code, headers=_kept_headers(adapter, headers),
        body=body.decode("utf-8", errors="replace").replace("\x00", "\ufffd"),
        body_sha256=hashlib.sha256(body).hexdigest(), remote_addr=remote_addr or None,
        status=Status.FAILED if error else Status.RECEIVED, error=error[:500],
        attempts=MAX_ATTEMPTS if error else 0)
    if not error:
        transaction.on_commit(lambda: _enqueue(inbound.pk))
    return inbound, payments


# --- processing (the worker) -----------------------------------------------------------------------------

def _event_insert(*, inbound: InboundEvent, payment: NormalisedPayment, account_id: int) -> PaymentEvent | None:
    """The new PaymentEvent, or None when the provider's transaction is already known (ON CONFLICT DO
    NOTHING: a concurrent insert of the same transaction waits for the other to commit, then does nothing)."""
    table = connection.ops.quote_name(PaymentEvent._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (provider, transaction_id, raw_id, amount, currency, payer_phone, payer_name, "
            "reference, paid_at, account_id, status, match_rule, ignore_reason, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', '', %s) "
            "ON CONFLICT (provider, transaction_id) DO NOTHING RETURNING id",
            [inbound.provider, payment.transaction_id, inbound.pk, payment.amount, payment.currency,
             payment.payer_phone, payment.payer_name, payment.reference, payment.paid_at, account_id,
             PaymentEvent.Status.NEW, now])
        row = cursor.fetchone()
    return PaymentEvent.objects.get(pk=row[0]) if row else None


def _account_id(provider: str) -> int:
    channel = PaymentChannel.objects.filter(provider=provider).only("account_id").first()
    return channel.account_id if channel else account_for_channel(provider).pk


def inbound_event_process(*, inbound_id: int) -> str:
    """Read a stored notification into PaymentEvents and reconcile each new one; the InboundEvent's status
    afterwards. Safe to run any number of times (a processed, duplicate or ignored notification is left as
    it is). An error rolls everything back, is written on the notification (failed) and raised again so
    the task retries."""
    from apps.finance.services_reconciliation import event_reconcile

    try:
        with transaction.atomic():
            inbound = InboundEvent.objects.select_for_update().filter(pk=inbound_id).first()
            if inbound is None:
                return "missing"
            if inbound.status in (Status.PROCESSED, Status.DUPLICATE, Status.IGNORED):
                return inbound.status
            inbound.attempts += 1
            adapter = provider_get(inbound.provider)
            try:
                payments = adapter.parse(inbound.body.encode("utf-8"), inbound.headers)
            except Malformed as exc:
                inbound.status, inbound.error = Status.FAILED, str(exc)[:500]
                inbound.attempts = max(inbound.attempts, MAX_ATTEMPTS)  # reading it again will not help
                inbound.save(update_fields=["status", "error", "attempts"])
                return inbound.status
            account_id = _account_id(inbound.provider) if payments else None
            created = [event for payment in payments
                       if (event := _event_insert(inbound=inbound, payment=payment, account_id=account_id))]
            for event in created:
                event_reconcile(event=event)
            if not payments:
                inbound.status = Status.IGNORED  # a failed or pending transaction: nothing was paid
            else:
                inbound.status = Status.PROCESSED if created else Status.DUPLICATE
            inbound.error = ""
            inbound.processed_at = timezone.now()
            inbound.save(update_fields=["status", "error", "attempts", "processed_at"])
            return inbound.status
    except Exception as exc:
        InboundEvent.objects.filter(pk=inbound_id, status__in=(Status.RECEIVED, Status.FAILED)).update(
            status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500], attempts=F("attempts") + 1)
        raise


def inbound_events_stuck() -> list[int]:
    """Notifications still waiting (received, or failed fewer than MAX_ATTEMPTS times) after STUCK_AFTER."""
    return list(InboundEvent.objects.filter(
        status__in=(Status.RECEIVED, Status.FAILED), attempts__lt=MAX_ATTEMPTS,
        received_at__lt=timezone.now() - STUCK_AFTER).order_by("id").values_list("id", flat=True)[:1000])
