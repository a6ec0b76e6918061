"""Bulk import of students and their guardians from CSV or XLSX: read the file once, check every row
against the school, keep the checked rows in a StudentImport for the preview, and write them (all or
nothing) only when the admin confirms, in the "academics.import_students" job (apps.academics.jobs).

The header (HEADER) is the same as the export's (apps.academics.exports), so an export can be
imported into another school."""

import csv
import datetime
import io
import re
import zipfile

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.academics.models import Guardian, Stream, Student, StudentGuardian, StudentImport
from apps.academics.phones import phone_normalise
from apps.audit.services import audit_record
from apps.platform import limits

HEADER = ["admission_number", "first_name", "middle_name", "last_name", "sex", "date_of_birth", "stream",
          "guardian_first_name", "guardian_last_name", "guardian_phone", "guardian_email", "relationship"]
REQUIRED_COLUMNS = ["first_name", "last_name", "sex", "stream"]
GUARDIAN_FIELDS = ["guardian_first_name", "guardian_last_name", "guardian_phone", "guardian_email", "relationship"]
# the header's words as a person reads them (preview, error report)
LABELS = {
    "admission_number": gettext_lazy("Admission number"), "first_name": gettext_lazy("First name"),
    "middle_name": gettext_lazy("Middle name"), "last_name": gettext_lazy("Last name"),
    "sex": gettext_lazy("Sex"), "date_of_birth": gettext_lazy("Date of birth"), "stream": gettext_lazy("Stream"),
    "guardian_first_name": gettext_lazy("Guardian's first name"),
    "guardian_last_name": gettext_lazy("Guardian's last name"),
    "guardian_phone": gettext_lazy("Guardian's phone"), "guardian_email": gettext_lazy("Guardian's email"),
    "relationship": gettext_lazy("Relationship"), "file": gettext_lazy("File"),
}
EXAMPLE_ROWS = [
    ["", "Asha", "Juma", "Mwakyusa", "F", "2011-03-14", "Form 1A", "Mariam", "Mwakyusa", "0712 345 678",
     "mariam@example.com", "mother"],
    ["", "Baraka", "", "Mwakyusa", "M", "02/09/2012", "1A", "Mariam", "Mwakyusa", "0712 345 678", "", "mother"],
]

MAX_BYTES = 5 * 1024 * 1024
PREVIEW_KEPT = datetime.timedelta(days=14)
MAX_ROWS = 5000
MAX_LENGTHS = {"admission_number": 40, "first_name": 100, "middle_name": 100, "last_name": 100,
               "guardian_first_name": 150, "guardian_last_name": 150, "guardian_email": 254}
SEXES = {"f": "F", "female": "F", "ke": "F", "kike": "F", "girl": "F",
         "m": "M", "male": "M", "me": "M", "kiume": "M", "boy": "M"}
