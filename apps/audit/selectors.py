"""Reads of the audit log: school admins see their school's, the platform owner the platform's."""

from datetime import date

from django.db.models import Q, QuerySet

from apps.audit.models import AuditEvent


def audit_events_for_user(*, user, action: str = "", actor: str = "", q: str = "",
                          date_from: date | None = None, date_to: date | None = None) -> QuerySet[AuditEvent]:
    """The current schema's events, filtered; the caller has checked the user may read the log."""
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(Q(actor__icontains=actor) | Q(acting_as__icontains=actor))
    if q:
        events = events.filter(Q(object_repr__icontains=q) | Q(action__icontains=q) | Q(object_id=q))
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    return events.order_by("-id")


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
