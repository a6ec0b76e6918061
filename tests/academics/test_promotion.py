"""Year-end promotion: streams move up to the same name in the next class (created when missing), the
final class graduates, repeaters stay, history written in bulk, once per target year."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.academics.models import Promotion, Stream, Student, StudentStatusChange
from apps.academics.promotion import promotion_plan, promotion_refusal, promotion_start, promotion_target_years
from apps.audit.models import AuditEvent
from apps.jobs.models import Job
from apps.jobs.services import job_run
from tests.academics.factories import AcademicYearFactory, SchoolClassFactory, StreamFactory, StudentFactory


@pytest.fixture
def school(in_school_a):
    year = AcademicYearFactory(name="2026", is_current=True)
    next_year = AcademicYearFactory(name="2027", starts_on=datetime.date(2027, 1, 11),
                                    ends_on=datetime.date(2027, 12, 3), is_current=False)
    form3 = SchoolClassFactory(level=3, name="Form 3")
    form2 = SchoolClassFactory(level=2, name="Form 2", next_class=form3)
    form1 = SchoolClassFactory(level=1, name="Form 1", next_class=form2)
    streams = {"1A": StreamFactory(school_class=form1, name="A"), "1B": StreamFactory(school_class=form1, name="B"),
               "2A": StreamFactory(school_class=form2, name="A"), "3A": StreamFactory(school_class=form3, name="A")}
    students = {key: [StudentFactory(stream=stream) for _ in range(count)]
                for (key, stream), count in zip(streams.items(), (3, 2, 2, 2), strict=True)}
    return {"year": year, "next_year": next_year, "streams": streams, "students": students, "form2": form2}


def run(school, admin, exclude=()):
    job = promotion_start(target_year=school["next_year"], exclude=list(exclude), actor=admin)
    return job_run(job_id=job.pk)


def test_the_plan_says_where_each_stream_goes(school):
    plan = {move.stream.full_name: move for move in promotion_plan()}

    assert (plan["Form 1A"].count, plan["Form 1A"].target_name, plan["Form 1A"].creates_stream) == (3, "Form 2A", False)
    assert (plan["Form 1B"].target_name, plan["Form 1B"].creates_stream) == ("Form 2B", True)
    assert plan["Form 3A"].graduates and plan["Form 3A"].count == 2
    assert list(promotion_target_years()) == [school["next_year"]]


def test_the_plan_reads_the_school_in_a_bounded_number_of_queries(school, django_assert_max_num_queries):
    StudentFactory.create_batch(20, stream=school["streams"]["1A"])

    with django_assert_max_num_queries(4 * 2):  # each query is preceded by SET search_path
        plan = promotion_plan()
        sum(move.count for move in plan)


def test_promotion_moves_graduates_keeps_repeaters_and_records_history(school, admin_a):
    repeater = school["students"]["1A"][0]
    job = run(school, admin_a, exclude=[repeater.pk])

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {"promoted": 6, "graduated": 2, "kept": 1, "streams_created": ["Form 2B"],
                          "target_year": "2027"}
    streams = school["streams"]
    form2b = Stream.objects.get(school_class=school["form2"], name="B")
    for student in school["students"]["1A"][1:]:
        student.refresh_from_db()
        assert student.stream == streams["2A"] and student.status == "active"
    repeater.refresh_from_db()
    assert repeater.stream == streams["1A"]
    assert set(Student.objects.filter(stream=form2b).values_list("pk", flat=True)) == {
        s.pk for s in school["students"]["1B"]}
    assert set(Student.objects.filter(stream=streams["3A"]).values_list("pk", flat=True)) == {
        s.pk for s in school["students"]["2A"]}
    for student in school["students"]["3A"]:
        student.refresh_from_db()
        assert (student.status, student.stream) == ("graduated", None)
    history = StudentStatusChange.objects.filter(reason__startswith=("Promoted"))
    assert history.count() == 6
    change = history.get(student=school["students"]["1A"][1])
    assert (change.from_stream, change.to_stream, change.effective_on) == (
        streams["1A"], streams["2A"], datetime.date(2027, 1, 11))
    graduation = StudentStatusChange.objects.get(student=school["students"]["3A"][0], to_status="graduated")
    assert graduation.effective_on == datetime.date(2026, 12, 4) and graduation.actor == admin_a
    assert not StudentStatusChange.objects.filter(student=repeater).exclude(reason="Admitted").exists()
    event = AuditEvent.objects.get(action="academics.students_promoted")
    assert event.changes == {"promoted": 6, "graduated": 2, "kept": 1, "streams_created": ["Form 2B"]}
    assert Promotion.objects.get().target_year == school["next_year"]


def test_the_history_is_written_in_one_bulk_insert(school, admin_a, django_assert_max_num_queries):
    StudentFactory.create_batch(30, stream=school["streams"]["1A"])
    job = promotion_start(target_year=school["next_year"], exclude=[], actor=admin_a)

    # the same work for 39 students as for 9: no per-student query
    with django_assert_max_num_queries(60 * 2):
        job = job_run(job_id=job.pk)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert StudentStatusChange.objects.filter(reason__startswith="Promoted").count() == 37


def test_a_second_promotion_into_the_same_year_is_refused(school, admin_a):
    run(school, admin_a)

    with pytest.raises(ValidationError, match="already promoted into 2027"):
        promotion_start(target_year=school["next_year"], exclude=[], actor=admin_a)

    assert Promotion.objects.count() == 1


def test_a_second_job_queued_before_the_first_ran_fails_without_moving_anyone(school, admin_a):
    first = promotion_start(target_year=school["next_year"], exclude=[], actor=admin_a)
    with pytest.raises(ValidationError, match="already under way"):
        promotion_start(target_year=school["next_year"], exclude=[], actor=admin_a)
    second = Job.objects.create(kind="academics.promote", title="again", params=first.params)
    job_run(job_id=first.pk)
    moved = dict(Student.objects.values_list("pk", "stream_id"))

    second = job_run(job_id=second.pk)

    assert second.status == Job.Status.FAILED and "already promoted" in second.error
    assert dict(Student.objects.values_list("pk", "stream_id")) == moved


def test_promotion_is_refused_without_a_next_year(school, admin_a):
    school["next_year"].delete()

    assert list(promotion_target_years()) == []
    with pytest.raises(ValidationError, match="does not come after"):
        promotion_start(target_year=school["year"], exclude=[], actor=admin_a)
    assert "does not come after" in promotion_refusal(target_year=school["year"])


def test_a_failure_inside_the_job_moves_nobody(school, admin_a, monkeypatch):
    from apps.academics import services

    def refuse(**kwargs):
        raise ValidationError("no room for a new stream")

    monkeypatch.setattr(services, "stream_create", refuse)
    before = dict(Student.objects.values_list("pk", "stream_id"))

    job = run(school, admin_a)

    assert job.status == Job.Status.FAILED and "no room for a new stream" in job.error
    assert dict(Student.objects.values_list("pk", "stream_id")) == before
    assert not Promotion.objects.exists() and not StudentStatusChange.objects.filter(to_status="graduated").exists()


def test_another_school_is_untouched_and_sees_no_promotion(school, admin_a, school_b):
    run(school, admin_a)

    with schema_context(school_b.schema_name):
        assert not Promotion.objects.exists()
        assert not StudentStatusChange.objects.filter(reason__startswith="Promoted").exists()