RELATIONSHIPS = {
    **{choice.value: choice.value for choice in StudentGuardian.Relationship},
    "mum": "mother", "mom": "mother", "mama": "mother", "dad": "father", "baba": "father",
    "mlezi": "guardian", "bibi": "grandparent", "babu": "grandparent", "grandmother": "grandparent",
    "grandfather": "grandparent", "kaka": "sibling", "dada": "sibling", "brother": "sibling", "sister": "sibling",
    "mfadhili": "sponsor", "uncle": "other", "aunt": "other", "mjomba": "other", "shangazi": "other",
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (wrong kind, no header, missing columns, too big)."""


# reading ------------------------------------------------------------------------------------------------

def _column(name) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


def _cell(value) -> str:
    """A cell as text: dates as ISO, whole numbers without ".0" (a phone typed into Excel)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise ImportFileError(_("The file could not be read as CSV (%(error)s).") % {"error": error},
                              code="bad_file") from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The spreadsheet could not be opened (%(error)s).") % {"error": error},
                              code="bad_file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(*, name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(columns, [(line number, {column: text})]) from a CSV or XLSX file; blank lines are skipped.
    ImportFileError when it cannot be read as a student list."""
    if not data:
        raise ImportFileError(_("The file is empty."), code="empty")
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB: split it into smaller files."), code="too_big")
    lower = (name or "").lower()
    if data[:4] == b"PK\x03\x04" or lower.endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(data)
    elif lower.endswith(".xls"):
        raise ImportFileError(_("Old Excel files (.xls) cannot be read: save it as .xlsx or .csv."), code="bad_file")
    else:
        rows = _csv_rows(data)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise ImportFileError(_("The file has no header row."), code="no_header")
    columns = [_column(cell) for cell in rows[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise ImportFileError(
            _("The header row lacks the column(s) %(missing)s. Download the template to see the expected header.")
            % {"missing": ", ".join(missing)}, code="missing_columns")
    table = []
    for offset, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {column: (row[index] if index < len(row) else "") for index, column in enumerate(columns)
                  if column in HEADER}
        table.append((offset, {column: values.get(column, "") for column in HEADER}))
    if not table:
        raise ImportFileError(_("The file has a header but no students."), code="no_rows")
    if len(table) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s students: split it into smaller files.")
                              % {"max": MAX_ROWS}, code="too_many")
    return [column for column in HEADER if column in columns], table


# checking -----------------------------------------------------------------------------------------------

def _key(text: str) -> str:
    return re.sub(r"\s+", "", (text or "")).lower()


def stream_lookup() -> dict[str, Stream | None]:
    """Written stream name -> stream: by full name ("Form 1A") and, where it is unambiguous, by the
    class's number and the stream ("1A"); None marks an ambiguous short name."""
    lookup: dict[str, Stream | None] = {}
    short: dict[str, list[Stream]] = {}
    for stream in Stream.objects.select_related("school_class"):
        lookup[_key(stream.full_name)] = stream
        lookup.setdefault(_key(f"{stream.school_class.name} {stream.name}"), stream)
        number = re.sub(r"^\D*", "", stream.school_class.name)
        if number:
            short.setdefault(_key(number + stream.name), []).append(stream)
    for key, streams in short.items():
        if key not in lookup:
            lookup[key] = streams[0] if len(streams) == 1 else None
    return lookup


def parse_date(text: str) -> datetime.date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def check_rows(table: list[tuple[int, dict]]) -> list[dict]:
    """Each row with its checked values ("clean") and its errors per field ("errors"), against the
    school as it is now: a handful of queries whatever the number of rows."""
    streams = stream_lookup()
    numbers = [values["admission_number"].strip().lower() for _line, values in table if values["admission_number"]]
    taken = set(Student.objects.annotate(number=Lower("admission_number")).filter(number__in=numbers)
                .values_list("number", flat=True))
    email_check = EmailValidator()
    today = timezone.localdate()
    lines_of_number: dict[str, list[int]] = {}
    for line, values in table:
        number = values["admission_number"].strip().lower()
        if number:
            lines_of_number.setdefault(number, []).append(line)

    rows = []
    phones_written = []
    for line, values in table:
        errors: dict[str, list[str]] = {}
        clean: dict = {}

        def error(field, message, errors=errors):
            errors.setdefault(field, []).append(str(message))

        for field, limit in MAX_LENGTHS.items():
            if len(values[field]) > limit:
                error(field, _("Longer than %(max)s characters.") % {"max": limit})
        for field in ("first_name", "last_name"):
            if not values[field]:
                error(field, _("Missing: every student needs a first and a last name."))
        clean.update({field: values[field] for field in ("first_name", "middle_name", "last_name")})

        number = values["admission_number"].strip()
        clean["admission_number"] = number
        if number:
            if number.lower() in taken:
                error("admission_number", _("Admission number %(number)s already belongs to a student of this school.")
                      % {"number": number})
            others = [other for other in lines_of_number[number.lower()] if other != line]
            if others:
                error("admission_number", _("Admission number %(number)s is also on line(s) %(lines)s of this file.")
                      % {"number": number, "lines": ", ".join(map(str, others))})

        sex = SEXES.get(values["sex"].strip().lower())
        if sex is None:
            error("sex", _("“%(value)s” is not a sex: write F or M (female, male, Ke, Me).") % {"value": values["sex"]}
                  if values["sex"] else _("Missing: write F or M."))
        clean["sex"] = sex or ""

        clean["date_of_birth"] = None
        if values["date_of_birth"]:
            born = parse_date(values["date_of_birth"])
            if born is None:
                error("date_of_birth", _("“%(value)s” is not a date: write it as 2011-03-14 or 14/03/2011.")
                      % {"value": values["date_of_birth"]})
            elif born > today or born.year < 1900:
                error("date_of_birth", _("%(date)s cannot be a date of birth.") % {"date": born.isoformat()})
            else:
                clean["date_of_birth"] = born.isoformat()

        clean["stream_id"], clean["stream_name"] = None, ""
        if not values["stream"]:
            error("stream", _("Missing: every student is admitted into a stream."))
        else:
            key = _key(values["stream"])
            if key in streams and streams[key] is None:
                error("stream", _("“%(value)s” matches more than one stream: write the full name (Form 1A).")
                      % {"value": values["stream"]})
            elif key not in streams:
                error("stream", _("There is no stream “%(value)s” in this school.") % {"value": values["stream"]})
            else:
                clean["stream_id"], clean["stream_name"] = streams[key].pk, streams[key].full_name

        guardian = None
        if any(values[field] for field in GUARDIAN_FIELDS):
            guardian = {"first_name": values["guardian_first_name"], "last_name": values["guardian_last_name"],
                        "email": values["guardian_email"].strip(), "phone": "", "relationship": ""}
            try:
                guardian["phone"] = phone_normalise(values["guardian_phone"])
            except ValidationError as problem:
                error("guardian_phone", " ".join(problem.messages))
            if not values["guardian_phone"]:
                error("guardian_phone", _("Missing: a guardian is known by a phone number."))
            if guardian["email"]:
                try:
                    email_check(guardian["email"])
                except ValidationError:
                    error("guardian_email", _("“%(value)s” is not an email address.") % {"value": guardian["email"]})
            relationship = values["relationship"].strip().lower() or "guardian"
            if relationship not in RELATIONSHIPS:
                error("relationship", _("“%(value)s” is not one of: %(choices)s.") % {
                    "value": values["relationship"],
                    "choices": ", ".join(choice.value for choice in StudentGuardian.Relationship)})
            guardian["relationship"] = RELATIONSHIPS.get(relationship, "")
            if guardian["phone"]:
                phones_written.append(guardian["phone"])
        clean["guardian"] = guardian
        rows.append({"line": line, "values": values, "clean": clean, "errors": errors})

    # a phone already on file is that guardian (linked, not duplicated): names may then be left out
    known_phones = set(Guardian.objects.filter(phone__in=phones_written).values_list("phone", flat=True))
    emails = {row["clean"]["guardian"]["email"].lower() for row in rows
              if row["clean"]["guardian"] and row["clean"]["guardian"]["email"]}
    emails_taken = set(get_user_model().objects.annotate(address=Lower("email")).filter(address__in=emails)
                       .values_list("address", flat=True))
    phone_of_email: dict[str, str] = {}
    for row in rows:
        guardian = row["clean"]["guardian"]
        if not guardian:
            continue
        guardian["existing"] = guardian["phone"] in known_phones
        if guardian["existing"]:
            continue
        for field in ("first_name", "last_name"):
            if not guardian[field]:
                row["errors"].setdefault(f"guardian_{field}", []).append(
                    _("Missing: a new guardian needs a first and a last name."))
        email = guardian["email"].lower()
        if email and email in emails_taken:
            row["errors"].setdefault("guardian_email", []).append(
                _("%(email)s already belongs to someone of this school.") % {"email": guardian["email"]})
        elif email and phone_of_email.setdefault(email, guardian["phone"]) != guardian["phone"]:
            row["errors"].setdefault("guardian_email", []).append(
                _("%(email)s is given for two different phone numbers in this file.") % {"email": guardian["email"]})
    return rows


def current_school():
    """The school whose schema is in use (a Tenant row, also inside schema_context)."""
    from apps.platform.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Tenant) and tenant.schema_name == connection.schema_name:
        return tenant
    return Tenant.objects.get(schema_name=connection.schema_name)


