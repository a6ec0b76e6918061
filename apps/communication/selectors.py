"""Reads of notices and the outbox, scoped to the user.

Notices: a parent sees published, unexpired notices for everyone or parents, school-wide or for one
of her children's streams; staff (every school role but parents and students) see those for
everyone or staff; students see school-wide notices for everyone. A school admin managing notices
sees all of them (`notices_manageable`)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.academics.models import Student
from apps.accounts.roles import STAFF_ROLES, Role
from apps.communication.models import Notice, OutboxMessage


def notices_for_user(*, user) -> QuerySet[Notice]:
    """Notices to show this user now: published, not expired, for their audience."""
    today = timezone.localdate()
    notices = (Notice.objects.select_related("stream__school_class", "created_by")
               .filter(published_at__isnull=False, published_at__lte=timezone.now())
               .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)))
    if user.role == Role.PARENT:
        child_streams = Student.objects.filter(guardian_links__guardian__user=user, stream__isnull=False
                                               ).values("stream_id")
        return notices.filter(audience__in=[Notice.Audience.EVERYONE, Notice.Audience.PARENTS]).filter(
            Q(stream__isnull=True) | Q(stream_id__in=child_streams))
    if user.role in STAFF_ROLES:
        return notices.filter(audience__in=[Notice.Audience.EVERYONE, Notice.Audience.STAFF])
    if user.role == Role.STUDENT:
        own_stream = Student.objects.filter(user=user, stream__isnull=False).values("stream_id")
        return notices.filter(audience=Notice.Audience.EVERYONE).filter(
            Q(stream__isnull=True) | Q(stream_id__in=own_stream))
    return notices.none()


def notices_manageable(*, user, state: str = "") -> QuerySet[Notice]:
    """Every notice, drafts and expired ones too, for a school admin (state: published, draft,
    expired); nothing for anyone else."""
    if user.role != Role.SCHOOL_ADMIN:
        return Notice.objects.none()
    notices = Notice.objects.select_related("stream__school_class", "created_by").order_by(
        "-published_at", "-created_at")
    today = timezone.localdate()
    if state == "published":
        notices = notices.filter(published_at__isnull=False).filter(Q(expires_on__isnull=True) |
                                                                    Q(expires_on__gte=today))
    elif state == "draft":
        notices = notices.filter(published_at__isnull=True)
    elif state == "expired":
        notices = notices.filter(expires_on__lt=today)
    return notices


def outbox_for_user(*, user, kind: str = "", status: str = "") -> QuerySet[OutboxMessage]:
    """The school's queued and past messages, for its admins (read-only)."""
    if user.role != Role.SCHOOL_ADMIN:
        return OutboxMessage.objects.none()
    messages = OutboxMessage.objects.select_related("recipient").order_by("-created_at", "-id")
    if kind:
        messages = messages.filter(kind=kind)
    if status:
        messages = messages.filter(status=status)
    return messages


def outbox_kinds() -> list[str]:
    return list(OutboxMessage.objects.order_by("kind").values_list("kind", flat=True).distinct())
