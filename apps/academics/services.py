"""Writes to the school's structure and people: profile, years and terms, classes, streams, subjects,
teaching assignments, rooms, students (admission, changes, status history) and guardians.

Every service is keyword-only, runs in one transaction, raises ValidationError (by field where a field
is to blame) with a message a school admin can act on, and leaves an audit event."""

import datetime
import string

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import (
    AcademicYear, ClassSubject, Guardian, Room, SchoolClass, SchoolProfile, Stream, Student, StudentGuardian,
    StudentStatusChange, Subject, TeachingAssignment, Term,
)
from apps.academics.phones import phone_normalise
from apps.accounts.roles import STAFF_ROLES, Role
from apps.audit.services import audit_record
from apps.platform import limits

STUDENT_FIELDS = ("first_name", "middle_name", "last_name", "sex", "date_of_birth", "admission_number",
                  "admitted_on", "medical_notes", "notes", "photo")
SECRET_FIELDS = {"medical_notes"}  # audited as "changed", never with their text
CLASS_TEACHER_ROLES = (Role.TEACHER, Role.SCHOOL_ADMIN)


# --- helpers ----------------------------------------------------------------------------------------

def _school():
    """The current school (a Tenant row), also inside schema_context where connection.tenant is a stand-in."""
    from apps.platform.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant) and tenant.schema_name == connection.schema_name:
        return tenant
    return Tenant.objects.get(schema_name=connection.schema_name)