def plan_limit_error(valid: int, school=None) -> str:
    """Why the valid rows cannot all be admitted under the school's plan ("" when they can)."""
    school = school or current_school()
    try:
        limits.check(school, "students", adding=valid)
    except limits.LimitReached as reached:
        return _("These %(valid)s students would take the school over its limit of %(limit)s active students "
                 "(it has %(current)s): %(room)s more can be admitted. Remove some rows, or ask the platform "
                 "owner to raise the limit.") % {"valid": valid, "limit": reached.limit, "current": reached.current,
                                                 "room": max(reached.limit - reached.current, 0)}
    return ""


def summary(rows: list[dict]) -> dict:
    valid = [row for row in rows if not row["errors"]]
    new_phones = {row["clean"]["guardian"]["phone"] for row in valid
                  if row["clean"]["guardian"] and not row["clean"]["guardian"]["existing"]}
    existing = {row["clean"]["guardian"]["phone"] for row in valid
                if row["clean"]["guardian"] and row["clean"]["guardian"]["existing"]}
    return {"rows": len(rows), "valid": len(valid), "invalid": len(rows) - len(valid),
            "new_guardians": len(new_phones), "existing_guardians": len(existing)}


@transaction.atomic
def student_import_preview(*, name: str, data: bytes, actor) -> StudentImport:
    """Read and check an uploaded file and keep the result for its preview; nothing else is written.
    ImportFileError when the file as a whole cannot be read."""
    _columns, table = read_table(name=name, data=data)
    rows = check_rows(table)
    # uploads never confirmed hold names and phones for nothing: they go after PREVIEW_KEPT
    StudentImport.objects.filter(status=StudentImport.Status.PREVIEW,
                                 created_at__lt=timezone.now() - PREVIEW_KEPT).delete()
    return StudentImport.objects.create(file_name=(name or "upload")[:200], rows=rows, created_by=actor)


