"""Jobs: queued, run once, progress recorded, failures kept with their reason."""

import pytest
from django_tenants.utils import schema_context

from apps.jobs.models import Job
from apps.jobs.registry import _handlers, job_handler
from apps.jobs.services import job_run, job_start
from tests.factories import UserFactory


@pytest.fixture
def counting_job():
    calls = []

    @job_handler("tests.count")
    def count(*, job, reporter, upto):
        reporter.set_total(upto)
        for n in range(upto):
            calls.append(n)
            reporter.step(f"counted {n + 1}")
        return {"counted": upto}

    yield calls
    _handlers.pop("tests.count", None)


@pytest.fixture
def failing_job():
    @job_handler("tests.fail")
    def fail(*, job, reporter):
        reporter.step("about to fail")
        raise ValueError("the spreadsheet has no header row")

    yield
    _handlers.pop("tests.fail", None)


def test_a_job_runs_and_records_progress_and_result(in_school_a, counting_job):
    job = job_start(kind="tests.count", title="Count", params={"upto": 3})

    job = job_run(job_id=job.pk)

    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress, job.total, job.percent) == (3, 3, 100)
    assert job.result == {"counted": 3}
    assert job.started_at and job.finished_at
    assert counting_job == [0, 1, 2]


def test_running_a_job_again_does_nothing(in_school_a, counting_job):
    job = job_start(kind="tests.count", title="Count", params={"upto": 2})
    job_run(job_id=job.pk)

    job_run(job_id=job.pk)

    assert counting_job == [0, 1]


def test_a_failing_job_keeps_the_reason(in_school_a, failing_job):
    job = job_start(kind="tests.fail", title="Import", params={})

    job = job_run(job_id=job.pk)

    assert job.status == Job.Status.FAILED
    assert job.error == "the spreadsheet has no header row"
    assert job.finished_at is not None


def test_an_unknown_kind_is_refused_before_anything_is_queued(in_school_a):
    with pytest.raises(LookupError):
        job_start(kind="tests.nothing", title="?", params={})

    assert Job.objects.count() == 0


def test_a_job_is_queued_for_the_worker_after_commit(in_school_a, counting_job, django_capture_on_commit_callbacks,
                                                     monkeypatch):
    from apps.jobs import tasks

    queued = []
    monkeypatch.setattr(tasks.run_job_task, "apply_async",
                        lambda args, queue=None: queued.append((args[0], queue)))

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.count", title="Count", params={"upto": 1})

    assert queued == [(str(job.pk), None)]  # the default queue


def test_a_rendering_job_goes_to_the_pdf_queue(in_school_a, django_capture_on_commit_callbacks, monkeypatch,
                                               settings):
    from apps.jobs import registry, tasks

    settings.JOB_QUEUES = {"pdf": "pdf-here"}
    monkeypatch.setitem(registry._handlers, "tests.render", lambda **kwargs: {})
    monkeypatch.setitem(registry._queues, "tests.render", "pdf")
    queued = []
    monkeypatch.setattr(tasks.run_job_task, "apply_async",
                        lambda args, queue=None: queued.append((args[0], queue)))

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.render", title="Render", params={})

    assert queued == [(str(job.pk), "pdf-here")]
    assert registry.queue_for("results.report_cards") == "pdf-here"  # report cards render apart


def test_jobs_of_one_school_are_invisible_in_another(school_a, school_b, counting_job):
    with schema_context(school_a.schema_name):
        job = job_start(kind="tests.count", title="Count", params={"upto": 1})
    with schema_context(school_b.schema_name):
        assert not Job.objects.filter(pk=job.pk).exists()


def test_people_see_their_own_jobs_and_admins_see_all(in_school_a, counting_job):
    from django.http import Http404

    from apps.jobs.access import job_get_for_user
    from apps.jobs.selectors import jobs_for_user

    admin, teacher, other = UserFactory(role="school_admin"), UserFactory(role="teacher"), UserFactory(role="teacher")
    job = job_start(kind="tests.count", title="Count", params={"upto": 1}, actor=teacher)

    assert job_get_for_user(user=teacher, pk=job.pk) == job
    assert job_get_for_user(user=admin, pk=job.pk) == job
    assert list(jobs_for_user(user=other)) == []
    with pytest.raises(Http404):
        job_get_for_user(user=other, pk=job.pk)
    with pytest.raises(Http404):
        job_get_for_user(user=teacher, pk="not-a-uuid")


def test_stale_jobs_are_failed_or_queued_again(in_school_a, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from apps.jobs import tasks
    from apps.jobs.services import INTERRUPTED, jobs_recover_stale

    sent = []
    monkeypatch.setattr(tasks.run_job_task, "apply_async", lambda args, queue=None: sent.append(args[0]))
    now = timezone.now()
    lost = Job.objects.create(kind="k", title="lost", status=Job.Status.RUNNING, started_at=now - timedelta(hours=4))
    busy = Job.objects.create(kind="k", title="busy", status=Job.Status.RUNNING, started_at=now - timedelta(minutes=5))
    waiting = Job.objects.create(kind="k", title="waiting")
    Job.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(minutes=30))
    fresh = Job.objects.create(kind="k", title="fresh")

    assert jobs_recover_stale(now=now) == {"failed": 1, "requeued": 1}

    lost.refresh_from_db(), busy.refresh_from_db()
    assert (lost.status, lost.error) == (Job.Status.FAILED, INTERRUPTED)
    assert busy.status == Job.Status.RUNNING
    assert sent == [str(waiting.pk)] and str(fresh.pk) not in sent


def test_a_job_is_titled_in_the_readers_language(in_school_a):
    from django.utils import translation

    job = job_start(kind="platform.provision_school", params={"name": "Mlimani", "slug": "mlimani"})

    assert job.title == "Create school “Mlimani”"  # stored in English for the admin and logs
    with translation.override("sw"):
        assert job.display_title == "Unda shule “Mlimani”"
    with translation.override("ar"):
        assert job.display_title == "إنشاء المدرسة “Mlimani”"