def _plain(value):
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "url"):  # a file
        return value.name or ""
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def _apply(obj, fields: dict, allowed: tuple[str, ...]) -> dict:
    """Set `fields` on `obj`; the changes as {field: [before, after]} (secret fields as "changed")."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)})
    changes = {}
    for field, value in fields.items():
        before = getattr(obj, field)
        if isinstance(value, str) and field not in SECRET_FIELDS:
            value = value.strip()
        if field == "photo":
            if value is None or value is False:
                value = ""
            if not value and not before:
                continue
            if value and getattr(value, "name", None) == getattr(before, "name", None) and not hasattr(value, "read"):
                continue
            setattr(obj, field, value)
            changes[field] = "changed"
            continue
        if before == value or (before in (None, "") and value in (None, "")):
            continue
        setattr(obj, field, value)
        changes[field] = "changed" if field in SECRET_FIELDS else [_plain(before), _plain(value)]
    return changes


def _full_clean(obj, exclude=None) -> None:
    obj.full_clean(exclude=exclude)


def _required(errors: dict, **values) -> None:
    for field, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.setdefault(field, []).append(_("This field is required."))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- school profile and admission numbers -----------------------------------------------------------

def school_profile() -> SchoolProfile:
    """The school's one profile row, created from the school's name the first time it is asked for."""
    profile = SchoolProfile.objects.order_by("pk").first()
    if profile is None:
        profile = SchoolProfile.objects.create(name=_school().name)
    return profile


def admission_number_validate_pattern(pattern: str) -> str:
    """The pattern if it formats with {year} and {seq} (and nothing else) into a short number."""
    pattern = (pattern or "").strip()
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None}
        example = pattern.format(year=2026, seq=1)
    except (ValueError, IndexError, KeyError):
        raise ValidationError({"admission_number_pattern": [
            _("“%(pattern)s” is not a valid pattern; use {year} and {seq}, e.g. {year}/{seq:04d}.")
            % {"pattern": pattern}]}) from None
    if "seq" not in names:
        raise ValidationError({"admission_number_pattern": [
            _("The pattern must contain {seq} (the running number), e.g. {year}/{seq:04d}.")]})
    unknown = names - {"year", "seq"}
    if unknown:
        raise ValidationError({"admission_number_pattern": [
            _("Only {year} and {seq} may be used in the pattern, not %(names)s.") % {"names": ", ".join(sorted(unknown))}]})
    if len(example) > 40:
        raise ValidationError({"admission_number_pattern": [_("The pattern makes numbers longer than 40 characters.")]})
    return pattern


def admission_number_example(pattern: str, *, seq: int = 1) -> str:
    return pattern.format(year=_admission_year(), seq=seq)


def _admission_year() -> int:
    year = AcademicYear.objects.filter(is_current=True).values_list("starts_on", flat=True).first()
    return year.year if year else timezone.localdate().year


PROFILE_FIELDS = ("name", "motto", "address", "phone", "email", "logo", "primary_colour", "head_teacher_name",
                  "admission_number_pattern")


@transaction.atomic
def school_profile_update(*, actor, request=None, **fields) -> SchoolProfile:
    profile = SchoolProfile.objects.select_for_update().get(pk=school_profile().pk)
    errors = {}
    if "phone" in fields:
        try:
            fields["phone"] = phone_normalise(fields["phone"])
        except ValidationError as error:
            errors["phone"] = error.messages
    if "admission_number_pattern" in fields:
        try:
            fields["admission_number_pattern"] = admission_number_validate_pattern(fields["admission_number_pattern"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if "primary_colour" in fields:
        fields["primary_colour"] = (fields["primary_colour"] or "").strip().lower()
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    if "name" in fields:
        _required(errors, name=fields["name"])
    _raise(errors)
    logo = fields.pop("logo", None) if "logo" in fields else None
    changes = _apply(profile, fields, PROFILE_FIELDS)
    if logo:
        profile.logo = logo
        changes["logo"] = "changed"
    _full_clean(profile)
    if changes:
        profile.save()
        audit_record(action="academics.profile_updated", actor=actor, target=profile, changes=changes, request=request)
    return profile


@transaction.atomic
def admission_number_next() -> str:
    """The next admission number from the school's pattern; the running number moves on under a row
    lock (two admissions at once never get the same number) and skips numbers already taken."""
    profile = SchoolProfile.objects.select_for_update().get(pk=school_profile().pk)
    year = _admission_year()
    seq = profile.next_admission_seq
    while True:
        number = profile.admission_number_pattern.format(year=year, seq=seq)
        seq += 1
        if not Student.objects.filter(admission_number__iexact=number).exists():
            break
    profile.next_admission_seq = seq
    profile.save(update_fields=["next_admission_seq", "updated_at"])
    return number


# --- students ---------------------------------------------------------------------------------------

def _admission_number_check(number: str, *, exclude_pk=None) -> None:
    clash = Student.objects.filter(admission_number__iexact=number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.first()
    if other is not None:
        raise ValidationError({"admission_number": [
            _("duplicate admission number %(number)s: it belongs to %(name)s.")
            % {"number": number, "name": other.full_name}]})


@transaction.atomic
def student_admit(*, first_name: str, last_name: str, sex: str, stream: Stream | None, middle_name: str = "",
                  date_of_birth: datetime.date | None = None, admission_number: str | None = None,
                  admitted_on: datetime.date | None = None, medical_notes: str = "", notes: str = "", photo=None,
                  actor, request=None) -> Student:
    """Admit a student into a stream (active). No admission number: the next from the school's pattern."""
    errors: dict[str, list] = {}
    _required(errors, first_name=first_name, last_name=last_name)
    if sex not in Student.Sex.values:
        errors.setdefault("sex", []).append(_("Choose female (F) or male (M)."))
    if stream is None:
        errors.setdefault("stream", []).append(_("Choose the stream the student joins."))
    if date_of_birth and date_of_birth > timezone.localdate():
        errors.setdefault("date_of_birth", []).append(_("The date of birth is in the future."))
    admission_number = (admission_number or "").strip() or None
    if admission_number is not None:
        try:
            _admission_number_check(admission_number)
        except ValidationError as error:
            errors.update(error.message_dict)
    _raise(errors)
    limits.check(_school(), "students", adding=1)
    if admission_number is None:
        admission_number = admission_number_next()
    student = Student(first_name=first_name.strip(), middle_name=(middle_name or "").strip(),
                      last_name=last_name.strip(), sex=sex, stream=stream, date_of_birth=date_of_birth,
                      admission_number=admission_number, admitted_on=admitted_on or timezone.localdate(),
                      medical_notes=medical_notes or "", notes=(notes or "").strip(), status=Student.Status.ACTIVE)
    if photo:
        student.photo = photo
    _full_clean(student, exclude=["photo"])
    student.save()
    StudentStatusChange.objects.create(student=student, from_status="", to_status=Student.Status.ACTIVE,
                                       to_stream=stream, effective_on=student.admitted_on,
                                       reason="", actor=actor)
    audit_record(action="academics.student_admitted", actor=actor, target=student,
                 changes={"admission_number": [None, admission_number], "stream": [None, stream.pk],
                          "status": [None, Student.Status.ACTIVE]}, request=request)
    from apps.finance.services_auto import invoice_on_enrolment  # the term's fees, when the class has them

    invoice_on_enrolment(student=student, actor=actor, request=request)
    return student


