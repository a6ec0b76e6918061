"""Report cards in a real browser: a school admin of the demo school generates a stream's report
cards, watches the job finish on the worker, downloads one card, and its code verifies on the
platform host. The card itself is screenshotted from its HTML (Chromium does not draw PDFs headless)."""

import base64
import datetime
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.support import ARTIFACTS

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password"


def admin_and_results(in_database) -> dict:
    """A school admin of this test's own and, in a year of its own, a published term with computed
    results for a new stream of three students (rows written as the computation would)."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.academics.models import AcademicYear, SchoolClass, SchoolProfile, Stream, Student, Term
    from apps.accounts.services import user_create
    from tests.results.test_report_cards_data import attendance_make, results_make, scheme_make, subjects_make

    tag = uuid.uuid4().hex[:6]
    email = f"academic-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Baraka",
                               last_name="Mollel")
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            if not SchoolProfile.objects.exists():
                SchoolProfile.objects.create(name="Demo Secondary School", motto="Elimu ni ufunguo wa maisha",
                                             address="P.O. Box 100, Arusha", head_teacher_name="Mwl. Grace Kimaro")
            year = AcademicYear.objects.create(name=f"E2E {tag}", starts_on=datetime.date(2025, 1, 13),
                                               ends_on=datetime.date(2025, 12, 5))
            term = Term.objects.create(year=year, number=1, name="Term 1", starts_on=datetime.date(2025, 1, 13),
                                       ends_on=datetime.date(2025, 6, 6), results_published_at=timezone.now())
            level = (SchoolClass.objects.order_by("-level").values_list("level", flat=True).first() or 0) + 1
            school_class = SchoolClass.objects.create(name=f"Form E{tag}", level=level)
            stream = Stream.objects.create(school_class=school_class, name="A")
            students = [Student.objects.create(admission_number=f"E2E/{tag}/{i}", first_name=first, last_name=last,
                                               sex=sex, stream=stream)
                        for i, (first, last, sex) in enumerate([("Amani", "Mushi", "M"), ("Rehema", "Swai", "F"),
                                                                ("Juma", "Kweka", "M")])]
            results_make(term=term, stream=stream, students=students, subjects=subjects_make(10),
                         scheme=scheme_make())
            attendance_make(term=term, stream=stream, students=students, days=30)
            return {"secret": base64.b32encode(bytes.fromhex(device.key)).decode(), "term": term.pk,
                    "stream": stream.pk, "stream_name": stream.full_name, "students": [s.pk for s in students]}

    return {"email": email, **in_database(create)}


def card_of(in_database, student_id):
    from django_tenants.utils import schema_context

    from apps.results.models import ReportCard

    def read():
        with schema_context("demo"):
            card = ReportCard.objects.get(student_id=student_id)
            return {"code": card.verification_code, "sha256": card.sha256, "status": card.status}

    return in_database(read)


def card_html(in_database, student_id) -> str:
    from django_tenants.utils import schema_context

    from apps.results import report_cards as rc
    from apps.results.models import ReportCard, TermResult

    def build():
        with schema_context("demo"):
            card = ReportCard.objects.get(student_id=student_id)
            result = TermResult.objects.select_related("student", "stream__school_class", "scheme", "term__year") \
                .get(term=card.term, student_id=student_id)
            renderer = rc.ReportCardRenderer(term=result.term)
            [data] = rc.cards_data(term=result.term, results=[result])
            data.code, data.url = card.verification_code, rc.verification_url(card.verification_code)
            return renderer.html(data).replace("</head>", f"<style>{renderer.css_text}</style></head>")

    return in_database(build)


def test_admin_generates_a_streams_cards_downloads_one_and_it_verifies(page, site, worker, in_database, new_page):
    given = admin_and_results(in_database)
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", f"/results/report-cards/?term={given['term']}"))
    expect(page.get_by_role("heading", name="Report cards")).to_be_visible()
    row = page.get_by_test_id(f"stream-{given['stream']}")
    expect(row).to_contain_text("0 / 3")
    screenshot(page, "report-cards-list")
    with page.expect_navigation():
        page.get_by_test_id(f"generate-{given['stream']}").click()

    # the job page: the bar moves until the worker is done
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.get_by_test_id("job-result")).to_contain_text("3 of 3 report cards ready")
    screenshot(page, "report-cards-job")

    with page.expect_navigation():
        page.get_by_test_id("report-cards-link").click()
    expect(page.get_by_test_id(f"stream-{given['stream']}")).to_contain_text("3 / 3")
    expect(page.get_by_test_id("card-table")).to_contain_text("Amani Mushi")
    with page.expect_download() as download_info:
        page.get_by_test_id("card-table").get_by_role("row", name=re.compile("Amani Mushi")) \
            .get_by_test_id("download").click()
    download = download_info.value
    pdf = (ARTIFACTS / "report-card-downloaded.pdf")
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and download.suggested_filename.endswith(".pdf")

    card = card_of(in_database, given["students"][0])
    assert card["status"] == "ready"
    visitor = new_page()
    visitor.goto(site.platform(f"/verify/{card['code']}/"))
    expect(visitor.get_by_test_id("verify-valid")).to_contain_text("Amani Mushi")
    expect(visitor.get_by_test_id("verify-valid")).to_contain_text(card["sha256"])
    screenshot(visitor, "report-card-verified")
    response = visitor.goto(site.platform(f"/verify/{card['code'][:-3]}xyz/"))
    assert response.status == 404
    expect(visitor.get_by_test_id("verify-invalid")).to_be_visible()
    screenshot(visitor, "report-card-not-valid")

    # the card as it is laid out (its HTML and stylesheet; fonts from static/fonts)
    html_path = ARTIFACTS / "report-card-e2e.html"
    html_path.write_text(card_html(in_database, given["students"][0]))
    sheet = new_page({"width": 794, "height": 1123})
    sheet.goto(html_path.as_uri())
    expect(sheet.get_by_text("STUDENT REPORT CARD")).to_be_visible()
    screenshot(sheet, "report-card-pdf-page")
