"""Taking registers and freezing them.

A register is saved whole (every mark in one request), validated first: nothing is written unless
everything is right. Who: the stream's class teacher, a teacher with a teaching assignment in it, or
a school admin. A register on or before the term's "frozen through" date is the admin's alone, and
every such change is audited with the marks before and after. Newly absent students' guardians get
an SMS through the outbox, once per student and register (the dedupe key)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.academics.models import SchoolProfile, Stream, Student, Term
from apps.accounts.roles import Role
from apps.attendance.models import AttendanceMark, Register
from apps.attendance.selectors import term_for_date
from apps.audit.services import audit_record
from apps.communication.services import guardians_notify

Status = AttendanceMark.Status
ABSENCE_KIND = "attendance.absence"
SMS_LENGTH = 160


def can_take_register(*, user, stream: Stream) -> bool:
    """A school admin; the stream's class teacher; a teacher assigned to teach in the stream."""
    if user.role == Role.SCHOOL_ADMIN:
        return True
    if user.role != Role.TEACHER:
        return False
    return stream.class_teacher_id == user.pk or stream.assignments.filter(teacher=user).exists()


def is_frozen(*, term: Term, date: datetime.date) -> bool:
    return term.attendance_frozen_through is not None and date <= term.attendance_frozen_through


def absence_dedupe_key(*, student_id, date: datetime.date, period: int | None) -> str:
    return f"{ABSENCE_KIND}:{student_id}:{date.isoformat()}:{period if period is not None else 'day'}"


def absence_body(*, student: Student, date: datetime.date, school_name: str, school_phone: str) -> str:
    """The SMS a guardian gets, kept within one SMS (160 characters) when it can be."""
    when = date_format(date, "j M Y")
    name = student.first_name if len(student.full_name) > 30 else student.full_name
    call = (_(" Call the school on %(phone)s if this is unexpected.") % {"phone": school_phone}) if school_phone \
        else _(" Please contact the school if this is unexpected.")
    body = _("OmniCore: %(student)s was marked absent at %(school)s on %(date)s.") % {
        "student": name, "school": school_name, "date": when} + call
    if len(body) > SMS_LENGTH:  # a long school name: shorten it rather than split the SMS
        room = max(10, len(school_name) - (len(body) - SMS_LENGTH) - 1)
        body = _("OmniCore: %(student)s was marked absent at %(school)s on %(date)s.") % {
            "student": name, "school": school_name[:room].rstrip() + "…", "date": when} + call
    return body


def _school_contact() -> tuple[str, str]:
    from django.db import connection

    profile = SchoolProfile.objects.first()
    tenant = getattr(connection, "tenant", None)
    name = (profile.name if profile and profile.name else getattr(tenant, "name", "")) or _("the school")
    phone = (profile.phone if profile else "") or getattr(tenant, "phone", "") or ""
    return name, phone


def _validate(*, stream: Stream, date: datetime.date, period, marks: dict, notes: dict) -> tuple[Term, dict, dict]:
    """Everything that can be wrong, as one ValidationError (field -> messages); else (term, marks
    by student id, notes by student id) with ids as ints."""
    errors: dict[str, list[str]] = {}
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ValidationError({"date": [_("Give the register's date (YYYY-MM-DD).")]})
    if date > timezone.localdate():
        errors.setdefault("date", []).append(_("A register cannot be taken for a day in the future."))
    term = term_for_date(date)
    if term is None:
        errors.setdefault("date", []).append(
            _("%(date)s is not within any term; registers are taken in term time.") % {"date": date.isoformat()})
    if period is not None and (not isinstance(period, int) or isinstance(period, bool) or not 1 <= period <= 20):
        errors.setdefault("period", []).append(_("A period is a lesson number from 1 to 20."))
    if not marks:
        errors.setdefault("marks", []).append(_("The register has no marks."))
    clean_marks, clean_notes = {}, {}
    for key, status in marks.items():
        try:
            student_id = int(key)
        except (TypeError, ValueError):
            errors.setdefault("marks", []).append(_("Unknown student: %(id)s.") % {"id": key})
            continue
        if status not in Status.values:
            errors.setdefault(f"student-{student_id}", []).append(
                _("“%(status)s” is not a register mark (present, absent, late or excused).") % {"status": status})
        clean_marks[student_id] = status
    for key, note in (notes or {}).items():
        try:
            student_id = int(key)
        except (TypeError, ValueError):
            continue
        note = (note or "").strip()
        if len(note) > 200:
            errors.setdefault(f"student-{student_id}", []).append(_("A note is at most 200 characters."))
        if note:
            clean_notes[student_id] = note
    # students: of this stream and active; name the ones that are not
    if clean_marks:
        found = {student.pk: student for student in
                 Student.objects.filter(pk__in=clean_marks).only("id", "first_name", "middle_name", "last_name",
                                                                   "admission_number", "stream_id", "status")}
        for student_id in clean_marks:
            student = found.get(student_id)
            if student is None:
                errors.setdefault(f"student-{student_id}", []).append(
                    _("Student %(id)s does not exist.") % {"id": student_id})
            elif student.stream_id != stream.pk:
                errors.setdefault(f"student-{student_id}", []).append(
                    _("%(student)s is not in %(stream)s.") % {"student": student.full_name, "stream": stream})
            elif student.status != Student.Status.ACTIVE:
                errors.setdefault(f"student-{student_id}", []).append(
                    _("%(student)s is not an active student (%(status)s).") % {
                        "student": student.full_name, "status": student.get_status_display()})
    if errors:
        raise ValidationError(errors)
    return term, clean_marks, clean_notes


