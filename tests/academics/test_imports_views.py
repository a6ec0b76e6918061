"""Import, export and promotion pages: school admins only (a teacher gets 403), the preview shows each
row's reasons, nothing is written before the confirm button, another school's admin never reaches an
upload (404)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.academics import imports
from apps.academics.models import Student, StudentImport
from apps.jobs.models import Job
from apps.jobs.services import job_run
from tests.academics.factories import AcademicYearFactory, SchoolClassFactory, StreamFactory
from tests.conftest import console_login

HEADER = ",".join(imports.HEADER)


def upload(client, text: str, name="students.csv"):
    file = SimpleUploadedFile(name, (HEADER + "\n" + text).encode(), content_type="text/csv")
    return client.post(reverse("academics:student-import"), {"file": file})


@pytest.fixture
def stream(in_school_a):
    return StreamFactory(school_class=SchoolClassFactory(level=1, name="Form 1"), name="A")


@pytest.fixture
def admin_client(client, school_a, admin_a, stream):
    console_login(client, school_a, admin_a)
    return client


def test_the_upload_page_offers_the_template_and_explains_the_columns(admin_client):
    response = admin_client.get(reverse("academics:student-import"))

    assert response.status_code == 200
    assert b"guardian_phone" in response.content
    assert reverse("academics:student-import-template").encode() in response.content


def test_upload_shows_the_preview_with_reasons_and_writes_nothing(admin_client):
    response = upload(admin_client, ",Asha,,Juma,F,2011-03-14,1A,Mama,Juma,0712345678,,mother\n"
                                    ",Baraka,,Juma,M,,Form 7C,,,,,\n")

    batch = StudentImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("academics:student-import-detail", args=[batch.pk])
    page = admin_client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "1 row ready" in content and "1 row with errors" in content
    assert "There is no stream “Form 7C” in this school." in content
    assert 'data-testid="confirm-import"' in content
    assert Student.objects.count() == 0


def test_an_unreadable_file_is_refused_on_the_upload_form(admin_client):
    file = SimpleUploadedFile("list.csv", b"name,age\nAsha,12\n", content_type="text/csv")

    response = admin_client.post(reverse("academics:student-import"), {"file": file})

    assert response.status_code == 400
    assert "The header row lacks the column(s) first_name, last_name, sex, stream" in response.content.decode()
    assert StudentImport.objects.count() == 0


def test_confirm_starts_the_job_and_the_result_page_lists_the_students(admin_client, django_capture_on_commit_callbacks):
    upload(admin_client, "S/9,Asha,,Juma,F,,1A,,,,,\n")
    batch = StudentImport.objects.get()

    response = admin_client.post(reverse("academics:student-import-confirm", args=[batch.pk]))

    job = Job.objects.get(kind="academics.import_students")
    assert response.status_code == 302 and response.url == reverse("jobs:job-detail", args=[job.pk])
    assert job.params == {"import_id": batch.pk, "file": "students.csv"}
    job_run(job_id=job.pk)
    job_page = admin_client.get(response.url).content.decode()
    assert "1 student admitted." in job_page
    assert reverse("academics:student-import-detail", args=[batch.pk]) in job_page
    result = admin_client.get(reverse("academics:student-import-detail", args=[batch.pk])).content.decode()
    assert "S/9" in result and "Asha Juma" in result and 'data-testid="import-done"' in result


def test_confirming_twice_says_so(admin_client):
    upload(admin_client, ",Asha,,Juma,F,,1A,,,,,\n")
    batch = StudentImport.objects.get()
    admin_client.post(reverse("academics:student-import-confirm", args=[batch.pk]))

    response = admin_client.post(reverse("academics:student-import-confirm", args=[batch.pk]), follow=True)

    assert "This import was already confirmed." in response.content.decode()
    assert Job.objects.filter(kind="academics.import_students").count() == 1


def test_discarding_an_upload_removes_it(admin_client):
    upload(admin_client, ",Asha,,Juma,F,,1A,,,,,\n")
    batch = StudentImport.objects.get()

    response = admin_client.post(reverse("academics:student-import-discard", args=[batch.pk]))

    assert response.status_code == 302 and not StudentImport.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_rejected_rows_download_with_their_reasons(admin_client, fmt):
    upload(admin_client, ",Asha,,Juma,F,,1A,,,,,\n,Baraka,,Juma,Z,,1A,,,,,\n")
    batch = StudentImport.objects.get()

    response = admin_client.get(reverse("academics:student-import-errors", args=[batch.pk]), {"format": fmt})

    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        from openpyxl import load_workbook
        rows = [[cell or "" for cell in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    else:
        rows = [line.split(",") for line in data.decode("utf-8-sig").splitlines()]
    assert len(rows) == 2 and rows[1][0] == "3" and rows[1][2] == "Baraka"
    assert "is not a sex" in ",".join(rows[1])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads_and_reads_back_as_a_valid_import(admin_client, stream, fmt):
    StreamFactory(school_class=stream.school_class, name="B")
    response = admin_client.get(reverse("academics:student-import-template"), {"format": fmt})
    data = b"".join(response.streaming_content) if response.streaming else response.content

    columns, table = imports.read_table(name=f"template.{fmt}", data=data)

    assert columns == imports.HEADER and len(table) == 2
    assert [row["errors"] for row in imports.check_rows(table)] == [{}, {}]


def test_a_teacher_is_refused_every_page(client, school_a, teacher_a, stream, admin_a):
    batch = imports.student_import_preview(name="a.csv", data=(HEADER + "\n,A,,B,F,,1A,,,,,\n").encode(), actor=admin_a)
    console_login(client, school_a, teacher_a)

    for name, args in [("academics:student-import", []), ("academics:student-import-template", []),
                       ("academics:student-import-detail", [batch.pk]), ("academics:student-import-errors", [batch.pk]),
                       ("academics:student-export", []), ("academics:promotion", [])]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name in ("academics:student-import-confirm", "academics:student-import-discard"):
        assert client.post(reverse(name, args=[batch.pk])).status_code == 403, name
    assert StudentImport.objects.get().status == StudentImport.Status.PREVIEW
    assert Job.objects.count() == 0


def test_another_schools_admin_never_reaches_an_upload(client, school_b, admin_b, stream, admin_a):
    batch = imports.student_import_preview(name="a.csv", data=(HEADER + "\n,A,,B,F,,1A,,,,,\n").encode(), actor=admin_a)
    console_login(client, school_b, admin_b)

    assert client.get(reverse("academics:student-import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("academics:student-import-confirm", args=[batch.pk])).status_code == 404
    page = client.get(reverse("academics:student-import"))
    assert b"a.csv" not in page.content
    with schema_context(school_b.schema_name):
        assert not StudentImport.objects.exists()


def test_the_promotion_page_previews_and_starts_the_job(admin_client, stream):
    import datetime
    AcademicYearFactory(name="2026", is_current=True)
    target = AcademicYearFactory(name="2027", starts_on=datetime.date(2027, 1, 11), ends_on=datetime.date(2027, 12, 3),
                                 is_current=False)
    stream.school_class.next_class = SchoolClassFactory(level=2, name="Form 2")
    stream.school_class.save()
    from tests.academics.factories import StudentFactory
    StudentFactory.create_batch(2, stream=stream)

    page = admin_client.get(reverse("academics:promotion")).content.decode()
    assert "Form 1A" in page and "Form 2A" in page and "new stream" in page and "2 students move up" in page

    response = admin_client.post(reverse("academics:promotion"), {"target_year": target.pk})
    job = Job.objects.get(kind="academics.promote")
    assert response.status_code == 302 and response.url == reverse("jobs:job-detail", args=[job.pk])
    job_run(job_id=job.pk)
    assert "2 promoted, 0 graduated, 0 kept back." in admin_client.get(response.url).content.decode()

    again = admin_client.post(reverse("academics:promotion"), {"target_year": target.pk})
    assert again.status_code == 400
    assert "already promoted into 2027" in again.content.decode()


def test_the_promotion_page_says_when_there_is_no_next_year(admin_client):
    AcademicYearFactory(name="2026", is_current=True)

    page = admin_client.get(reverse("academics:promotion"))

    assert page.status_code == 200 and b'data-testid="no-next-year"' in page.content


def test_the_import_page_polls_while_running_and_reloads_when_done(admin_client):
    upload(admin_client, ",Asha,,Juma,F,,1A,,,,,\n")
    batch = StudentImport.objects.get()
    admin_client.post(reverse("academics:student-import-confirm", args=[batch.pk]))
    url = reverse("academics:student-import-detail", args=[batch.pk])

    running = admin_client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in running.content.decode() and "HX-Refresh" not in running
    job_run(job_id=Job.objects.get().pk)
    done = admin_client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_a_repeater_who_left_meanwhile_is_explained_and_nobody_moves(admin_client, stream):
    import datetime
    AcademicYearFactory(name="2026", is_current=True)
    target = AcademicYearFactory(name="2027", starts_on=datetime.date(2027, 1, 11), ends_on=datetime.date(2027, 12, 3),
                                 is_current=False)
    from tests.academics.factories import StudentFactory
    gone = StudentFactory(stream=None, status="left")

    response = admin_client.post(reverse("academics:promotion"), {"target_year": target.pk, "keep": [gone.pk]})

    assert response.status_code == 400
    assert "no longer active" in response.content.decode()
    assert not Job.objects.filter(kind="academics.promote").exists()
