"""Student import: reading CSV and XLSX, every kind of row error with its message, nothing written before
the admin confirms, all or nothing when the job writes, guardians found by phone, the plan's limit,
and another school never seeing the upload."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.academics import imports
from apps.academics.models import Guardian, Student, StudentGuardian, StudentImport
from apps.audit.models import AuditEvent
from apps.jobs.models import Job
from apps.jobs.services import job_run
from tests.academics.factories import GuardianFactory, SchoolClassFactory, StreamFactory, StudentFactory

HEADER = ",".join(imports.HEADER)


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def streams(in_school_a):
    form2 = SchoolClassFactory(level=2, name="Form 2")
    form1 = SchoolClassFactory(level=1, name="Form 1", next_class=form2)
    return {"1A": StreamFactory(school_class=form1, name="A"), "1B": StreamFactory(school_class=form1, name="B"),
            "2A": StreamFactory(school_class=form2, name="A")}


def preview(data: bytes, admin, name="students.csv") -> StudentImport:
    return imports.student_import_preview(name=name, data=data, actor=admin)


def errors_of(batch, line) -> dict:
    return next(row["errors"] for row in batch.rows if row["line"] == line)


def confirm_and_run(batch, admin) -> Job:
    job = imports.student_import_confirm(batch=batch, actor=admin)
    return job_run(job_id=job.pk)


# reading ------------------------------------------------------------------------------------------------

def test_a_csv_is_read_and_checked_without_writing_anything(streams, admin_a):
    data = csv_bytes("S/1,Asha,Juma,Mwakyusa,F,2011-03-14,Form 1A,Mariam,Mwakyusa,0712 345 678,m@example.com,mother",
                     ",Baraka,,Mwakyusa,Me,14/03/2012, 1 b ,,,,,")

    batch = preview(data, admin_a)

    assert [row["errors"] for row in batch.rows] == [{}, {}]
    first, second = (row["clean"] for row in batch.rows)
    assert first["sex"] == "F" and first["date_of_birth"] == "2011-03-14" and first["stream_id"] == streams["1A"].pk
    assert first["guardian"]["phone"] == "+255712345678" and first["guardian"]["relationship"] == "mother"
    assert second["sex"] == "M" and second["date_of_birth"] == "2012-03-14" and second["stream_id"] == streams["1B"].pk
    assert second["guardian"] is None
    assert Student.objects.count() == 0 and Guardian.objects.count() == 0
    assert batch.status == StudentImport.Status.PREVIEW


def test_an_xlsx_is_read_with_dates_and_numbers_as_excel_keeps_them(streams, admin_a):
    data = xlsx_bytes([imports.HEADER,
                       ["", "Neema", "", "Kato", "female", datetime.datetime(2011, 5, 2), "form 1a", "Paulo", "Kato",
                        255754000111, "", "father"],
                       [None] * 12,
                       ["", "Juma", "", "Ali", "Ke", "2011-01-01", "2A", "", "", "", "", ""]])

    batch = preview(data, admin_a, name="list.xlsx")

    assert [row["line"] for row in batch.rows] == [2, 4]  # the blank line is skipped, line numbers kept
    neema = batch.rows[0]["clean"]
    assert neema["date_of_birth"] == "2011-05-02" and neema["guardian"]["phone"] == "+255754000111"
    assert neema["stream_id"] == streams["1A"].pk
    assert batch.rows[1]["clean"]["stream_id"] == streams["2A"].pk and batch.rows[1]["clean"]["sex"] == "F"


def test_a_semicolon_csv_from_a_european_excel_is_read(streams, admin_a):
    data = (";".join(imports.HEADER) + "\n" + ";Asha;;Mwakyusa;F;;Form 1A;;;;;\n").encode("cp1252")

    batch = preview(data, admin_a)

    assert batch.rows[0]["errors"] == {} and batch.rows[0]["clean"]["first_name"] == "Asha"


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "a.csv", "empty"),
    (b"first_name,last_name\nAsha,Juma\n", "a.csv", "sex, stream"),
    (csv_bytes(), "a.csv", "no students"),
    (b"PK\x03\x04 not really a workbook", "a.xlsx", "could not be opened"),
    (b"\xd0\xcf\x11\xe0", "old.xls", ".xls"),
    (("first_name,last_name,sex,stream\n\"" + "x" * 200_000 + "\",a,F,1A\n").encode(), "a.csv", "could not be read"),
])
def test_a_file_that_cannot_be_read_is_refused_whole(streams, admin_a, data, name, message):
    with pytest.raises(imports.ImportFileError) as refused:
        preview(data, admin_a, name=name)

    assert message in " ".join(refused.value.messages)
    assert StudentImport.objects.count() == 0


# row errors ---------------------------------------------------------------------------------------------

def test_each_kind_of_row_error_is_reported_on_its_line_and_field(streams, admin_a):
    StudentFactory(admission_number="OLD/1", stream=streams["1A"])
    data = csv_bytes(
        "OLD/1,Asha,,Juma,F,,1A,,,,,",  # 2: number already in the school
        "NEW/1,Baraka,,Juma,M,,1A,,,,,",  # 3: duplicate in the file (with 4)
        "new/1,Chausiku,,Juma,F,,1A,,,,,",  # 4
        ",Daudi,,Juma,M,,Form 9Z,,,,,",  # 5: unknown stream
        ",Eliya,,Juma,M,,1A,Mama,Juma,12345,,mother",  # 6: bad phone
        ",,,Juma,F,,1A,,,,,",  # 7: missing first name
        ",Fatma,,Juma,F,31/02/2011,1A,,,,,",  # 8: bad date
        ",Gift,,Juma,X,,1A,,,,,",  # 9: bad sex
        ",Hawa,,Juma,F,,1A,Baba,,0712000111,not-an-email,uncle-in-law",  # 10: guardian problems
        ",Idd,,Juma,M,2099-01-01,,,,,,",  # 11: future birth, no stream
    )

    batch = preview(data, admin_a)

    assert "already belongs to a student of this school" in errors_of(batch, 2)["admission_number"][0]
    assert "also on line(s) 4" in errors_of(batch, 3)["admission_number"][0]
    assert "also on line(s) 3" in errors_of(batch, 4)["admission_number"][0]
    assert errors_of(batch, 5) == {"stream": ["There is no stream “Form 9Z” in this school."]}
    assert "not a valid phone number" in errors_of(batch, 6)["guardian_phone"][0]
    assert "Missing" in errors_of(batch, 7)["first_name"][0]
    assert "is not a date" in errors_of(batch, 8)["date_of_birth"][0]
    assert "is not a sex" in errors_of(batch, 9)["sex"][0]
    hawa = errors_of(batch, 10)
    assert set(hawa) == {"guardian_email", "relationship", "guardian_last_name"}
    idd = errors_of(batch, 11)
    assert "cannot be a date of birth" in idd["date_of_birth"][0] and "Missing" in idd["stream"][0]
    assert imports.summary(batch.rows)["valid"] == 0
    assert Student.objects.count() == 1


def test_the_error_report_lists_rejected_lines_with_their_reasons(streams, admin_a):
    batch = preview(csv_bytes(",Asha,,Juma,F,,1A,,,,,", ",Baraka,,Juma,M,,9Z,,,,,"), admin_a)

    rows = imports.error_report_rows(batch)

    assert rows[0] == ["line", *imports.HEADER, "errors"]
    assert len(rows) == 2 and rows[1][0] == "3" and rows[1][2] == "Baraka"
    assert rows[1][-1] == "Stream: There is no stream “9Z” in this school."


def test_a_short_stream_name_shared_by_two_classes_asks_for_the_full_name(streams, admin_a):
    StreamFactory(school_class=SchoolClassFactory(level=7, name="Standard 1"), name="A")

    batch = preview(csv_bytes(",Asha,,Juma,F,,1A,,,,,", ",Asha,,Juma,F,,Standard 1A,,,,,"), admin_a)

    assert "more than one stream" in errors_of(batch, 2)["stream"][0]
    assert errors_of(batch, 3) == {}


def test_the_plans_limit_is_checked_against_the_valid_rows(streams, admin_a, school_a):
    StudentFactory(stream=streams["1A"])
    school_a.limit_students = 2
    school_a.save(update_fields=["limit_students"])
    batch = preview(csv_bytes(",Asha,,Juma,F,,1A,,,,,", ",Baraka,,Juma,M,,1A,,,,,", ",X,,Y,Q,,1A,,,,,"), admin_a)

    assert "would take the school over its limit of 2 active students (it has 1): 1 more" in \
        imports.plan_limit_error(imports.summary(batch.rows)["valid"])
    with pytest.raises(ValidationError, match="over its limit"):
        imports.student_import_confirm(batch=batch, actor=admin_a)
    assert Student.objects.count() == 1 and Job.objects.count() == 0


# writing ------------------------------------------------------------------------------------------------

def test_confirming_admits_the_valid_rows_and_links_guardians_found_by_phone(streams, admin_a):
    known = GuardianFactory(phone="+255754000111")
    data = csv_bytes(
        "S/1,Asha,,Mwakyusa,F,2011-03-14,1A,Mariam,Mwakyusa,0712 345 678,mariam@example.com,mother",
        ",Baraka,,Mwakyusa,M,,1B,Mariam,Mwakyusa,+255712345678,,mother",  # a sibling: the same new guardian
        ",Chausiku,,Kato,F,,2A,,,0754 000 111,,father",  # an existing guardian: names not needed
        ",Daudi,,Kato,M,,9Z,,,,,",  # rejected, left out
    )
    batch = preview(data, admin_a)

    job = confirm_and_run(batch, admin_a)

    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {"students": 3, "guardians_created": 1, "guardians_linked": 1, "skipped": 1,
                          "import_id": batch.pk}
    asha = Student.objects.get(admission_number="S/1")
    assert (asha.stream, asha.status, asha.date_of_birth) == (streams["1A"], "active", datetime.date(2011, 3, 14))
    mariam = Guardian.objects.get(phone="+255712345678")
    assert mariam.user.email == "mariam@example.com" and mariam.user.role == "parent"
    assert set(mariam.students.values_list("first_name", flat=True)) == {"Asha", "Baraka"}
    assert list(known.students.values_list("first_name", flat=True)) == ["Chausiku"]
    assert StudentGuardian.objects.filter(is_primary=True).count() == 3
    assert Guardian.objects.count() == 2
    baraka = Student.objects.get(first_name="Baraka")
    assert baraka.admission_number  # generated from the school's pattern
    batch.refresh_from_db()
    assert batch.status == StudentImport.Status.DONE
    assert [entry["name"] for entry in batch.result["created"]] == ["Asha Mwakyusa", "Baraka Mwakyusa",
                                                                    "Chausiku Kato"]
    event = AuditEvent.objects.get(action="academics.students_imported")
    assert event.changes == {"students": 3, "guardians_created": 1, "guardians_linked": 1, "skipped": 1}


def test_a_problem_at_write_time_writes_nothing_and_the_job_says_why(streams, admin_a):
    batch = preview(csv_bytes("S/1,Asha,,Juma,F,,1A,,,,,", "S/2,Baraka,,Juma,M,,1A,Mama,Juma,0712345678,,"), admin_a)
    StudentFactory(admission_number="s/2", stream=streams["1B"])  # someone admitted it since the preview

    job = confirm_and_run(batch, admin_a)

    assert job.status == Job.Status.FAILED
    assert "Nothing was imported" in job.error and "line 3" in job.error and "S/2" in job.error
    assert not Student.objects.filter(admission_number="S/1").exists()
    assert Guardian.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == StudentImport.Status.FAILED and "line 3" in batch.result["error"]
    assert not AuditEvent.objects.filter(action="academics.students_imported").exists()


def test_a_service_refusal_mid_way_rolls_back_the_rows_already_written(streams, admin_a):
    batch = preview(csv_bytes(",Asha,,Juma,F,,1A,Mama,Juma,0712345678,taken@example.com,",
                              ",Baraka,,Juma,M,,1A,,,,,"), admin_a)
    # the email is taken after the preview: the guardian of line 2 cannot be created
    from tests.factories import UserFactory
    UserFactory(email="taken@example.com", role="teacher")

    job = confirm_and_run(batch, admin_a)

    assert job.status == Job.Status.FAILED and "line 2" in job.error
    assert Student.objects.count() == 0 and Guardian.objects.count() == 0


def test_an_import_is_confirmed_once(streams, admin_a):
    batch = preview(csv_bytes(",Asha,,Juma,F,,1A,,,,,"), admin_a)
    imports.student_import_confirm(batch=batch, actor=admin_a)

    with pytest.raises(ValidationError, match="already confirmed"):
        imports.student_import_confirm(batch=batch, actor=admin_a)

    assert Job.objects.filter(kind="academics.import_students").count() == 1


def test_an_import_with_no_valid_row_cannot_be_confirmed(streams, admin_a):
    batch = preview(csv_bytes(",Asha,,Juma,F,,9Z,,,,,"), admin_a)

    with pytest.raises(ValidationError, match="no valid row"):
        imports.student_import_confirm(batch=batch, actor=admin_a)


def test_an_email_already_in_the_school_is_caught_in_the_preview(streams, admin_a):
    batch = preview(csv_bytes(",Asha,,Juma,F,,1A,Mama,Juma,0712345678,ADMIN@alpha.test,"), admin_a)

    assert "already belongs to someone of this school" in errors_of(batch, 2)["guardian_email"][0]


def test_another_school_never_sees_the_import_or_its_students(streams, admin_a, school_b):
    batch = preview(csv_bytes("S/1,Asha,,Juma,F,,1A,,,,,"), admin_a)
    confirm_and_run(batch, admin_a)

    with schema_context(school_b.schema_name):
        assert not StudentImport.objects.exists()
        assert not Student.objects.filter(admission_number="S/1").exists()


def test_uploads_left_unconfirmed_for_two_weeks_are_removed_at_the_next_upload(streams, admin_a):
    from django.utils import timezone

    old = preview(csv_bytes(",Asha,,Juma,F,,1A,,,,,"), admin_a)
    done = preview(csv_bytes(",Baraka,,Juma,M,,1A,,,,,"), admin_a)
    confirm_and_run(done, admin_a)
    StudentImport.objects.filter(pk__in=[old.pk, done.pk]).update(
        created_at=timezone.now() - imports.PREVIEW_KEPT - datetime.timedelta(hours=1))

    fresh = preview(csv_bytes(",Chausiku,,Juma,F,,1A,,,,,"), admin_a)

    assert set(StudentImport.objects.values_list("pk", flat=True)) == {done.pk, fresh.pk}


def test_a_csv_that_is_not_utf8_is_read_as_windows_excel_writes_it(streams, admin_a):
    data = (",".join(imports.HEADER) + "\n,Zoë,,Müller,F,,1A,,,,,\n").encode("cp1252") + b"\x81"

    batch = preview(data, admin_a)

    assert batch.rows[0]["clean"]["first_name"] == "Zoë" and batch.rows[0]["clean"]["last_name"] == "Müller"
