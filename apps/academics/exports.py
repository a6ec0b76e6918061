"""Students out as CSV (streamed) or XLSX, with the import's header (so an export can be imported
into another school) plus the status; filtered like the student list."""

import csv
import io

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from apps.academics.imports import HEADER
from apps.academics.models import StudentGuardian
from apps.academics.selectors import students_for_user

EXPORT_HEADER = [*HEADER, "status"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def students_for_export(*, user, school_class=None, stream=None, status="", sex="", search="") -> QuerySet:
    """The user's students (filters as on the student list), each with its guardians: three queries
    however many students."""
    links = StudentGuardian.objects.select_related("guardian__user").order_by("-is_primary", "id")
    students = students_for_user(user=user).prefetch_related(Prefetch("guardian_links", queryset=links))
    if school_class:
        students = students.filter(stream__school_class_id=school_class)
    if stream:
        students = students.filter(stream_id=stream)
    if status:
        students = students.filter(status=status)
    if sex:
        students = students.filter(sex=sex)
    for word in (search or "").split():
        students = students.filter(Q(first_name__icontains=word) | Q(middle_name__icontains=word)
                                   | Q(last_name__icontains=word) | Q(admission_number__icontains=word))
    return students.order_by("stream__school_class__level", "stream__name", "last_name", "first_name", "pk")


def student_row(student) -> list[str]:
    links = list(student.guardian_links.all())
    link = links[0] if links else None
    guardian = link.guardian if link else None
    return [
        student.admission_number, student.first_name, student.middle_name, student.last_name, student.sex,
        student.date_of_birth.isoformat() if student.date_of_birth else "",
        student.stream.full_name if student.stream else "",
        guardian.user.first_name if guardian else "", guardian.user.last_name if guardian else "",
        guardian.phone if guardian else "", guardian.user.email if guardian else "",
        link.relationship if link else "", student.status,
    ]


class _Echo:
    def write(self, value):
        return value


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") and not cell[1:2].isdigit() else cell


def csv_response(rows, *, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel reads UTF-8 only with its mark
        for row in rows:
            yield writer.writerow([_safe(str(cell)) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows, *, filename: str, title: str = "Students") -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in rows:
        sheet.append([_safe(str(cell)) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def students_export_response(students: QuerySet, *, format: str):
    def rows():
        yield EXPORT_HEADER
        for student in students.iterator(chunk_size=500):
            yield student_row(student)

    stamp = timezone.localdate().isoformat()
    if format == "xlsx":
        return xlsx_response(rows(), filename=f"students-{stamp}.xlsx")
    return csv_response(rows(), filename=f"students-{stamp}.csv")