# writing ------------------------------------------------------------------------------------------------

def _recheck(batch: StudentImport) -> list[dict]:
    """The valid rows, checked again against the school as it is now (someone may have admitted a
    student with one of these numbers or removed a stream since the preview)."""
    valid = [row for row in batch.rows if not row["errors"]]
    if not valid:
        raise ValidationError(_("There is no valid row to import."), code="nothing")
    now = check_rows([(row["line"], row["values"]) for row in valid])
    problems = []
    for row in now:
        for field, messages in row["errors"].items():
            problems.append(_("line %(line)s, %(field)s: %(why)s") % {
                "line": row["line"], "field": LABELS.get(field, field), "why": " ".join(messages)})
    if problems:
        raise ValidationError(_("Nothing was imported: the school changed since the preview (%(problems)s). "
                                "Upload the file again.") % {"problems": "; ".join(problems[:10])}, code="changed")
    limit = plan_limit_error(len(now))
    if limit:
        raise ValidationError(limit, code="limit_reached")
    return now


def _write_row(row, streams, guardians, new_guardians, linked_existing, actor) -> dict:
    from apps.academics import services

    clean = row["clean"]
    stream = streams[clean["stream_id"]]
    born = clean["date_of_birth"]
    student = services.student_admit(
        first_name=clean["first_name"], middle_name=clean["middle_name"], last_name=clean["last_name"],
        sex=clean["sex"], stream=stream, admission_number=clean["admission_number"] or None,
        date_of_birth=datetime.date.fromisoformat(born) if born else None, actor=actor)
    guardian_name = ""
    data = clean["guardian"]
    if data:
        phone = data["phone"]
        guardian = guardians.get(phone)
        if guardian is None:
            guardian = services.guardian_create(first_name=data["first_name"], last_name=data["last_name"],
                                                phone=phone, email=data["email"], actor=actor)
            guardians[phone] = guardian
            new_guardians.add(phone)
        elif phone not in new_guardians:
            linked_existing.add(phone)
        services.guardian_link(student=student, guardian=guardian, relationship=data["relationship"],
                               is_primary=True, actor=actor)
        guardian_name = guardian.user.display_name
    return {"id": student.pk, "admission_number": student.admission_number, "name": student.full_name,
            "stream": stream.full_name, "guardian": guardian_name, "line": row["line"]}


