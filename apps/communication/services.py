"""Writing messages and notices.

The outbox (DESIGN §10): whatever must tell someone something writes an OutboxMessage row in its own
transaction, so a rolled-back action tells nobody and a committed one is never forgotten. A delivery
worker (a later change: SMS / WhatsApp providers) reads queued rows; nothing here sends anything.
The dedupe key makes queueing idempotent: the same event queued twice is one message."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import StudentGuardian
from apps.audit.services import audit_record
from apps.communication.models import Notice, OutboxMessage

_COLUMNS = ("kind", "channel", "recipient_id", "to", "subject", "body", "object_type", "object_id", "dedupe_key",
            "status", "attempts", "last_error", "created_at")


def _check(message: OutboxMessage) -> None:
    if not (message.to or "").strip():
        raise ValidationError(_("A message needs an address to go to."), code="no_address")
    if not (message.body or "").strip():
        raise ValidationError(_("A message needs a body."), code="no_body")
    if not (message.dedupe_key or "").strip() or len(message.dedupe_key) > 200:
        raise ValidationError(_("A message needs a dedupe key (at most 200 characters)."), code="bad_dedupe_key")
    if message.channel not in OutboxMessage.Channel.values:
        raise ValidationError(_("Unknown channel: %(channel)s.") % {"channel": message.channel}, code="bad_channel")
    if not message.kind or len(message.kind) > 60:
        raise ValidationError(_("A message needs a kind (at most 60 characters)."), code="bad_kind")


def _insert(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, in one statement: the messages
    that were new, with their ids (Django's bulk_create(ignore_conflicts=True) cannot say which)."""
    if not messages:
        return []
    now = timezone.now()
    rows, params = [], []
    for message in messages:
        _check(message)
        message.status, message.attempts, message.last_error, message.created_at = "queued", 0, "", now
        message.subject = message.subject or ""
        message.object_type, message.object_id = message.object_type or "", str(message.object_id or "")
        rows.append("(" + ", ".join(["%s"] * len(_COLUMNS)) + ")")
        params.extend(getattr(message, column) for column in _COLUMNS)
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
    sql = (f"INSERT INTO {table} ({columns}) VALUES {', '.join(rows)} "
           f"ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = dict((key, pk) for pk, key in cursor.fetchall())
    new = []
    for message in messages:
        if message.dedupe_key in inserted:
            message.pk = inserted.pop(message.dedupe_key)
            message._state.adding, message._state.db = False, "default"
            new.append(message)
    return new


def outbox_queue(*, kind: str, recipient_user=None, to: str, body: str, subject: str = "", channel: str = "sms",
                 object_type: str = "", object_id: str = "", dedupe_key: str) -> OutboxMessage | None:
    """Queue one message inside the caller's transaction; None when a message with this dedupe key
    was already queued. Nothing is sent here."""
    message = OutboxMessage(kind=kind, recipient=recipient_user, to=to, body=body, subject=subject, channel=channel,
                            object_type=object_type, object_id=str(object_id), dedupe_key=dedupe_key)
    new = _insert([message])
    return new[0] if new else None


def guardians_notify(*, students: Iterable, kind: str, body_for: Callable, dedupe_for: Callable,
                     channel: str = "sms", object_type: str = "", object_id_for: Callable | None = None
                     ) -> list[OutboxMessage]:
    """Queue one message to each guardian with a phone of each student (primary contact first), in
    one query for the guardians and one insert. `body_for(student, guardian)` and
    `dedupe_for(student, guardian)` give each message's text and key. Returns the new messages
    (those already queued under the same key are skipped)."""
    students = list(students)
    if not students:
        return []
    by_id = {student.pk: student for student in students}
    links = (StudentGuardian.objects.select_related("guardian__user")
             .filter(student_id__in=by_id, guardian__user__is_active=True).exclude(guardian__phone="")
             .order_by("student_id", "-is_primary", "id"))
    messages = []
    for link in links:
        student, guardian = by_id[link.student_id], link.guardian
        messages.append(OutboxMessage(
            kind=kind, channel=channel, recipient=guardian.user, to=guardian.phone,
            body=body_for(student, guardian), dedupe_key=dedupe_for(student, guardian),
            object_type=object_type or "academics.student",
            object_id=str(object_id_for(student) if object_id_for else student.pk)))
    return _insert(messages)


# notices


def _notice_clean(*, title: str, body: str, audience: str, expires_on) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("A notice needs a title.")
    if not (body or "").strip():
        errors["body"] = _("A notice needs some text.")
    if audience not in Notice.Audience.values:
        errors["audience"] = _("Choose who the notice is for.")
    if expires_on is not None and expires_on < timezone.localdate():
        errors["expires_on"] = _("The last day to show it cannot be in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def notice_publish(*, title: str, body: str, audience: str = Notice.Audience.EVERYONE, stream=None,
                   expires_on=None, publish: bool = True, actor, request=None) -> Notice:
    """Create a notice, published now (or kept as a draft with publish=False)."""
    _notice_clean(title=title, body=body, audience=audience, expires_on=expires_on)
    notice = Notice.objects.create(
        title=title.strip(), body=body.strip(), audience=audience, stream=stream, expires_on=expires_on,
        published_at=timezone.now() if publish else None, created_by=actor)
    audit_record(action="communication.notice_publish" if publish else "communication.notice_draft",
                 actor=actor, target=notice, request=request,
                 changes={"title": notice.title, "audience": audience, "stream": getattr(stream, "pk", None),
                          "expires_on": expires_on})
    return notice


_NOTICE_FIELDS = ("title", "body", "audience", "stream", "expires_on")


@transaction.atomic
def notice_update(*, notice: Notice, actor, request=None, **fields) -> Notice:
    """Change a notice's text, audience, stream or expiry; `publish=True` also publishes a draft."""
    publish = fields.pop("publish", None)
    unknown = set(fields) - set(_NOTICE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown notice fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    values = {name: fields.get(name, getattr(notice, name)) for name in _NOTICE_FIELDS}
    if "expires_on" in fields and fields["expires_on"] != notice.expires_on:
        _notice_clean(title=values["title"], body=values["body"], audience=values["audience"],
                      expires_on=values["expires_on"])
    else:
        _notice_clean(title=values["title"], body=values["body"], audience=values["audience"], expires_on=None)
    changes = {}
    for name in _NOTICE_FIELDS:
        before, after = getattr(notice, name), values[name]
        if name in ("title", "body"):
            after = after.strip()
        if before != after:
            changes[name] = [getattr(before, "pk", before), getattr(after, "pk", after)]
            setattr(notice, name, after)
    if publish and notice.published_at is None:
        notice.published_at = timezone.now()
        changes["published_at"] = [None, notice.published_at]
    if not changes:
        return notice
    notice.save()
    audit_record(action="communication.notice_update", actor=actor, target=notice, changes=changes, request=request)
    return notice


@transaction.atomic
def notice_withdraw(*, notice: Notice, actor, request=None) -> Notice:
    """Take a notice down (back to a draft: nobody sees it until it is published again)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.published_at is None:
        raise ValidationError(_("This notice is not published."), code="not_published")
    before = notice.published_at
    notice.published_at = None
    notice.save(update_fields=["published_at"])
    audit_record(action="communication.notice_withdraw", actor=actor, target=notice, request=request,
                 changes={"published_at": [before, None]})
    return notice
