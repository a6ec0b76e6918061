"""Entering marks: what a typed value means, who may write it, when marks are locked, and the writes
themselves (one cell, or a whole list at once), each appended to the hash-chained history.

Services others call: `mark_set`, `marks_bulk_upsert`, `marks_unlock`, `marks_relock`; helpers
`mark_value_parse`, `mark_can_edit`, `marks_lock_state`, `mark_display`."""

import importlib.util
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Stream, Student, Subject, TeachingAssignment, Term
from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.results.models import Assessment, Mark, MarkUnlock

ABSENT_WORDS = frozenset({"a", "abs", "absent", "x"})
NUMBER = re.compile(r"^(\d{1,4}(\.\d{0,2})?|\.\d{1,2})$")
CENT = Decimal("0.01")
REVERT_REASON = "reverted after review"


@dataclass(frozen=True)
class MarkValue:
    score: Decimal | None
    is_absent: bool

    @property
    def is_blank(self) -> bool:
        return self.score is None and not self.is_absent


BLANK = MarkValue(None, False)


class MarkRowsInvalid(ValidationError):
    """marks_bulk_upsert refused: `rows` maps a row's index (as a string) to what is wrong with it."""

    def __init__(self, rows: dict[int, str], code="bad_rows"):
        self.rows = {str(index): message for index, message in sorted(rows.items())}
        super().__init__(_("Some rows are not valid; nothing was saved."), code=code)


def bulk_row_errors(error: ValidationError) -> dict[str, str]:
    return dict(getattr(error, "rows", {}))


def _plain_number(value: Decimal) -> str:
    """67.00 → "67", 67.50 → "67.5": how a teacher writes a mark."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def mark_display(score: Decimal | None, is_absent: bool) -> str:
    """The text a grid cell shows for a stored mark ("ABS" for absent, "" for none)."""
    if is_absent:
        return "ABS"
    return "" if score is None else _plain_number(score)


def mark_value_parse(value, *, max_mark: Decimal) -> MarkValue:
    """What a teacher typed → a score, absent, or blank. Commas count as decimal points; at most two
    decimals; 0 to `max_mark`. Anything else is a ValidationError (code "bad_mark")."""
    text = "" if value is None else str(value).strip()
    if not text:
        return BLANK
    if text.lower() in ABSENT_WORDS:
        return MarkValue(None, True)
    text = text.replace(",", ".")
    if NUMBER.match(text):
        score = Decimal(text)
        if score <= max_mark:
            return MarkValue(score.quantize(CENT), False)
    raise ValidationError(_("Enter a mark from 0 to %(max)s, or ABS for absent.") % {"max": _plain_number(max_mark)},
                          code="bad_mark")


# --- reads -------------------------------------------------------------------------------------------

def marks_for_user(*, user) -> QuerySet[Mark]:
    """Marks a user may read: a school admin all; a teacher those of her assigned stream-subjects."""
    marks = Mark.objects.select_related("student", "subject").order_by("assessment_id", "subject_id", "student_id")
    if user.role == Role.SCHOOL_ADMIN:
        return marks
    if user.role == Role.TEACHER:
        assigned = TeachingAssignment.objects.filter(teacher=user, stream_id=OuterRef("student__stream_id"),
                                                     subject_id=OuterRef("subject_id"))
        return marks.filter(Exists(assigned))
    return marks.none()


# --- who and when -------------------------------------------------------------------------------------

def mark_can_edit(*, user, stream_id, subject_id) -> bool:
    """A school admin anywhere; a teacher where she is assigned the stream's subject."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.SCHOOL_ADMIN:
        return True
    if user.role == Role.TEACHER:
        return TeachingAssignment.objects.filter(stream_id=stream_id, subject_id=subject_id, teacher=user).exists()
    return False


def _open_unlocks(*, term, stream_id, subject_id):
    return MarkUnlock.objects.filter(Q(subject_id=subject_id) | Q(subject__isnull=True), term=term,
                                     stream_id=stream_id, relocked_at__isnull=True)


