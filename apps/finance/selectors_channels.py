"""Reading payment channels and what providers sent for bookkeepers: the channels, the notifications received
(by status) and refused, and the sandbox's recent payments with the fate of one (its events and payments);
nothing for anyone else, 404 for another school's id."""

from django.db.models import QuerySet

from apps.finance.models import InboundEvent, PaymentChannel, PaymentEvent, WebhookRejection
from apps.ledger.access import get_for_bookkeeper, keeps_books

SANDBOX = "sandbox"


def channels_for_user(*, user) -> QuerySet[PaymentChannel]:
    if not keeps_books(user):
        return PaymentChannel.objects.none()
    return PaymentChannel.objects.select_related("account")


def channel_get_for_user(*, user, pk) -> PaymentChannel:
    return get_for_bookkeeper(PaymentChannel.objects.select_related("account"), user=user, pk=pk)


def sandbox_channel_enabled() -> PaymentChannel | None:
    """The school's sandbox channel while it is switched on (the simulator exists only then)."""
    return PaymentChannel.objects.filter(provider=SANDBOX, is_enabled=True).first()


def inbound_for_user(*, user, status: str = "") -> QuerySet[InboundEvent]:
    """Notifications received, newest first, without their bodies; of one status when given."""
    if not keeps_books(user):
        return InboundEvent.objects.none()
    inbound = InboundEvent.objects.prefetch_related("payment_events").defer("body", "headers")
    return inbound.filter(status=status) if status in InboundEvent.Status.values else inbound


def rejections_recent(*, user, limit: int = 20) -> QuerySet[WebhookRejection]:
    if not keeps_books(user):
        return WebhookRejection.objects.none()
    return WebhookRejection.objects.all()[:limit]


def sandbox_sent_for_user(*, user) -> QuerySet[InboundEvent]:
    """What the sandbox simulator sent, newest first."""
    if not keeps_books(user):
        return InboundEvent.objects.none()
    return InboundEvent.objects.filter(provider=SANDBOX)


def sandbox_status(inbound: InboundEvent | None) -> dict | None:
    """What became of one simulated payment (read through sandbox_sent_for_user): its events with their
    payments, and whether the worker has still to deal with it."""
    if inbound is None:
        return None
    events = list(PaymentEvent.objects.filter(raw=inbound).select_related("account")
                  .prefetch_related("payments__allocations__invoice"))
    waiting = inbound.status == InboundEvent.Status.RECEIVED or any(
        e.status == PaymentEvent.Status.NEW for e in events)
    return {"inbound": inbound, "events": events, "waiting": waiting}
