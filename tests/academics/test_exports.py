"""Student export: the import's header plus status, filters as on the student list, bounded queries, and
a round trip (school A's export imported into school B)."""

import io

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.academics import imports
from apps.academics.exports import EXPORT_HEADER, students_for_export
from apps.academics.models import Guardian, Student
from apps.jobs.services import job_run
from tests.academics.factories import (
    GuardianFactory, SchoolClassFactory, StreamFactory, StudentFactory, StudentGuardianFactory,
)
from tests.conftest import console_login


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def structure():
    form2 = SchoolClassFactory(level=2, name="Form 2")
    form1 = SchoolClassFactory(level=1, name="Form 1", next_class=form2)
    return StreamFactory(school_class=form1, name="A"), StreamFactory(school_class=form2, name="A")


@pytest.fixture
def school(in_school_a):
    stream1, stream2 = structure()
    mother = GuardianFactory(phone="+255712345678", user__first_name="Mariam", user__last_name="Juma",
                             user__email="mariam@example.com")
    asha = StudentFactory(admission_number="A/1", first_name="Asha", last_name="Juma", sex="F", stream=stream1)
    baraka = StudentFactory(admission_number="A/2", first_name="Baraka", last_name="Juma", sex="M", stream=stream2,
                            date_of_birth=None)
    StudentGuardianFactory(student=asha, guardian=mother, relationship="mother")
    StudentGuardianFactory(student=baraka, guardian=mother, relationship="mother")
    StudentFactory(admission_number="A/3", first_name="Zuhura", last_name="Ali", sex="F", stream=stream2,
                   status="left")
    return {"stream1": stream1, "stream2": stream2}


@pytest.fixture
def admin_client(client, school_a, admin_a, school):
    console_login(client, school_a, admin_a)
    return client


def test_the_csv_export_mirrors_the_import_header(admin_client):
    response = admin_client.get(reverse("academics:student-export"), {"format": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = body(response).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(EXPORT_HEADER)
    assert lines[1] == "A/1,Asha,,Juma,F,2011-03-14,Form 1A,Mariam,Juma,+255712345678,mariam@example.com,mother,active"
    assert len(lines) == 4


@pytest.mark.parametrize(("params", "expected"), [
    ({"stream": "STREAM2"}, ["A/3", "A/2"]),  # by stream, then surname
    ({"class": "CLASS1"}, ["A/1"]),
    ({"status": "left"}, ["A/3"]),
    ({"q": "bar"}, ["A/2"]),
    ({"sex": "F"}, ["A/1", "A/3"]),
    ({"status": "nonsense"}, ["A/1", "A/3", "A/2"]),
])
def test_the_export_takes_the_student_lists_filters(admin_client, school, params, expected):
    ids = {"STREAM2": str(school["stream2"].pk), "CLASS1": str(school["stream1"].school_class_id)}
    params = {key: ids.get(value, value) for key, value in params.items()}

    lines = body(admin_client.get(reverse("academics:student-export"), params)).decode("utf-8-sig").splitlines()

    assert [line.split(",")[0] for line in lines[1:]] == expected


def test_the_xlsx_export_opens_in_excel(admin_client):
    from openpyxl import load_workbook

    response = admin_client.get(reverse("academics:student-export"), {"format": "xlsx"})

    rows = list(load_workbook(io.BytesIO(body(response))).active.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_HEADER and rows[2][0] == "A/3" and rows[2][-1] == "left"


def test_the_export_reads_students_and_guardians_in_three_queries(school, admin_a, django_assert_max_num_queries):
    for _ in range(15):
        StudentGuardianFactory(student=StudentFactory(stream=school["stream1"]))

    with django_assert_max_num_queries(3 * 2):
        rows = list(students_for_export(user=admin_a))
        [link.guardian.user.email for student in rows for link in student.guardian_links.all()]

    assert len(rows) == 18


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_into_another_school(admin_client, admin_a, school_b, admin_b, fmt):
    data = body(admin_client.get(reverse("academics:student-export"), {"format": fmt, "status": "active"}))

    with schema_context(school_b.schema_name):
        structure()
        batch = imports.student_import_preview(name=f"export.{fmt}", data=data, actor=admin_b)
        assert [row["errors"] for row in batch.rows] == [{}, {}]
        job = job_run(job_id=imports.student_import_confirm(batch=batch, actor=admin_b).pk)
        assert job.status == "succeeded", job.error
        assert sorted(Student.objects.values_list("admission_number", "stream__school_class__name")) == [
            ("A/1", "Form 1"), ("A/2", "Form 2")]
        mariam = Guardian.objects.get()
        assert mariam.phone == "+255712345678" and mariam.students.count() == 2


def test_another_schools_export_has_none_of_these_students(client, school_b, admin_b, school):
    console_login(client, school_b, admin_b)

    lines = body(client.get(reverse("academics:student-export"))).decode("utf-8-sig").splitlines()

    assert lines == [",".join(EXPORT_HEADER)]