def marks_lock_state(*, term: Term, stream_id, subject_id) -> str:
    """"open" (results not published), "locked" (published), or "unlocked" (published, but an admin
    reopened this stream's subject, or all its subjects)."""
    if term.results_published_at is None:
        return "open"
    return "unlocked" if _open_unlocks(term=term, stream_id=stream_id, subject_id=subject_id).exists() else "locked"


def _locked_error():
    return ValidationError(_("Marks are locked: this term's results are published. A school admin can unlock "
                             "them with a reason."), code="locked")


def _check_writable(*, actor, assessment, stream_id, subject_id, reason: str, lock_state: str | None = None,
                    override_lock=False):
    if not mark_can_edit(user=actor, stream_id=stream_id, subject_id=subject_id):
        raise PermissionDenied(_("You are not assigned to teach this subject in this stream."))
    state = lock_state or marks_lock_state(term=assessment.term, stream_id=stream_id, subject_id=subject_id)
    if state == "locked" and not override_lock:
        raise _locked_error()
    if state != "open" and not reason.strip():
        raise ValidationError(_("Give a reason: results for this term are already published."),
                              code="reason_required")
    if len(reason) > 300:
        raise ValidationError(_("Keep the reason under 300 characters."), code="reason_too_long")
    return state


def _client_ip(request) -> str | None:
    if request is None:
        from apps.core.logging import current_context

        return current_context().get("ip")
    return request.META.get("REMOTE_ADDR") or None


def _refresh_results(term) -> None:
    """Ask the results computation to run again for this term (after this transaction commits),
    once apps.results.computation exists."""
    if importlib.util.find_spec("apps.results.computation") is None:
        return
    from apps.results import computation

    refresh = getattr(computation, "results_refresh_soon", None)
    if refresh is not None:
        refresh(term=term)


# --- writes --------------------------------------------------------------------------------------------

def _change_values(*, mark, actor, now, old: MarkValue, new: MarkValue, reason: str, ip) -> dict:
    return {
        "mark": mark, "assessment_id_at": mark.assessment_id, "student_id_at": mark.student_id,
        "subject_id_at": mark.subject_id, "actor": actor,
        "actor_name": (getattr(actor, "display_name", "") or "")[:254] if actor else "",
        "created_at": now, "old_score": old.score, "new_score": new.score, "old_absent": old.is_absent,
        "new_absent": new.is_absent, "reason": reason.strip(), "ip": ip,
    }


def mark_set(*, assessment: Assessment, student: Student, subject: Subject, value, reason: str = "", actor,
             request=None, _review: bool = False) -> Mark:
    """Set one student's mark from what the teacher typed ("" clears, "67", "67,5", "ABS").

    Refuses (ValidationError, nothing saved) a bad value, locked marks, a missing reason after
    publication; PermissionDenied for someone not assigned (school admins may, and are flagged).
    The same value again writes nothing. Each change is appended to the hash chain, checked by the
    flag rules, and asks for the term's results to be recomputed."""
    from apps.results import tamper

    reason = (reason or "").strip()
    new = mark_value_parse(value, max_mark=assessment.max_mark)
    if student.stream_id is None:
        raise ValidationError(_("This student is not in a stream."), code="no_stream")
    with transaction.atomic():
        _check_writable(actor=actor, assessment=assessment, stream_id=student.stream_id, subject_id=subject.pk,
                        reason=reason, override_lock=_review)
        mark = (Mark.objects.select_for_update()
                .filter(assessment=assessment, student=student, subject=subject).first())
        created = False
        if mark is None and not new.is_blank:
            try:
                with transaction.atomic():  # a savepoint: someone may be saving this first mark right now
                    mark = Mark.objects.create(assessment=assessment, student=student, subject=subject,
                                               score=new.score, is_absent=new.is_absent, entered_by=actor)
                old, created = BLANK, True
            except IntegrityError:  # they were first: theirs is the old value, and it is locked now
                mark = Mark.objects.select_for_update().get(assessment=assessment, student=student,
                                                            subject=subject)
                old = MarkValue(mark.score, mark.is_absent)
        else:
            old = BLANK if mark is None else MarkValue(mark.score, mark.is_absent)
        if old == new:
            return mark if mark is not None else Mark(assessment=assessment, student=student, subject=subject)
        if not created:
            mark.score, mark.is_absent, mark.entered_by = new.score, new.is_absent, actor
            mark.save(update_fields=["score", "is_absent", "entered_by", "updated_at"])
        values = _change_values(mark=mark, actor=actor, now=timezone.now(), old=old, new=new, reason=reason,
                                ip=_client_ip(request))
        [change] = tamper.chain_append([values])
        if not _review:
            tamper.flags_apply(changes=[change], assessment=assessment, stream_id=student.stream_id)
        _refresh_results(assessment.term)
    return mark