@transaction.atomic
def student_update(*, student: Student, actor, request=None, **fields) -> Student:
    """Change a student's details (not her stream or status: student_set_status keeps that history)."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    errors: dict[str, list] = {}
    if "admission_number" in fields:
        fields["admission_number"] = (fields["admission_number"] or "").strip()
        if not fields["admission_number"]:
            errors["admission_number"] = [_("This field is required.")]
        else:
            try:
                _admission_number_check(fields["admission_number"], exclude_pk=student.pk)
            except ValidationError as error:
                errors.update(error.message_dict)
    for field in ("first_name", "last_name"):
        if field in fields:
            _required(errors, **{field: fields[field]})
    if "sex" in fields and fields["sex"] not in Student.Sex.values:
        errors["sex"] = [_("Choose female (F) or male (M).")]
    if fields.get("date_of_birth") and fields["date_of_birth"] > timezone.localdate():
        errors["date_of_birth"] = [_("The date of birth is in the future.")]
    _raise(errors)
    changes = _apply(student, fields, STUDENT_FIELDS)
    if changes:
        _full_clean(student, exclude=["photo"])
        student.save()
        audit_record(action="academics.student_updated", actor=actor, target=student, changes=changes,
                     request=request)
    return student


LEAVING = (Student.Status.TRANSFERRED, Student.Status.GRADUATED, Student.Status.LEFT)


@transaction.atomic
def student_set_status(*, student: Student, status: str, effective_on: datetime.date, reason: str = "",
                       stream: Stream | None = None, actor, request=None) -> Student:
    """Move a student: to another stream (still active), out of the school (transferred, graduated,
    left: her stream is cleared) or back in (active again, into a stream). Each move is kept in her
    history (StudentStatusChange)."""
    student = Student.objects.select_for_update().get(pk=student.pk)
    errors: dict[str, list] = {}
    if status not in Student.Status.values:
        errors["status"] = [_("“%(status)s” is not a status; choose one of %(choices)s.")
                            % {"status": status, "choices": ", ".join(Student.Status.values)}]
    if effective_on is None:
        errors["effective_on"] = [_("Give the date the change takes effect.")]
    _raise(errors)
    if status in LEAVING:
        new_stream = None
    else:
        new_stream = stream or (student.stream if student.status == Student.Status.ACTIVE else None)
        if new_stream is None:
            raise ValidationError({"stream": [_("Choose the stream the student returns to.")]})
    if status == student.status and new_stream == student.stream:
        raise ValidationError({"status": [_("%(name)s is already %(status)s%(where)s; nothing changes.") % {
            "name": student.full_name, "status": Student.Status(status).label,
            "where": f" ({new_stream.full_name})" if new_stream else ""}]})
    if status == Student.Status.ACTIVE and student.status != Student.Status.ACTIVE:
        limits.check(_school(), "students", adding=1)
    before_status, before_stream = student.status, student.stream
    student.status, student.stream = status, new_stream
    student.save(update_fields=["status", "stream", "updated_at"])
    StudentStatusChange.objects.create(student=student, from_status=before_status, to_status=status,
                                       from_stream=before_stream, to_stream=new_stream, effective_on=effective_on,
                                       reason=(reason or "").strip()[:300], actor=actor)
    audit_record(action="academics.student_status_changed", actor=actor, target=student,
                 changes={"status": [before_status, status],
                          "stream": [getattr(before_stream, "pk", None), getattr(new_stream, "pk", None)]},
                 detail={"effective_on": effective_on.isoformat(), "reason": reason or ""}, request=request)
    return student


# --- guardians --------------------------------------------------------------------------------------

def _guardian_identity(*, phone: str, email: str, exclude_user_pk=None) -> tuple[str, str]:
    """(E.164 phone, lower-cased email), refusing bad values and ones another guardian or user holds."""
    errors: dict[str, list] = {}
    try:
        phone = phone_normalise(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("“%(email)s” is not a valid email address.") % {"email": email}]
    if not errors.get("phone") and not errors.get("email") and not phone and not email:
        errors["phone"] = [_("Give a phone number or an email address, so the school can reach this guardian.")]
    _raise(errors)
    User = get_user_model()
    if phone:
        other = Guardian.objects.select_related("user").filter(phone=phone).exclude(user_id=exclude_user_pk).first()
        if other is not None:
            errors["phone"] = [_("a guardian with this phone already exists: %(name)s (%(phone)s).")
                               % {"name": other.user.display_name, "phone": phone}]
        elif User.objects.filter(username__iexact=phone).exclude(pk=exclude_user_pk).exists():
            errors["phone"] = [_("A user with this phone already exists: %(phone)s.") % {"phone": phone}]
    if email:
        other = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exclude(
            pk=exclude_user_pk).first()
        if other is not None:
            if hasattr(other, "guardian"):
                errors["email"] = [_("a guardian with this email already exists: %(name)s (%(email)s).")
                                   % {"name": other.display_name, "email": email}]
            else:
                errors["email"] = [_("A user with this email already exists: %(name)s (%(email)s).")
                                   % {"name": other.display_name, "email": email}]
    _raise(errors)
    return phone, email


@transaction.atomic
def guardian_create(*, first_name: str, last_name: str, phone: str = "", email: str = "", occupation: str = "",
                    address: str = "", actor, request=None) -> Guardian:
    """A guardian and the parent user behind him (no usable password yet: he is invited to the
    parent portal with guardian_invite). Signs in with his email, else his phone (E.164)."""
    from apps.accounts.services import user_groups_match_role

    errors: dict[str, list] = {}
    _required(errors, first_name=first_name, last_name=last_name)
    try:
        phone, email = _guardian_identity(phone=phone, email=email)
    except ValidationError as error:
        errors.update(error.message_dict)
    _raise(errors)
    User = get_user_model()
    user = User(username=email or phone, email=email, role=Role.PARENT, first_name=first_name.strip(),
                last_name=last_name.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"] if email else ["password", "email"])  # a phone-only guardian
    user.save()
    user_groups_match_role(user=user)
    guardian = Guardian(user=user, phone=phone, occupation=(occupation or "").strip(), address=(address or "").strip())
    _full_clean(guardian)
    guardian.save()
    audit_record(action="academics.guardian_created", actor=actor, target=guardian,
                 changes={"phone": [None, phone], "email": [None, email]}, request=request)
    return guardian


def _guardian_staff_member(*, guardian: Guardian, staff_member):
    """The user `staff_member` names, read again and locked (so two guardians cannot take him at the same
    moment), when he may be linked to this guardian: an active user with a staff role whom no other
    guardian names. None unlinks."""
    if staff_member is None:
        return None
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=getattr(staff_member, "pk", staff_member)).first()
    if user is None:
        raise ValidationError({"staff_member": [_("This user does not work at this school.")]})
    if user.role not in STAFF_ROLES:
        raise ValidationError({"staff_member": [
            _("%(name)s is a %(role)s, not a member of staff; only school admins, teachers, accountants and "
              "other staff can be linked.") % {"name": user.display_name, "role": Role(user.role).label}]})
    if not user.is_active:
        raise ValidationError({"staff_member": [_("%(name)s is deactivated.") % {"name": user.display_name}]})
    other = Guardian.objects.select_related("user").filter(staff_member=user).exclude(pk=guardian.pk).first()
    if other is not None:
        raise ValidationError({"staff_member": [_("%(name)s is already linked to another guardian: %(guardian)s.")
                                                % {"name": user.display_name, "guardian": other}]})
    return user


@transaction.atomic
def guardian_update(*, guardian: Guardian, actor, request=None, **fields) -> Guardian:
    """Change a guardian's name, phone, email, occupation or address (his sign-in name follows), or the
    staff user he is at the school (`staff_member`: his children get the staff-child discount; None: he
    does not work here)."""
    guardian = Guardian.objects.select_for_update().select_related("user").get(pk=guardian.pk)
    user = guardian.user
    errors: dict[str, list] = {}
    unknown = set(fields) - {"first_name", "last_name", "phone", "email", "occupation", "address", "staff_member"}
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    for field in ("first_name", "last_name"):
        if field in fields:
            _required(errors, **{field: fields[field]})
    phone = fields.get("phone", guardian.phone)
    email = fields.get("email", user.email)
    try:
        phone, email = _guardian_identity(phone=phone, email=email, exclude_user_pk=user.pk)
    except ValidationError as error:
        errors.update(error.message_dict)
    staff_member = fields.get("staff_member", guardian.staff_member_id)
    staff_pk = getattr(staff_member, "pk", staff_member)
    if staff_pk != guardian.staff_member_id:  # a link kept as it was is not checked again
        try:
            staff_member = _guardian_staff_member(guardian=guardian, staff_member=staff_member)
        except ValidationError as error:
            errors.update(error.message_dict)
    _raise(errors)
    changes = {}
    changes.update(_apply(user, {k: v for k, v in fields.items() if k in ("first_name", "last_name")},
                          ("first_name", "last_name")))
    if email != user.email:
        changes["email"] = [user.email, email]
        user.email = email
    username = email or phone
    if username != user.username:
        user.username = username
    changes.update(_apply(guardian, {"phone": phone, **{k: v for k, v in fields.items()
                                                       if k in ("occupation", "address")}},
                          ("phone", "occupation", "address")))
    if staff_pk != guardian.staff_member_id:
        changes["staff_member"] = [guardian.staff_member_id, staff_pk]
        guardian.staff_member = staff_member
    if changes:
        user.save()
        guardian.save()
        audit_record(action="academics.guardian_updated", actor=actor, target=guardian, changes=changes,
                     request=request)
    return guardian


@transaction.atomic
def guardian_link(*, student: Student, guardian: Guardian, relationship: str, is_primary: bool = False, actor,
                  request=None) -> StudentGuardian:
    """Link a guardian to a student (or change the link's relationship / primary flag). The first
    guardian of a student is her primary contact; making another primary takes it from the rest."""
    if relationship not in StudentGuardian.Relationship.values:
        raise ValidationError({"relationship": [_("“%(value)s” is not a relationship; choose one of %(choices)s.")
                                                % {"value": relationship,
                                                   "choices": ", ".join(StudentGuardian.Relationship.values)}]})
    links = StudentGuardian.objects.select_for_update().filter(student=student)
    existing = {link.guardian_id: link for link in links}
    link = existing.get(guardian.pk)
    others = [other for pk, other in existing.items() if pk != guardian.pk]
    if not others:
        is_primary = True
    if is_primary:
        StudentGuardian.objects.filter(student=student, is_primary=True).exclude(guardian=guardian).update(
            is_primary=False)
    changes = {}
    if link is None:
        link = StudentGuardian.objects.create(student=student, guardian=guardian, relationship=relationship,
                                              is_primary=is_primary)
        action = "academics.guardian_linked"
        changes = {"relationship": [None, relationship], "is_primary": [None, is_primary]}
    else:
        action = "academics.guardian_link_changed"
        if link.relationship != relationship:
            changes["relationship"] = [link.relationship, relationship]
        if link.is_primary != is_primary and (is_primary or others):
            changes["is_primary"] = [link.is_primary, is_primary]
        link.relationship = relationship
        if is_primary or others:
            link.is_primary = is_primary
        link.save(update_fields=["relationship", "is_primary"])
        if not is_primary and not any(other.is_primary for other in others) and others:
            # someone must stay primary: the one linked first
            StudentGuardian.objects.filter(pk=min(other.pk for other in others)).update(is_primary=True)
    if changes:
        audit_record(action=action, actor=actor, target=student, changes=changes,
                     detail={"guardian": guardian.pk}, request=request)
    return link


@transaction.atomic
def guardian_unlink(*, student: Student, guardian: Guardian, actor, request=None) -> None:
    """Remove the link; if he was the primary contact, the guardian linked next-first becomes primary."""
    link = StudentGuardian.objects.select_for_update().filter(student=student, guardian=guardian).first()
    if link is None:
        raise ValidationError(_("%(guardian)s is not a guardian of %(student)s.")
                              % {"guardian": guardian, "student": student.full_name})
    was_primary = link.is_primary
    link.delete()
    if was_primary:
        successor = StudentGuardian.objects.filter(student=student).order_by("pk").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])
    audit_record(action="academics.guardian_unlinked", actor=actor, target=student,
                 changes={"guardian": [guardian.pk, None]}, request=request)


@transaction.atomic
def guardian_invite(*, guardian: Guardian, actor, base_url: str | None = None, request=None) -> Guardian:
    """Email a guardian the link to choose a password for the parent portal (he needs an email)."""
    from apps.accounts import invitations

    user = guardian.user
    if not user.email:
        raise ValidationError({"email": [_("%(name)s has no email address; add one first.") % {"name": user.display_name}]})
    if user.has_usable_password():
        raise ValidationError(_("%(name)s can already sign in.") % {"name": user.display_name})
    if not user.is_active:
        raise ValidationError(_("%(name)s is deactivated.") % {"name": user.display_name})
    audit_record(action="user.invited", actor=actor, target=user, detail={"email": user.email, "guardian": guardian.pk},
                 request=request)
    invitations.invitation_send_on_commit(user=user, base_url=base_url)
    return guardian


# --- years and terms --------------------------------------------------------------------------------

def _dates_check(errors: dict, starts_on, ends_on) -> None:
    _required(errors, starts_on=starts_on, ends_on=ends_on)
    if starts_on and ends_on and ends_on <= starts_on:
        errors.setdefault("ends_on", []).append(_("The end must come after the start."))


@transaction.atomic
def year_create(*, name: str, starts_on: datetime.date, ends_on: datetime.date, is_current: bool = False, actor,
                request=None) -> AcademicYear:
    errors: dict[str, list] = {}
    name = (name or "").strip()
    _required(errors, name=name)
    _dates_check(errors, starts_on, ends_on)
    if name and AcademicYear.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append(_("A year named %(name)s already exists.") % {"name": name})
    _raise(errors)
    year = AcademicYear.objects.create(name=name, starts_on=starts_on, ends_on=ends_on)
    audit_record(action="academics.year_created", actor=actor, target=year,
                 changes={"starts_on": [None, starts_on], "ends_on": [None, ends_on]}, request=request)
    if is_current or not AcademicYear.objects.filter(is_current=True).exists():
        year = year_set_current(year=year, actor=actor, request=request)
    return year


@transaction.atomic
def year_set_current(*, year: AcademicYear, actor, request=None) -> AcademicYear:
    before = AcademicYear.objects.select_for_update().filter(is_current=True).first()
    if before is not None and before.pk == year.pk:
        return year
    AcademicYear.objects.filter(is_current=True).update(is_current=False)
    # a current term of another year stops being current
    Term.objects.filter(is_current=True).exclude(year=year).update(is_current=False)
    AcademicYear.objects.filter(pk=year.pk).update(is_current=True)
    year.is_current = True
    audit_record(action="academics.year_set_current", actor=actor, target=year,
                 changes={"current_year": [getattr(before, "name", None), year.name]}, request=request)
    return year


@transaction.atomic
def term_create(*, year: AcademicYear, number: int, starts_on: datetime.date, ends_on: datetime.date,
                name: str = "", is_current: bool = False, actor, request=None) -> Term:
    errors: dict[str, list] = {}
    _dates_check(errors, starts_on, ends_on)
    if not number or number < 1:
        errors.setdefault("number", []).append(_("The term number is 1 or more."))
    elif Term.objects.filter(year=year, number=number).exists():
        errors.setdefault("number", []).append(_("%(year)s already has a term %(number)s.")
                                               % {"year": year.name, "number": number})
    if starts_on and ends_on and not errors.get("ends_on") and (starts_on < year.starts_on or ends_on > year.ends_on):
        errors.setdefault("starts_on", []).append(
            _("A term of %(year)s lies between %(start)s and %(end)s.")
            % {"year": year.name, "start": year.starts_on.isoformat(), "end": year.ends_on.isoformat()})
    if starts_on and ends_on and not errors:
        overlap = Term.objects.filter(year=year, starts_on__lte=ends_on, ends_on__gte=starts_on).first()
        if overlap is not None:
            errors.setdefault("starts_on", []).append(_("The dates overlap %(term)s.") % {"term": overlap.name})
    _raise(errors)
    term = Term.objects.create(year=year, number=number, name=(name or "").strip() or _("Term %(n)s") % {"n": number},
                               starts_on=starts_on, ends_on=ends_on)
    audit_record(action="academics.term_created", actor=actor, target=term,
                 changes={"starts_on": [None, starts_on], "ends_on": [None, ends_on]}, request=request)
    if is_current:
        term = term_set_current(term=term, actor=actor, request=request)
    return term


@transaction.atomic
def term_set_current(*, term: Term, actor, request=None) -> Term:
    """One current term at a time; its year becomes the current year."""
    before = Term.objects.select_for_update().filter(is_current=True).first()
    if before is not None and before.pk == term.pk:
        return term
    if not term.year.is_current:
        year_set_current(year=term.year, actor=actor, request=request)
    Term.objects.filter(is_current=True).update(is_current=False)
    Term.objects.filter(pk=term.pk).update(is_current=True)
    term.is_current = True
    audit_record(action="academics.term_set_current", actor=actor, target=term,
                 changes={"current_term": [str(before) if before else None, str(term)]}, request=request)
    from apps.finance.services_auto import invoicing_on_term_open  # each class with fees gets its invoices

    invoicing_on_term_open(term=term, actor=actor)
    return term


@transaction.atomic
def term_update(*, term: Term, actor, request=None, **fields) -> Term:
    """Change a term's name, dates or the day registers are frozen through."""
    term = Term.objects.select_for_update().select_related("year").get(pk=term.pk)
    errors: dict[str, list] = {}
    starts_on = fields.get("starts_on", term.starts_on)
    ends_on = fields.get("ends_on", term.ends_on)
    _dates_check(errors, starts_on, ends_on)
    if "name" in fields:
        _required(errors, name=fields["name"])
    frozen = fields.get("attendance_frozen_through", term.attendance_frozen_through)
    if frozen and ends_on and frozen > ends_on:
        errors.setdefault("attendance_frozen_through", []).append(_("Registers can be frozen up to the term's last day."))
    if starts_on and ends_on and not errors and Term.objects.filter(
            year=term.year, starts_on__lte=ends_on, ends_on__gte=starts_on).exclude(pk=term.pk).exists():
        errors.setdefault("starts_on", []).append(_("The dates overlap another term of this year."))
    _raise(errors)
    changes = _apply(term, fields, ("name", "starts_on", "ends_on", "attendance_frozen_through"))
    if changes:
        _full_clean(term)
        term.save()
        audit_record(action="academics.term_updated", actor=actor, target=term, changes=changes, request=request)
    return term


# --- classes, streams, subjects, rooms --------------------------------------------------------------

def _class_checks(errors: dict, *, name, level, next_class, exclude_pk=None) -> None:
    others = SchoolClass.objects.exclude(pk=exclude_pk)
    if name is not None:
        _required(errors, name=name)
        if name and others.filter(name__iexact=name.strip()).exists():
            errors.setdefault("name", []).append(_("A class named %(name)s already exists.") % {"name": name.strip()})
    if level is not None:
        if others.filter(level=level).exists():
            errors.setdefault("level", []).append(_("Another class is at level %(level)s.") % {"level": level})
    if next_class is not None:
        if exclude_pk is not None and next_class.pk == exclude_pk:
            errors.setdefault("next_class", []).append(_("A class cannot move on to itself."))
        elif others.filter(next_class=next_class).exists() and not (
                exclude_pk and SchoolClass.objects.filter(pk=exclude_pk, next_class=next_class).exists()):
            errors.setdefault("next_class", []).append(
                _("%(name)s already follows another class.") % {"name": next_class.name})


@transaction.atomic
def class_create(*, name: str, level: int, next_class: SchoolClass | None = None, grading_scheme=None, actor,
                 request=None) -> SchoolClass:
    errors: dict[str, list] = {}
    if level is None:
        errors["level"] = [_("This field is required.")]
    _class_checks(errors, name=name, level=level, next_class=next_class)
    _raise(errors)
    school_class = SchoolClass.objects.create(name=name.strip(), level=level, next_class=next_class,
                                              grading_scheme=grading_scheme)
    audit_record(action="academics.class_created", actor=actor, target=school_class,
                 changes={"name": [None, school_class.name], "level": [None, level]}, request=request)
    return school_class


@transaction.atomic
def class_update(*, school_class: SchoolClass, actor, request=None, **fields) -> SchoolClass:
    school_class = SchoolClass.objects.select_for_update().get(pk=school_class.pk)
    errors: dict[str, list] = {}
    if "level" in fields and fields["level"] is None:
        errors["level"] = [_("This field is required.")]
    _class_checks(errors, name=fields.get("name"), level=fields.get("level"), next_class=fields.get("next_class"),
                  exclude_pk=school_class.pk)
    _raise(errors)
    changes = _apply(school_class, fields, ("name", "level", "next_class", "grading_scheme"))
    if changes:
        school_class.save()
        audit_record(action="academics.class_updated", actor=actor, target=school_class, changes=changes,
                     request=request)
    return school_class


def _class_teacher_check(errors: dict, teacher) -> None:
    if teacher is not None and (teacher.role not in CLASS_TEACHER_ROLES or not teacher.is_active):
        errors.setdefault("class_teacher", []).append(
            _("%(name)s is not an active teacher or school admin.") % {"name": teacher.display_name})


@transaction.atomic
def stream_create(*, school_class: SchoolClass, name: str, class_teacher=None, room: Room | None = None,
                  capacity: int | None = None, actor, request=None) -> Stream:
    errors: dict[str, list] = {}
    name = (name or "").strip()
    _required(errors, name=name)
    if name and Stream.objects.filter(school_class=school_class, name__iexact=name).exists():
        errors.setdefault("name", []).append(_("%(cls)s already has a stream %(name)s.")
                                             % {"cls": school_class.name, "name": name})
    _class_teacher_check(errors, class_teacher)
    _raise(errors)
    stream = Stream.objects.create(school_class=school_class, name=name, class_teacher=class_teacher, room=room,
                                   capacity=capacity)
    audit_record(action="academics.stream_created", actor=actor, target=stream,
                 changes={"class_teacher": [None, getattr(class_teacher, "pk", None)]}, request=request)
    return stream


@transaction.atomic
def stream_update(*, stream: Stream, actor, request=None, **fields) -> Stream:
    stream = Stream.objects.select_for_update().select_related("school_class").get(pk=stream.pk)
    errors: dict[str, list] = {}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        _required(errors, name=fields["name"])
        if fields["name"] and Stream.objects.filter(school_class=stream.school_class, name__iexact=fields["name"]
                                                    ).exclude(pk=stream.pk).exists():
            errors.setdefault("name", []).append(_("%(cls)s already has a stream %(name)s.")
                                                 % {"cls": stream.school_class.name, "name": fields["name"]})
    if "class_teacher" in fields:
        _class_teacher_check(errors, fields["class_teacher"])
    _raise(errors)
    changes = _apply(stream, fields, ("name", "class_teacher", "room", "capacity"))
    if changes:
        stream.save()
        audit_record(action="academics.stream_updated", actor=actor, target=stream, changes=changes, request=request)
    return stream


@transaction.atomic
def subject_create(*, code: str, name: str, is_core: bool = True, is_subsidiary: bool = False, order: int = 0,
                   actor, request=None) -> Subject:
    errors: dict[str, list] = {}
    code = (code or "").strip().upper()
    _required(errors, code=code, name=name)
    if code and Subject.objects.filter(code__iexact=code).exists():
        errors.setdefault("code", []).append(_("A subject with the code %(code)s already exists.") % {"code": code})
    _raise(errors)
    subject = Subject(code=code, name=name.strip(), is_core=is_core, is_subsidiary=is_subsidiary, order=order or 0)
    _full_clean(subject)
    subject.save()
    audit_record(action="academics.subject_created", actor=actor, target=subject,
                 changes={"code": [None, code], "name": [None, subject.name]}, request=request)
    return subject


@transaction.atomic
def subject_update(*, subject: Subject, actor, request=None, **fields) -> Subject:
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    errors: dict[str, list] = {}
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip().upper()
        _required(errors, code=fields["code"])
        if fields["code"] and Subject.objects.filter(code__iexact=fields["code"]).exclude(pk=subject.pk).exists():
            errors.setdefault("code", []).append(_("A subject with the code %(code)s already exists.")
                                                 % {"code": fields["code"]})
    if "name" in fields:
        _required(errors, name=fields["name"])
    _raise(errors)
    changes = _apply(subject, fields, ("code", "name", "is_core", "is_subsidiary", "order"))
    if changes:
        _full_clean(subject)
        subject.save()
        audit_record(action="academics.subject_updated", actor=actor, target=subject, changes=changes,
                     request=request)
    return subject


@transaction.atomic
def class_subject_set(*, school_class: SchoolClass, subjects, actor, request=None) -> list[Subject]:
    """Make the class's curriculum exactly `subjects`."""
    want = {subject.pk: subject for subject in subjects}
    have = set(ClassSubject.objects.filter(school_class=school_class).values_list("subject_id", flat=True))
    added, removed = sorted(set(want) - have), sorted(have - set(want))
    if removed:
        ClassSubject.objects.filter(school_class=school_class, subject_id__in=removed).delete()
    ClassSubject.objects.bulk_create([ClassSubject(school_class=school_class, subject_id=pk) for pk in added])
    if added or removed:
        audit_record(action="academics.class_subjects_set", actor=actor, target=school_class,
                     changes={"added": added, "removed": removed}, request=request)
    return list(want.values())


@transaction.atomic
def assignment_set(*, stream: Stream, subject: Subject, teacher, actor, request=None) -> TeachingAssignment:
    """Who teaches `subject` to `stream` (replacing whoever did)."""
    if teacher is None or teacher.role != Role.TEACHER or not teacher.is_active:
        name = teacher.display_name if teacher is not None else "—"
        raise ValidationError({"teacher": [_("%(name)s is not an active teacher.") % {"name": name}]})
    assignment = TeachingAssignment.objects.select_for_update().filter(stream=stream, subject=subject).first()
    if assignment is None:
        assignment = TeachingAssignment.objects.create(stream=stream, subject=subject, teacher=teacher)
        before = None
    elif assignment.teacher_id == teacher.pk:
        return assignment
    else:
        before = assignment.teacher_id
        assignment.teacher = teacher
        assignment.save(update_fields=["teacher"])
    audit_record(action="academics.assignment_set", actor=actor, target=assignment,
                 changes={"teacher": [before, teacher.pk]},
                 detail={"stream": stream.pk, "subject": subject.code}, request=request)
    return assignment


@transaction.atomic
def assignment_remove(*, stream: Stream, subject: Subject, actor, request=None) -> None:
    assignment = TeachingAssignment.objects.select_for_update().filter(stream=stream, subject=subject).first()
    if assignment is None:
        return
    audit_record(action="academics.assignment_removed", actor=actor, target=assignment,
                 changes={"teacher": [assignment.teacher_id, None]},
                 detail={"stream": stream.pk, "subject": subject.code}, request=request)
    assignment.delete()


@transaction.atomic
def room_create(*, name: str, capacity: int | None = None, actor, request=None) -> Room:
    errors: dict[str, list] = {}
    name = (name or "").strip()
    _required(errors, name=name)
    if name and Room.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append(_("A room named %(name)s already exists.") % {"name": name})
    _raise(errors)
    room = Room.objects.create(name=name, capacity=capacity)
    audit_record(action="academics.room_created", actor=actor, target=room, changes={"name": [None, name]},
                 request=request)
    return room
