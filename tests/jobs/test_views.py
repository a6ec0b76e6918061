"""A job's page and its self-refreshing progress fragment; the jobs API."""

import pytest
from django_tenants.utils import schema_context

from apps.jobs.models import Job
from tests.conftest import console_login, tokens_in


@pytest.fixture
def signed_in_admin(client, school_a, admin_a):
    console_login(client, school_a, admin_a)  # password and second factor
    return client


def make_job(school, **fields):
    with schema_context(school.schema_name):
        return Job.objects.create(kind="platform.provision_school", title="Import students", **fields)


def test_running_job_page_polls_its_progress(signed_in_admin, school_a):
    job = make_job(school_a, status=Job.Status.RUNNING, progress=2, total=5)

    page = signed_in_admin.get(f"/jobs/{job.pk}/").content.decode()

    assert "Import students" in page
    assert 'hx-trigger="every 1s"' in page
    assert "40%" in page


def test_htmx_request_gets_only_the_progress_fragment(signed_in_admin, school_a):
    job = make_job(school_a, status=Job.Status.RUNNING, progress=1, total=4)

    fragment = signed_in_admin.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert fragment.lstrip().startswith('<div id="job-progress"')
    assert "<html" not in fragment


def test_finished_job_stops_polling_and_shows_the_outcome(signed_in_admin, school_a):
    job = make_job(school_a, status=Job.Status.FAILED, error="row 7: unknown stream 4Z")

    fragment = signed_in_admin.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()

    assert "hx-trigger" not in fragment
    assert "row 7: unknown stream 4Z" in fragment


def test_another_schools_job_is_not_found(signed_in_admin, school_b):
    job = make_job(school_b, status=Job.Status.RUNNING)

    assert signed_in_admin.get(f"/jobs/{job.pk}/").status_code == 404


def test_job_pages_need_a_signed_in_user(client, school_a):
    job = make_job(school_a)

    response = client.get(f"/jobs/{job.pk}/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and response.url.startswith("/login/")


def test_job_list_query_count_is_bounded(signed_in_admin, school_a, django_assert_max_num_queries):
    for n in range(30):
        make_job(school_a, status=Job.Status.SUCCEEDED)

    with django_assert_max_num_queries(12):  # + the session's OTP device (and its SET search_path)
        assert signed_in_admin.get("/jobs/").status_code == 200


def test_job_api_returns_the_job(api_client, school_a, admin_a):
    job = make_job(school_a, status=Job.Status.RUNNING, progress=3, total=4, message="Cloning")
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get(f"/api/v1/jobs/{job.pk}/", HTTP_HOST=school_a.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["progress"], body["total"], body["percent"]) == ("running", 3, 4, 75)


def test_job_api_list_query_count_is_bounded(api_client, school_a, admin_a, django_assert_max_num_queries):
    for n in range(30):
        make_job(school_a)
    token = tokens_in(school_a, admin_a)["access"]

    with django_assert_max_num_queries(10):
        response = api_client.get("/api/v1/jobs/", HTTP_HOST=school_a.primary_host,
                                  HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json()["meta"]["count"] == 30


def test_job_api_of_another_school_is_404(api_client, school_a, school_b, admin_a):
    job = make_job(school_b)
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get(f"/api/v1/jobs/{job.pk}/", HTTP_HOST=school_a.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 404
