"""The generated school year: consistent, deterministic, idempotent, and only in its own school."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academics.models import (
    AcademicYear, ClassSubject, Guardian, SchoolClass, Stream, Student, StudentGuardian, Subject, TeachingAssignment,
    Term,
)
from apps.academics.sample_school import HOLIDAYS, sample_school_generate
from apps.attendance.models import AttendanceMark, Register
from apps.results.models import Assessment, Mark, MarkChange

SMALL = {"students": 40, "forms": 2, "streams_per_form": 2, "subjects": 5, "teachers": 4, "terms": 1,
         "year": 2025, "today": datetime.date(2025, 3, 14), "seed": 7}


def _snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in (
        AcademicYear, Term, SchoolClass, Stream, Subject, ClassSubject, TeachingAssignment, Student, Guardian,
        StudentGuardian, Register, AttendanceMark, Assessment, Mark, get_user_model())}


def test_a_small_school_is_consistent(in_school_a):
    counts = sample_school_generate(**SMALL)

    assert counts["students"] == Student.objects.count() == 40
    assert counts["teachers"] == 4 and counts["marks"] == Mark.objects.count() > 0
    assert SchoolClass.objects.get(level=1).next_class == SchoolClass.objects.get(level=2)
    assert Stream.objects.count() == 4 and Subject.objects.count() == 5
    assert set(Subject.objects.values_list("code", flat=True)) == {"CIV", "HIST", "GEO", "KIS", "ENG"}
    # every stream has a class teacher and every stream-subject a teacher
    assert not Stream.objects.filter(class_teacher__isnull=True).exists()
    assert TeachingAssignment.objects.count() == 4 * 5
    assert set(TeachingAssignment.objects.values_list("teacher__role", flat=True)) == {"teacher"}

    # every active student sits in a stream, with exactly one primary guardian who is a parent user
    assert not Student.objects.filter(status="active", stream__isnull=True).exists()
    primaries = Student.objects.annotate(primary=Count("guardian_links", filter=Q(guardian_links__is_primary=True)))
    assert set(primaries.values_list("primary", flat=True)) == {1}
    assert set(Guardian.objects.values_list("user__role", flat=True)) == {"parent"}
    assert all(phone.startswith("+255") and len(phone) == 13 for phone in Guardian.objects.values_list("phone", flat=True))
    admission_numbers = list(Student.objects.values_list("admission_number", flat=True))
    assert len(set(admission_numbers)) == 40 and all("/" in number for number in admission_numbers)

    # a term's assessment weights add up to 100; marks are within 0..max, absent marks have no score
    term = Term.objects.get(year__name="2025", number=1)
    assert Assessment.objects.filter(term=term).aggregate(total=Sum("weight"))["total"] == Decimal("100")
    for assessment in Assessment.objects.filter(term=term):
        bounds = Mark.objects.filter(assessment=assessment).aggregate(low=Min("score"), high=Max("score"))
        assert bounds["low"] >= 0 and bounds["high"] <= assessment.max_mark
        assert Mark.objects.filter(assessment=assessment).count() == 40 * 5
    assert not Mark.objects.filter(is_absent=True, score__isnull=False).exists()
    assert not MarkChange.objects.exists()  # generated marks carry no history

    # registers only on school days of the term, up to "today"; one mark per student on the roll
    dates = set(Register.objects.values_list("date", flat=True))
    assert dates and all(day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS for day in dates)
    assert min(dates) >= term.starts_on and max(dates) < datetime.date(2025, 3, 14)  # today is the teacher's
    for register in Register.objects.annotate(n=Count("marks")):
        assert register.n == Student.objects.filter(stream=register.stream_id, status="active").count()
    statuses = dict(AttendanceMark.objects.values_list("status").annotate(n=Count("id")))
    assert statuses["present"] / sum(statuses.values()) > 0.85


def test_generation_is_idempotent(in_school_a):
    sample_school_generate(**SMALL)
    before = _snapshot()

    counts = sample_school_generate(**SMALL)

    assert _snapshot() == before
    assert counts["students"] == counts["marks"] == counts["attendance_marks"] == counts["registers"] == 0


def test_weights_must_add_up_and_nothing_is_written(in_school_a):
    with pytest.raises(ValueError, match="add up to 90"):
        sample_school_generate(**{**SMALL, "assessments": (("Test", "test", 40), ("Exam", "exam", 50))})
    assert not AcademicYear.objects.exists() and not Student.objects.exists()


def test_nothing_appears_in_another_school(school_a, school_b):
    with schema_context(school_b.schema_name):
        before = _snapshot()
    with schema_context(school_a.schema_name):
        sample_school_generate(**SMALL)
    with schema_context(school_b.schema_name):
        assert _snapshot() == before
        assert not Student.objects.exists()


def _constraints_and_indexes() -> set:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conrelid IN ('results_mark'::regclass, 'attendance_attendancemark'::regclass) "
                       "UNION SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                       "AND tablename IN ('results_mark', 'attendance_attendancemark')")
        return set(cursor.fetchall())


def test_a_bulk_load_puts_every_constraint_and_index_back(in_school_a):
    before = _constraints_and_indexes()

    counts = sample_school_generate(**SMALL, bulk_load=True)

    assert counts["marks"] and counts["attendance_marks"]
    assert _constraints_and_indexes() == before
    # and they hold: a second mark for the same student, subject and assessment is refused
    from django.db import IntegrityError, transaction

    mark = Mark.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mark.objects.create(assessment=mark.assessment, student=mark.student, subject=mark.subject, score=1)


def test_the_demo_year_wires_the_demo_teacher_and_parent_and_publishes(in_school_a, monkeypatch, settings, tmp_path):
    from apps.academics.selectors import children_for_guardian
    from apps.platform.management.commands import seed_demo
    from apps.results.models import ReportCard, TermResult
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path  # the report cards' files
    monkeypatch.setattr(seed_demo, "SCHOOL_YEAR", {**seed_demo.SCHOOL_YEAR, "students": 60, "teachers": 6,
                                                   "subjects": 9})
    teacher = UserFactory(role="teacher", email="teacher@alpha.school")
    parent = UserFactory(role="parent", email="parent@alpha.school")
    said = []

    outcome = seed_demo.demo_school_year(slug="alpha", write=said.append)

    assert outcome["students"] == 60 and not outcome["missing"], said
    form2a = Stream.objects.get(school_class__level=2, name="A")
    assert form2a.class_teacher == teacher
    assert set(TeachingAssignment.objects.filter(teacher=teacher).values_list(
        "stream__school_class__level", "stream__name", "subject__code")) == {(2, "A", "BMATH"), (2, "B", "BMATH")}
    children = list(children_for_guardian(user=parent))
    assert len(children) == 2 and len({child.stream.school_class_id for child in children}) == 2
    assert all(child.guardian_links.filter(is_primary=True).count() == 1 for child in children)
    term = Term.objects.get(year__name=str(seed_demo.demo_year()), number=1)
    assert term.is_published and TermResult.objects.filter(term=term).count() == 60
    assert ReportCard.objects.filter(term=term, status="ready", student__in=children).count() == 2
    # term 2 has no marks (it is the current term once it has started)
    term2 = Term.objects.get(year=term.year, number=2)
    assert term2.is_current or term2.starts_on > timezone.localdate()
    assert not Mark.objects.filter(assessment__term__number=2).exists()

    before = _snapshot()
    assert seed_demo.demo_school_year(slug="alpha", write=said.append) == {"skipped": True}
    assert _snapshot() == before