def marks_bulk_upsert(*, assessment: Assessment, subject: Subject, rows: list[dict], actor, reason: str = "",
                      request=None) -> list[Mark]:
    """Many students' marks at once: rows [{"student": Student or id, "value": "67"}, ...].

    Every row is checked first; if any is bad, MarkRowsInvalid (a ValidationError) with `.rows`
    {index: message} and nothing is saved. Then the marks are written with bulk operations and their changes appended
    as one segment of the chain. Returns the marks of the rows (unchanged ones included)."""
    from apps.results import tamper

    reason = (reason or "").strip()
    errors: dict[int, str] = {}
    student_ids = []
    for index, row in enumerate(rows):
        student = row.get("student") if isinstance(row, dict) else None
        student_ids.append(getattr(student, "pk", student))
    students = Student.objects.in_bulk([pk for pk in student_ids if isinstance(pk, int)])
    parsed: list[tuple[Student, MarkValue]] = []
    seen = set()
    for index, row in enumerate(rows):
        pk = student_ids[index]
        student = students.get(pk) if isinstance(pk, int) else None
        if student is None:
            errors[index] = _("No such student.")
            continue
        if pk in seen:
            errors[index] = _("This student appears twice.")
            continue
        seen.add(pk)
        if student.stream_id is None or student.status != Student.Status.ACTIVE:
            errors[index] = _("This student is not active in a stream.")
            continue
        try:
            value = mark_value_parse(row.get("value"), max_mark=assessment.max_mark)
        except ValidationError as error:
            errors[index] = error.messages[0]
            continue
        parsed.append((student, value))
    if errors:
        raise MarkRowsInvalid(errors)

    with transaction.atomic():
        states = {}
        for stream_id in sorted({student.stream_id for student, _value in parsed}):
            try:
                states[stream_id] = _check_writable(actor=actor, assessment=assessment, stream_id=stream_id,
                                                    subject_id=subject.pk, reason=reason)
            except ValidationError as error:
                # the whole request is refused: say which rows were concerned
                raise MarkRowsInvalid({index: error.messages[0] for index, (student, _v) in enumerate(parsed)
                                       if student.stream_id == stream_id}, code=error.code) from None
        existing = {mark.student_id: mark for mark in Mark.objects.select_for_update().filter(
            assessment=assessment, subject=subject, student_id__in=[s.pk for s, _v in parsed])}
        now, ip = timezone.now(), _client_ip(request)
        to_create, to_update, pending = [], [], []
        for student, new in parsed:
            mark = existing.get(student.pk)
            old = BLANK if mark is None else MarkValue(mark.score, mark.is_absent)
            if old == new:
                continue
            if mark is None:
                mark = Mark(assessment=assessment, student=student, subject=subject, score=new.score,
                            is_absent=new.is_absent, entered_by=actor, updated_at=now)
                to_create.append(mark)
                existing[student.pk] = mark
            else:
                mark.score, mark.is_absent, mark.entered_by, mark.updated_at = new.score, new.is_absent, actor, now
                to_update.append(mark)
            pending.append((mark, old, new))
        if to_create:
            try:
                with transaction.atomic():
                    Mark.objects.bulk_create(to_create)
            except IntegrityError:
                raise ValidationError(_("Someone saved marks for these students at the same moment; load them "
                                        "again and retry."), code="conflict") from None
        if to_update:
            Mark.objects.bulk_update(to_update, ["score", "is_absent", "entered_by", "updated_at"])
        if pending:
            changes = tamper.chain_append([
                _change_values(mark=mark, actor=actor, now=now, old=old, new=new, reason=reason, ip=ip)
                for mark, old, new in pending])
            stream_of = {student.pk: student.stream_id for student, _value in parsed}
            by_stream: dict[int, list] = {}
            for change, (mark, _old, _new) in zip(changes, pending, strict=True):
                by_stream.setdefault(stream_of[mark.student_id], []).append(change)
            for stream_id, stream_changes in by_stream.items():
                tamper.flags_apply(changes=stream_changes, assessment=assessment, stream_id=stream_id)
            audit_record(action="results.marks_bulk_upsert", actor=actor, target=assessment, request=request,
                         changes={"subject": subject.code, "changed": len(pending)},
                         detail={"rows": len(rows), "reason": reason})
            _refresh_results(assessment.term)
    return [existing.get(student.pk) or Mark(assessment=assessment, student=student, subject=subject)
            for student, _value in parsed]


