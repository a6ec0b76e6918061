"""Year-end promotion: every active student moves to the stream of the same name in the next class
(created when missing), the final class (no next class) graduates, repeaters named by the admin
stay. One job ("academics.promote"), one transaction, once per target academic year."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import AcademicYear, Promotion, Stream, Student, StudentStatusChange
from apps.academics.selectors import current_year
from apps.audit.services import audit_record


@dataclass
class StreamMove:
    """What happens to one stream's active students."""

    stream: Stream
    students: list = field(default_factory=list)
    target_stream: Stream | None = None  # None with a target class: to be created
    target_name: str = ""  # "Form 2A"; "" for graduates
    graduates: bool = False

    @property
    def creates_stream(self) -> bool:
        return not self.graduates and self.target_stream is None

    @property
    def count(self) -> int:
        return len(self.students)


def promotion_target_years():
    """The academic years students can be promoted into: those that start after the current one."""
    year = current_year()
    if year is None:
        return AcademicYear.objects.none()
    return AcademicYear.objects.filter(starts_on__gt=year.starts_on).order_by("starts_on")


def promotion_refusal(*, target_year: AcademicYear) -> str:
    """Why students cannot be promoted into `target_year` now ("" when they can)."""
    from apps.jobs.models import Job

    year = current_year()
    if year is None:
        return _("There is no current academic year to promote from.")
    if target_year.starts_on <= year.starts_on:
        return _("%(target)s does not come after the current year %(current)s: add the next academic year first.") \
            % {"target": target_year.name, "current": year.name}
    done = Promotion.objects.filter(target_year=target_year).select_related("actor").first()
    if done is not None:
        return _("Students were already promoted into %(year)s on %(date)s. A promotion runs once per year.") % {
            "year": target_year.name, "date": timezone.localtime(done.created_at).date().isoformat()}
    waiting = Job.objects.filter(kind="academics.promote", params__target_year_id=target_year.pk,
                                 status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()
    if waiting:
        return _("A promotion into %(year)s is already under way.") % {"year": target_year.name}
    return ""


def promotion_plan() -> list[StreamMove]:
    """Each stream with its active students and where they go, in class order (three queries)."""
    streams = list(Stream.objects.select_related("school_class__next_class").order_by("school_class__level", "name"))
    by_class_and_name = {(stream.school_class_id, stream.name.lower()): stream for stream in streams}
    moves = {stream.pk: StreamMove(stream=stream) for stream in streams}
    for stream in streams:
        move = moves[stream.pk]
        next_class = stream.school_class.next_class
        if next_class is None:
            move.graduates = True
        else:
            move.target_stream = by_class_and_name.get((next_class.pk, stream.name.lower()))
            move.target_name = (move.target_stream.full_name if move.target_stream
                                else Stream(school_class=next_class, name=stream.name).full_name)
    students = Student.objects.filter(status=Student.Status.ACTIVE).only(
        "id", "first_name", "middle_name", "last_name", "admission_number", "stream_id").order_by(
        "last_name", "first_name")
    for student in students:
        moves[student.stream_id].students.append(student)
    return list(moves.values())


def promotion_start(*, target_year: AcademicYear, exclude: list[int], actor, request=None):
    """Queue the promotion job; refused (ValidationError) for a year already promoted into or not next."""
    from apps.jobs.services import job_start

    refusal = promotion_refusal(target_year=target_year)
    if refusal:
        raise ValidationError(refusal, code="refused")
    active = Student.objects.filter(status=Student.Status.ACTIVE)
    return job_start(kind="academics.promote",
                     params={"target_year_id": target_year.pk, "target_year_name": target_year.name,
                             "exclude": sorted(set(exclude))},
                     actor=actor, total=active.count())


def promotion_run(*, target_year: AcademicYear, exclude: list[int], actor, reporter=None, job=None,
                  request=None) -> dict:
    """Promote (and graduate) every active student not in `exclude`, in one transaction."""
    from apps.academics import services

    with transaction.atomic():
        refusal = promotion_refusal(target_year=target_year) if job is None else _refusal_for_job(target_year)
        if refusal:
            raise ValidationError(refusal, code="refused")
        try:
            with transaction.atomic():
                promotion = Promotion.objects.create(target_year=target_year, job=job, actor=actor)
        except IntegrityError:
            raise ValidationError(_("Students were already promoted into %(year)s.") % {"year": target_year.name},
                                  code="refused") from None
        from_year = current_year()
        plan = promotion_plan()
        if reporter is not None:
            reporter.set_total(sum(move.count for move in plan) or 1)
        keep = set(exclude)
        now = timezone.now()
        graduated_on = from_year.ends_on if from_year else target_year.starts_on
        changes, created_streams = [], []
        promoted = graduated = kept = 0
        for move in plan:
            ids = [student.pk for student in move.students if student.pk not in keep]
            kept += move.count - len(ids)
            if not ids:
                continue
            if move.graduates:
                Student.objects.filter(pk__in=ids).update(status=Student.Status.GRADUATED, stream=None, updated_at=now)
                graduated += len(ids)
                reason = _("Graduated from %(stream)s") % {"stream": move.stream.full_name}
                to_status, target, effective = Student.Status.GRADUATED, None, graduated_on
            else:
                target = move.target_stream
                if target is None:
                    target = services.stream_create(school_class=move.stream.school_class.next_class,
                                                    name=move.stream.name, capacity=move.stream.capacity, actor=actor)
                    created_streams.append(target.full_name)
                Student.objects.filter(pk__in=ids).update(stream=target, updated_at=now)
                promoted += len(ids)
                reason = _("Promoted to %(stream)s for %(year)s") % {"stream": target.full_name,
                                                                     "year": target_year.name}
                to_status, effective = Student.Status.ACTIVE, target_year.starts_on
            changes.extend(StudentStatusChange(student_id=pk, from_status=Student.Status.ACTIVE, to_status=to_status,
                                               from_stream=move.stream, to_stream=target, effective_on=effective,
                                               reason=reason[:300], actor=actor) for pk in ids)
            if reporter is not None:
                reporter.step(move.stream.full_name, amount=move.count)
        StudentStatusChange.objects.bulk_create(changes, batch_size=1000)
        promotion.promoted, promotion.graduated, promotion.kept = promoted, graduated, kept
        promotion.save(update_fields=["promoted", "graduated", "kept"])
        counts = {"promoted": promoted, "graduated": graduated, "kept": kept, "streams_created": created_streams}
        audit_record(action="academics.students_promoted", actor=actor, target=promotion,
                     changes=counts, detail={"from_year": from_year.name if from_year else "",
                                             "target_year": target_year.name}, request=request)
        return {**counts, "target_year": target_year.name}


def _refusal_for_job(target_year: AcademicYear) -> str:
    """The refusal, less "already under way" (the job asking is the one under way)."""
    year = current_year()
    if year is None:
        return _("There is no current academic year to promote from.")
    if target_year.starts_on <= year.starts_on:
        return _("%(target)s does not come after the current year %(current)s.") % {
            "target": target_year.name, "current": year.name}
    if Promotion.objects.filter(target_year=target_year).exists():
        return _("Students were already promoted into %(year)s. A promotion runs once per year.") % {
            "year": target_year.name}
    return ""
