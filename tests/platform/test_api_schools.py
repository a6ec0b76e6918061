"""The platform API: provisioning a school answers 202 with a job; only the owner may."""

from apps.jobs.models import Job
from apps.jobs.services import job_run
from apps.platform.models import Tenant
from tests.conftest import tokens_in

NEW_SCHOOL = {"slug": "mlimani", "name": "Mlimani Secondary", "admin_email": "head@mlimani.test",
              "admin_password": "a-long-first-password"}


def owner_auth(owner):
    from apps.accounts.api.serializers import tokens_for

    return {"HTTP_HOST": "localhost", "HTTP_AUTHORIZATION": f"Bearer {tokens_for(owner)['access']}"}


def test_owner_provisions_a_school_through_a_job(api_client, platform_owner):
    response = api_client.post("/api/v1/platform/schools/", NEW_SCHOOL, format="json", **owner_auth(platform_owner))

    assert response.status_code == 202
    job = response.json()["job"]
    assert (job["status"], job["total"], job["kind"]) == ("queued", 3, "platform.provision_school")
    assert response["Location"] == f"/api/v1/jobs/{job['id']}/"
    stored = Job.objects.get(pk=job["id"])
    assert "admin_password" not in stored.params  # only its hash is kept
    assert stored.params["admin_password_hash"].startswith(("argon2", "md5", "pbkdf2"))

    finished = job_run(job_id=job["id"])  # what the worker does

    assert finished.status == Job.Status.SUCCEEDED
    assert finished.result == {"slug": "mlimani", "name": "Mlimani Secondary", "host": "mlimani.localhost"}
    polled = api_client.get(f"/api/v1/jobs/{job['id']}/", **owner_auth(platform_owner)).json()
    assert (polled["status"], polled["percent"]) == ("succeeded", 100)
    listed = api_client.get("/api/v1/platform/schools/", **owner_auth(platform_owner)).json()
    assert "mlimani" in [school["slug"] for school in listed["data"]]


def test_bad_input_is_400_and_starts_nothing(api_client, platform_owner):
    response = api_client.post("/api/v1/platform/schools/", {**NEW_SCHOOL, "slug": "Admin"}, format="json",
                               **owner_auth(platform_owner))

    assert response.status_code == 400
    assert "slug" in response.json()["error"]["details"]
    assert not Job.objects.exists()
    assert not Tenant.objects.filter(slug__iexact="admin").exists()


def test_list_shows_schools_not_the_platform_itself(api_client, platform_owner, school_a, school_b):
    response = api_client.get("/api/v1/platform/schools/", **owner_auth(platform_owner))

    assert response.status_code == 200
    slugs = [school["slug"] for school in response.json()["data"]]
    assert {"alpha", "beta"} <= set(slugs) and "public" not in slugs


def test_a_school_admin_cannot_use_the_platform_api(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    on_school_host = api_client.post("/api/v1/platform/schools/", NEW_SCHOOL, format="json",
                                     HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")
    with_header = api_client.get("/api/v1/platform/schools/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="alpha",
                                 HTTP_AUTHORIZATION=f"Bearer {token}")

    assert on_school_host.status_code == 404  # no such resource on a school's host
    assert with_header.status_code == 404
    assert not Job.objects.exists()


def test_a_platform_user_who_is_not_the_owner_gets_403(api_client, db):
    from tests.factories import UserFactory

    staffer = UserFactory(role="staff")

    response = api_client.get("/api/v1/platform/schools/", **owner_auth(staffer))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_gets_401(api_client, db):
    assert api_client.get("/api/v1/platform/schools/", HTTP_HOST="localhost").status_code == 401


def test_owner_console_starts_provisioning_and_shows_the_job(client, platform_owner):
    from tests.conftest import console_login

    console_login(client, None, platform_owner)

    response = client.post("/super-admin/schools/new/", NEW_SCHOOL)

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert "Create school" in client.get(response.url).content.decode()


def test_owner_console_shows_form_errors_and_starts_nothing(client, platform_owner):
    from tests.conftest import console_login

    console_login(client, None, platform_owner)

    response = client.post("/super-admin/schools/new/", {**NEW_SCHOOL, "slug": "www"}, HTTP_HOST="localhost")

    assert response.status_code == 200
    assert "reserved" in response.content.decode()
    assert not Job.objects.exists()


def test_school_pages_of_the_owner_console_refuse_others(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(role="staff"))

    assert client.get("/super-admin/schools/", HTTP_HOST="localhost").status_code == 403


def test_owner_signs_in_on_the_platform_host_and_lands_on_the_overview(client, platform_owner):
    from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, totp_code

    device = TOTPDeviceFactory(user=platform_owner)
    response = client.post("/login/", {"login": platform_owner.email, "password": DEFAULT_PASSWORD},
                           HTTP_HOST="localhost")

    assert response.status_code == 302 and response.url == "/super-admin/"
    client.post("/account/two-factor/verify/", {"code": totp_code(device)}, HTTP_HOST="localhost")
    overview = client.get("/super-admin/", HTTP_HOST="localhost")
    assert overview.status_code == 200
    assert 'data-nav="schools"' in overview.content.decode()