# --- locking after publication -------------------------------------------------------------------------

def _require_admin(actor):
    if getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise PermissionDenied(_("Only a school admin can unlock or lock marks."))


def marks_unlock(*, term: Term, stream: Stream, subject: Subject | None = None, reason: str, actor,
                 request=None) -> MarkUnlock:
    """Reopen a published term's marks for one stream's subject (or all its subjects), with a reason."""
    _require_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for unlocking."), code="reason_required")
    if len(reason) > 300:
        raise ValidationError(_("Keep the reason under 300 characters."), code="reason_too_long")
    if term.results_published_at is None:
        raise ValidationError(_("This term's results are not published: its marks are open already."),
                              code="not_published")
    with transaction.atomic():
        already = MarkUnlock.objects.filter(term=term, stream=stream, relocked_at__isnull=True).filter(
            Q(subject__isnull=True) | Q(subject=subject)).exists()
        if already:
            raise ValidationError(_("These marks are unlocked already."), code="already_unlocked")
        unlock = MarkUnlock.objects.create(term=term, stream=stream, subject=subject, reason=reason,
                                           unlocked_by=actor)
        audit_record(action="results.marks_unlock", actor=actor, target=unlock, request=request,
                     changes={"term": term.pk, "stream": stream.pk, "subject": getattr(subject, "code", None)},
                     detail={"reason": reason})
    return unlock


def marks_relock(*, term: Term, stream: Stream, subject: Subject | None = None, reason: str, actor,
                 request=None) -> int:
    """Lock again what marks_unlock opened (the unlock for this subject, or for all subjects when
    `subject` is None). Returns how many unlocks were closed."""
    _require_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for locking."), code="reason_required")
    with transaction.atomic():
        unlocks = MarkUnlock.objects.select_for_update().filter(term=term, stream=stream, relocked_at__isnull=True)
        unlocks = unlocks.filter(subject__isnull=True) if subject is None else unlocks.filter(
            Q(subject=subject) | Q(subject__isnull=True))
        closed = list(unlocks)
        if not closed:
            raise ValidationError(_("These marks are not unlocked."), code="not_unlocked")
        now = timezone.now()
        for unlock in closed:
            unlock.relocked_at = now
            unlock.save(update_fields=["relocked_at"])
            audit_record(action="results.marks_relock", actor=actor, target=unlock, request=request,
                         changes={"relocked_at": now}, detail={"reason": reason[:300]})
    return len(closed)
