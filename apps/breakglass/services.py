"""Starting, entering and ending break-glass sessions. Each start and end is audited twice: in the
platform's log and in the school's; everything done during one is recorded with the real actor."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.context import RealActor, acting_for
from apps.audit.services import audit_record
from apps.breakglass.models import MAX_MINUTES, BreakGlassSession
from apps.platform.models import Tenant

ENTRY_SALT = "omnicore.break-glass.entry"
ENTRY_MAX_AGE = 120  # seconds between starting a session and following its link into the school


def break_glass_start(*, owner, school: Tenant, acting_as_id: int, reason: str, minutes: int) -> BreakGlassSession:
    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("break-glass sessions are started from the platform")
    errors = {}
    reason = (reason or "").strip()
    if len(reason) < 10:
        errors["reason"] = ["Say why you need to enter this school (at least 10 characters)."]
    if not 1 <= int(minutes or 0) <= MAX_MINUTES:
        errors["minutes"] = [f"A session lasts from 1 to {MAX_MINUTES} minutes."]
    if not (school.ready and school.status == Tenant.Status.ACTIVE):
        errors["school"] = ["Only an active school can be entered."]
    with schema_context(school.schema_name):
        person = get_user_model().objects.filter(pk=acting_as_id, is_active=True).first()
    if person is None:
        errors["acting_as"] = ["Choose an active user of this school to act as."]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        session = BreakGlassSession.objects.create(
            owner_id=owner.pk, owner_email=owner.email, school=school, acting_as_id=person.pk,
            acting_as_email=person.email, reason=reason, started_at=now, expires_at=now + timedelta(minutes=int(minutes)))
        _audit_both(session, "break_glass.started", owner=owner, detail={"minutes": int(minutes)})
    return session


def break_glass_entry_token(*, session: BreakGlassSession) -> str:
    return signing.dumps({"session": str(session.id)}, salt=ENTRY_SALT)


def break_glass_enter(*, token: str, school: Tenant) -> BreakGlassSession:
    """The link from the platform into the school: valid once, for two minutes, in that school only."""
    try:
        data = signing.loads(token, salt=ENTRY_SALT, max_age=ENTRY_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("This break-glass link has expired; start the session again.") from None
    except signing.BadSignature:
        raise ValidationError("This break-glass link is not valid.") from None
    with transaction.atomic():
        claimed = BreakGlassSession.objects.filter(
            pk=data["session"], school=school, entered_at__isnull=True, ended_at__isnull=True,
            expires_at__gt=timezone.now()).update(entered_at=timezone.now())
        if not claimed:
            raise ValidationError("This break-glass link was already used, or its session has ended.")
        return BreakGlassSession.objects.select_related("school").get(pk=data["session"])


def break_glass_end(*, session: BreakGlassSession, reason: str) -> bool:
    """End the session (idempotent); True when this call ended it."""
    with transaction.atomic():
        ended = BreakGlassSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), end_reason=reason)
        if ended:
            session.refresh_from_db()
            _audit_both(session, "break_glass.ended", owner=None, detail={"end_reason": reason})
    return bool(ended)


def break_glass_expire_due() -> int:
    """End every session past its expiry that nobody ended (beat runs this every minute)."""
    count = 0
    for session in BreakGlassSession.objects.filter(ended_at__isnull=True, expires_at__lte=timezone.now()):
        count += break_glass_end(session=session, reason=BreakGlassSession.EndReason.EXPIRED)
    return count


def _audit_both(session: BreakGlassSession, action: str, *, owner, detail: dict) -> None:
    facts = {"session": str(session.id), "acting_as": session.acting_as_email, "reason": session.reason,
             "expires_at": session.expires_at.isoformat(), **detail}
    with schema_context(get_public_schema_name()):
        audit_record(action=action, actor=owner, target=session.school,
                     detail={**facts, "owner": session.owner_email})
    with schema_context(session.school.schema_name), acting_for(
            RealActor(label=session.actor_label, break_glass_id=str(session.id))):
        audit_record(action=action, detail=facts)
