"""Writing to the audit log: services call audit_record for every change worth answering for."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.chain import GENESIS, HASHED_FIELDS, event_hash
from apps.audit.context import real_actor
from apps.audit.models import AuditEvent
from apps.core.logging import current_context


def _plain(value) -> dict:
    """What JSONB will give back, so the hash computed now is the one verification recomputes."""
    return json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder))


def _client_ip(request) -> str | None:
    if request is None:
        return current_context().get("ip")
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def audit_record(*, action: str, actor=None, target=None, changes: dict | None = None, detail: dict | None = None,
                 request=None) -> AuditEvent:
    """Append one event to the current schema's log, inside the caller's transaction (an action
    that rolls back leaves no event). `actor` is a user of this schema or None (the system)."""
    values = {
        "created_at": timezone.now(),
        "actor_id": getattr(actor, "pk", None),
        "actor": getattr(actor, "email", "") or getattr(actor, "username", "") or "",
        "acting_as_id": None,
        "acting_as": "",
        "action": action,
        "object_type": target._meta.label_lower if target is not None else "",
        "object_id": str(target.pk) if target is not None else "",
        "object_repr": str(target)[:300] if target is not None else "",
        "changes": _plain(changes),
        "detail": _plain(detail),
        "ip": _client_ip(request),
        "request_id": (getattr(request, "id", None) or current_context().get("request_id") or "")[:64],
    }
    behind = real_actor()
    if behind is not None:
        # break-glass: the owner is the actor; the school user whose session is used is acted as
        values.update(acting_as_id=values["actor_id"], acting_as=values["actor"], actor_id=None, actor=behind.label)
        values["detail"] = {**values["detail"], "break_glass": behind.break_glass_id}
    with connection.cursor() as cursor:
        # one writer at a time per schema, so two events never claim the same predecessor
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_chain'))")
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    prev_hash = last or GENESIS
    return AuditEvent.objects.create(**values, prev_hash=prev_hash, hash=event_hash(values, prev_hash))


def audit_chain_verify(*, batch: int = 5000) -> tuple[int, str | None]:
    """(events checked, None) when the chain holds; else (events checked, a description of the
    first broken link)."""
    prev_hash, checked, previous_id = GENESIS, 0, None
    queryset = AuditEvent.objects.order_by("id").values("id", "prev_hash", "hash", *HASHED_FIELDS)
    for row in queryset.iterator(chunk_size=batch):
        if row["prev_hash"] != prev_hash:
            where = f"after event {previous_id}" if previous_id else "at the start"
            return checked, f"event {row['id']} does not follow the event before it ({where}): an event is missing"
        if event_hash(row, row["prev_hash"]) != row["hash"]:
            return checked, f"event {row['id']} was changed after it was written"
        prev_hash, previous_id, checked = row["hash"], row["id"], checked + 1
    return checked, None
