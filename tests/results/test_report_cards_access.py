"""Who may download which report card (console and API), the console pages, the API's scoping and
generation, and verification on the platform host; another school sees nothing of school A's cards."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.results import report_cards as rc
from apps.results.models import ReportCard
from tests.academics.factories import (
    StreamFactory, StudentGuardianFactory, TeachingAssignmentFactory, TermFactory,
)
from tests.conftest import console_login, tokens_in
from tests.results.test_report_cards_data import stream_make


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def cards(school_a, media):
    """Two streams of school A with rendered cards; a guardian of one child; the term unpublished."""
    with schema_context(school_a.schema_name):
        term = TermFactory()
        stream = StreamFactory(name="A")
        other_stream = StreamFactory(name="B")
        students, _ = stream_make(term=term, stream=stream, size=2, subjects=4)
        others, _ = stream_make(term=term, stream=other_stream, size=1, subjects=4, attendance=False)
        rc.report_cards_render(term=term)
        link = StudentGuardianFactory(student=students[0])
        teacher = TeachingAssignmentFactory(stream=stream).teacher
        mine = ReportCard.objects.select_related("student", "term").get(student=students[0])
        sibling = ReportCard.objects.select_related("student", "term").get(student=students[1])
        far = ReportCard.objects.select_related("student", "term").get(student=others[0])
        return {"term": term, "stream": stream, "parent": link.guardian.user, "teacher": teacher,
                "mine": mine, "sibling": sibling, "far": far}


def publish(school, term):
    with schema_context(school.schema_name):
        term.results_published_at = timezone.now()
        term.save(update_fields=["results_published_at"])


def download(client, card):
    return client.get(reverse("results:report-card-download", args=[card.pk]))


def test_admin_downloads_any_card(client, school_a, admin_a, cards):
    console_login(client, school_a, admin_a)
    response = download(client, cards["far"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_teacher_downloads_her_streams_cards_only(client, school_a, cards):
    console_login(client, school_a, cards["teacher"])
    assert download(client, cards["mine"]).status_code == 200
    assert download(client, cards["far"]).status_code == 404


def test_a_guardian_gets_his_childs_card_only_once_published(client, school_a, cards):
    console_login(client, school_a, cards["parent"])
    assert download(client, cards["mine"]).status_code == 404  # not published yet
    publish(school_a, cards["term"])
    assert download(client, cards["mine"]).status_code == 200
    assert download(client, cards["sibling"]).status_code == 404  # another child of the school
    with schema_context(school_a.schema_name):
        assert list(rc.report_cards_for_user(user=cards["parent"])) == [cards["mine"]]


def test_another_schools_admin_reaches_nothing(client, school_a, school_b, admin_b, cards):
    console_login(client, school_b, admin_b)
    assert download(client, cards["mine"]).status_code == 404
    response = client.get(reverse("results:report-card-list"))
    assert response.status_code == 200 and cards["mine"].student.last_name not in response.content.decode()
    with schema_context(school_b.schema_name):
        assert not ReportCard.objects.exists()


def test_the_list_page_counts_cards_per_stream_and_lists_a_streams_cards(client, school_a, admin_a, cards,
                                                                         django_assert_max_num_queries):
    console_login(client, school_a, admin_a)
    url = reverse("results:report-card-list") + f"?term={cards['term'].pk}&stream={cards['stream'].pk}"
    with django_assert_max_num_queries(60):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 / 2" in page and "1 / 1" in page and "Download all as ZIP" in page
    assert cards["mine"].student.last_name in page


def test_generate_from_the_console_starts_a_job_or_says_why_not(client, school_a, admin_a, cards):
    console_login(client, school_a, admin_a)
    response = client.post(reverse("results:report-card-generate"),
                           {"term": cards["term"].pk, "stream": cards["stream"].pk})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    empty = None
    with schema_context(school_a.schema_name):
        empty = StreamFactory(name="C")
    response = client.post(reverse("results:report-card-generate"), {"term": cards["term"].pk, "stream": empty.pk},
                           follow=True)
    assert "compute the term" in response.content.decode()


def test_zip_holds_a_streams_pdfs(client, school_a, admin_a, cards):
    import io
    import zipfile

    console_login(client, school_a, admin_a)
    response = client.get(reverse("results:report-card-zip") + f"?term={cards['term'].pk}&stream={cards['stream'].pk}")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2 and all(archive.read(n).startswith(b"%PDF") for n in names)


# --- verification on the platform host ---------------------------------------------------------------

def verify(client, code):
    return client.get(f"/verify/{code}/", HTTP_HOST="localhost")


def test_a_published_card_verifies_with_its_details(client, school_a, cards):
    publish(school_a, cards["term"])
    response = verify(client, cards["mine"].verification_code)
    page = response.content.decode()
    assert response.status_code == 200
    assert cards["mine"].student.full_name in page and cards["mine"].sha256 in page and "Valid report card" in page


def test_unknown_unpublished_and_misdirected_codes_are_not_valid(client, school_a, school_b, cards):
    code = cards["mine"].verification_code
    unpublished = verify(client, code)
    assert unpublished.status_code == 404 and cards["mine"].student.full_name not in unpublished.content.decode()
    publish(school_a, cards["term"])
    token = code.rpartition("-")[2]
    for bogus in (f"{school_a.slug}-{'x' * 20}", f"{school_b.slug}-{token}", "nosuchschool-" + token, "garbage"):
        response = verify(client, bogus)
        assert response.status_code == 404, bogus
        assert "Not a valid report card" in response.content.decode()
        assert cards["mine"].student.last_name not in response.content.decode()


# --- API -------------------------------------------------------------------------------------------------

def api_as(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults["HTTP_HOST"] = school.primary_host
    return api_client


def test_api_lists_what_each_role_may_see(api_client, school_a, admin_a, cards):
    url = reverse("api:report-card-list")
    data = api_as(api_client, school_a, admin_a).get(url).json()
    assert data["meta"]["count"] == 3
    assert api_client.get(url, {"stream": cards["stream"].pk}).json()["meta"]["count"] == 2
    assert api_as(api_client, school_a, cards["teacher"]).get(url).json()["meta"]["count"] == 2
    assert api_as(api_client, school_a, cards["parent"]).get(url).json()["meta"]["count"] == 0
    publish(school_a, cards["term"])
    rows = api_client.get(url).json()["data"]
    assert [row["id"] for row in rows] == [cards["mine"].pk]
    assert rows[0]["download_url"].endswith(f"/api/v1/report-cards/{cards['mine'].pk}/download/")
    assert api_client.get(rows[0]["download_url"]).status_code == 200
    assert api_client.get(reverse("api:report-card-download", args=[cards["sibling"].pk])).status_code == 404


def test_api_generate_answers_202_with_the_job_or_a_clear_error(api_client, school_a, admin_a, cards):
    url = reverse("api:report-card-generate")
    client = api_as(api_client, school_a, admin_a)
    response = client.post(url, {"term": cards["term"].pk, "stream": cards["stream"].pk}, format="json")
    assert response.status_code == 202 and response.json()["kind"] == "results.report_cards"
    assert client.post(url, {"term": cards["term"].pk}, format="json").status_code == 400
    assert client.post(url, {"term": 999999, "stream": cards["stream"].pk}, format="json").status_code == 400


def test_api_other_school_token_sees_no_cards(api_client, school_b, admin_b, cards):
    client = api_as(api_client, school_b, admin_b)
    assert client.get(reverse("api:report-card-list")).json()["meta"]["count"] == 0
    assert client.get(reverse("api:report-card-download", args=[cards["mine"].pk])).status_code == 404