def student_import_run(*, batch: StudentImport, actor, reporter=None) -> dict:
    """Admit every valid row of a previewed import, with its guardian, in one transaction: all rows or
    none. Guardians are found by phone (one already on file is linked; rows sharing a new phone share
    one new guardian). Returns the counts; the batch keeps what was created (or why it failed)."""
    try:
        with transaction.atomic():
            rows = _recheck(batch)
            if reporter is not None:
                reporter.set_total(len(rows))
            phones = {row["clean"]["guardian"]["phone"] for row in rows if row["clean"]["guardian"]}
            guardians = {guardian.phone: guardian
                         for guardian in Guardian.objects.select_related("user").filter(phone__in=phones)}
            streams = Stream.objects.select_related("school_class").in_bulk(
                {row["clean"]["stream_id"] for row in rows})
            created, new_guardians, linked_existing = [], set(), set()
            for row in rows:
                try:
                    created.append(_write_row(row, streams, guardians, new_guardians, linked_existing, actor))
                except ValidationError as problem:
                    raise ValidationError(_("Nothing was imported: line %(line)s could not be written (%(why)s).")
                                          % {"line": row["line"], "why": " ".join(problem.messages)},
                                          code="write_failed") from problem
                if reporter is not None:
                    reporter.step(created[-1]["name"])
            result = {"students": len(created), "guardians_created": len(new_guardians),
                      "guardians_linked": len(linked_existing), "skipped": len(batch.rows) - len(rows)}
            batch.status = StudentImport.Status.DONE
            batch.result = {**result, "created": created}
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "result", "finished_at"])
            audit_record(action="academics.students_imported", actor=actor, target=batch,
                         changes=result, detail={"file": batch.file_name})
            return result
    except Exception as error:
        reason = "; ".join(getattr(error, "messages", None) or [str(error)]) or error.__class__.__name__
        StudentImport.objects.filter(pk=batch.pk).update(
            status=StudentImport.Status.FAILED, result={"error": reason[:2000]}, finished_at=timezone.now())
        raise


# reports ------------------------------------------------------------------------------------------------

def error_report_rows(batch: StudentImport) -> list[list[str]]:
    """The rejected lines as they were written, each with its line number and reasons."""
    out = [["line", *HEADER, "errors"]]
    for row in batch.rows:
        if row["errors"]:
            reasons = "; ".join(f"{LABELS.get(field, field)}: {' '.join(messages)}"
                                for field, messages in row["errors"].items())
            out.append([str(row["line"]), *(row["values"].get(column, "") for column in HEADER), reasons])
    return out


@transaction.atomic
def student_import_confirm(*, batch: StudentImport, actor, request=None):
    """Start writing a previewed import (the "academics.import_students" job); refused when it was
    already confirmed, has no valid row or would take the school over its student limit."""
    from apps.jobs.services import job_start

    batch = StudentImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != StudentImport.Status.PREVIEW:
        raise ValidationError(_("This import was already confirmed."), code="confirmed")
    counts = summary(batch.rows)
    if not counts["valid"]:
        raise ValidationError(_("There is no valid row to import: correct the file and upload it again."),
                              code="nothing")
    limit = plan_limit_error(counts["valid"])
    if limit:
        raise ValidationError(limit, code="limit_reached")
    job = job_start(kind="academics.import_students", params={"import_id": batch.pk, "file": batch.file_name},
                    actor=actor, total=counts["valid"])
    batch.status, batch.job = StudentImport.Status.RUNNING, job
    batch.save(update_fields=["status", "job"])
    return job