@transaction.atomic
def register_save(*, stream: Stream, date: datetime.date, period: int | None = None, marks: dict,
                  notes: dict | None = None, actor, request=None) -> Register:
    """Save a stream's register for a day (or one period): `marks` maps student id -> status,
    `notes` student id -> a short note. Validated whole first (ValidationError naming each student
    that is wrong; nothing saved); then the marks are upserted in bulk and guardians of students
    newly marked absent are queued an SMS (once: saving again does not notify again)."""
    if not can_take_register(user=actor, stream=stream):
        raise PermissionDenied(_("Only the stream's teachers or a school admin can take this register."))
    term, marks, notes = _validate(stream=stream, date=date, period=period, marks=marks, notes=notes or {})
    term = Term.objects.select_for_update().get(pk=term.pk)  # a freeze taking effect now waits for us
    frozen = is_frozen(term=term, date=date)
    if frozen and actor.role != Role.SCHOOL_ADMIN:
        raise PermissionDenied(_("Registers up to %(date)s are frozen; only a school admin can change them.") % {
            "date": date_format(term.attendance_frozen_through, "j M Y")})

    register, created = Register.objects.select_for_update().get_or_create(
        stream=stream, date=date, period=period, defaults={"term": term, "taken_by": actor})
    before = {} if created else dict(register.marks.values_list("student_id", "status"))
    before_notes = {} if created else dict(register.marks.exclude(note="").values_list("student_id", "note"))
    if not created:
        register.taken_by = actor
        register.save(update_fields=["taken_by", "updated_at"])

    rows = [AttendanceMark(register=register, student_id=student_id, status=status, note=notes.get(student_id, ""))
            for student_id, status in marks.items()]
    AttendanceMark.objects.bulk_create(rows, update_conflicts=True, unique_fields=["register", "student"],
                                       update_fields=["status", "note", "updated_at"])

    changed = {str(student_id): [before.get(student_id), status] for student_id, status in marks.items()
               if before.get(student_id) != status or before_notes.get(student_id, "") != notes.get(student_id, "")}
    if created or changed:
        audit_record(action="attendance.register_frozen_change" if frozen else "attendance.register_save",
                     actor=actor, target=register, request=request,
                     changes={"marks": changed} if frozen else {},
                     detail={"date": date.isoformat(), "period": period, "stream": stream.pk, "marked": len(marks),
                             "absent": sum(1 for status in marks.values() if status == Status.ABSENT),
                             "frozen": frozen})

    newly_absent = [student_id for student_id, status in marks.items()
                    if status == Status.ABSENT and before.get(student_id) != Status.ABSENT]
    if newly_absent:
        school_name, school_phone = _school_contact()
        guardians_notify(
            students=Student.objects.filter(pk__in=newly_absent), kind=ABSENCE_KIND,
            body_for=lambda student, guardian: absence_body(student=student, date=date, school_name=school_name,
                                                            school_phone=school_phone),
            dedupe_for=lambda student, guardian: f"{absence_dedupe_key(student_id=student.pk, date=date, period=period)}"
                                                 f":{guardian.pk}",
            object_type="attendance.register", object_id_for=lambda student: register.pk)
    return register


@transaction.atomic
def register_freeze(*, term: Term, through: datetime.date | None, actor, request=None) -> Term:
    """Freeze a term's registers up to and including `through` (None: unfreeze): after that only a
    school admin can change them, and each change is audited."""
    if actor.role != Role.SCHOOL_ADMIN:
        raise PermissionDenied(_("Only a school admin can freeze registers."))
    term = Term.objects.select_for_update().get(pk=term.pk)
    if through is not None and not (term.starts_on <= through <= term.ends_on):
        raise ValidationError({"through": [_("Choose a day within %(term)s (%(start)s – %(end)s).") % {
            "term": term, "start": date_format(term.starts_on, "j M Y"), "end": date_format(term.ends_on, "j M Y")}]})
    before = term.attendance_frozen_through
    if before == through:
        return term
    term.attendance_frozen_through = through
    term.save(update_fields=["attendance_frozen_through"])
    audit_record(action="attendance.register_freeze", actor=actor, target=term, request=request,
                 changes={"attendance_frozen_through": [before, through]})
    return term

