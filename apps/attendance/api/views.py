"""/api/v1/attendance/: registers (list, one, save a whole register), term summaries, and one
student's marks. Teachers: their streams; admins: all; parents: their children's marks only."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics.models import Term
from apps.academics.selectors import current_term
from apps.accounts.access import get_for_user_or_404
from apps.accounts.api.permissions import HasRole
from apps.accounts.roles import Role
from apps.attendance import selectors, services
from apps.attendance.access import register_get_for_user, register_stream_get_for_user
from apps.attendance.api.serializers import (
    RegisterDetailSerializer, RegisterSaveSerializer, RegisterSerializer, StudentAttendanceSerializer,
    StudentMarkSerializer,
    SummarySerializer,
)
from apps.attendance.models import AttendanceMark

STAFF = HasRole(Role.SCHOOL_ADMIN, Role.TEACHER)
SCOPE = "Teachers see the streams they lead or teach in, school admins every stream; others get 403."
REGISTER_EXAMPLE = OpenApiExample("A day's register", response_only=True, value={
    "id": 41, "stream": 3, "stream_name": "Form 2A", "term": 1, "date": "2026-03-10", "period": None,
    "taken_by": "Neema Mushi", "taken_at": "2026-03-10T07:45:12+03:00", "updated_at": "2026-03-10T07:45:12+03:00",
    "counts": {"present": 38, "absent": 2, "late": 1, "excused": 0},
    "marks": [{"student": 118, "student_name": "Amani Juma", "status": "absent", "note": ""}]})


def _term(value) -> Term | None:
    if value in (None, ""):
        return None
    try:
        return Term.objects.get(pk=int(value))
    except (Term.DoesNotExist, ValueError):
        raise serializers.ValidationError({"term": ["Unknown term."]}) from None


def _marks_prefetch():
    return Prefetch("marks", queryset=AttendanceMark.objects.select_related("student").order_by(
        "student__last_name", "student__first_name"))


@extend_schema(tags=["attendance"])
class RegisterListView(generics.ListCreateAPIView):
    permission_classes = [STAFF]
    serializer_class = RegisterSerializer

    def get_queryset(self):
        params = self.request.query_params
        stream = params.get("stream")
        date = params.get("date")
        registers = selectors.registers_for_user(user=self.request.user, term=_term(params.get("term")))
        if stream:
            registers = registers.filter(stream_id=int(stream) if stream.isdigit() else 0)
        if date:
            date_value = serializers.DateField().to_internal_value(date)
            registers = registers.filter(date=date_value)
        return registers.prefetch_related("marks")

    @extend_schema(summary="Registers", description=SCOPE, parameters=[
        OpenApiParameter("stream", int), OpenApiParameter("date", str, description="YYYY-MM-DD"),
        OpenApiParameter("term", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Save a whole register",
        description="The same rules as the console: the date within a term and not in the future, every student "
                    "active and in the stream, the stream's teachers or a school admin, frozen days the admin's "
                    "alone (audited). Nothing is saved when anything is wrong; errors name the student "
                    "(`student-<id>`). Guardians of newly absent students are queued an SMS once.",
        request=RegisterSaveSerializer, responses={201: RegisterDetailSerializer},
        examples=[OpenApiExample("A day's register", request_only=True, value={
            "stream": 3, "date": "2026-03-10", "period": None,
            "marks": [{"student": 118, "status": "absent", "note": ""},
                      {"student": 119, "status": "present", "note": ""}]}), REGISTER_EXAMPLE])
    def post(self, request, *args, **kwargs):
        serializer = RegisterSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stream = register_stream_get_for_user(user=request.user, pk=data["stream"])
        register = services.register_save(
            stream=stream, date=data["date"], period=data["period"],
            marks={mark["student"]: mark["status"] for mark in data["marks"]},
            notes={mark["student"]: mark["note"] for mark in data["marks"] if mark["note"]},
            actor=request.user, request=request)
        register = selectors.registers_for_user(user=request.user).prefetch_related(_marks_prefetch()).get(
            pk=register.pk)
        return Response(RegisterDetailSerializer(register).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["attendance"])
class RegisterDetailView(APIView):
    permission_classes = [STAFF]

    @extend_schema(summary="One register with its marks", description=SCOPE, responses=RegisterDetailSerializer,
                   examples=[REGISTER_EXAMPLE])
    def get(self, request, pk: int):
        register = register_get_for_user(user=request.user, pk=pk)
        register = type(register).objects.prefetch_related(_marks_prefetch()).select_related(
            "stream__school_class", "taken_by").get(pk=register.pk)
        return Response(RegisterDetailSerializer(register).data)


class SummaryRowSerializer(SummarySerializer):
    stream = serializers.IntegerField()
    stream_name = serializers.CharField()


class SummaryResponseSerializer(serializers.Serializer):
    term = serializers.IntegerField(allow_null=True)
    streams = SummaryRowSerializer(many=True)


@extend_schema(tags=["attendance"])
class SummaryView(APIView):
    permission_classes = [STAFF]

    @extend_schema(
        summary="Attendance rates per stream for a term",
        description=SCOPE + " Without `term`, the current term. Rate: (present + late) / marks, in %.",
        parameters=[OpenApiParameter("term", int), OpenApiParameter("stream", int)],
        responses=SummaryResponseSerializer,
        examples=[OpenApiExample("Rates", response_only=True, value={"term": 1, "streams": [
            {"stream": 3, "stream_name": "Form 2A", "present": 380, "absent": 12, "late": 8, "excused": 0,
             "days": 400, "rate": 97.0}]})])
    def get(self, request):
        term = _term(request.query_params.get("term")) or current_term()
        if term is None:
            return Response({"term": None, "streams": []})
        stream = request.query_params.get("stream")
        stream_ids = None
        if stream:
            stream_ids = [register_stream_get_for_user(user=request.user, pk=stream).pk]
        rows = selectors.stream_rates(user=request.user, term=term, stream_ids=stream_ids)
        return Response({"term": term.pk, "streams": [
            {"stream": row["stream"].pk, "stream_name": row["stream"].full_name,
             **{key: row[key] for key in ("present", "absent", "late", "excused", "days", "rate")}}
            for row in rows]})


@extend_schema(tags=["attendance"])
class StudentAttendanceView(APIView):
    permission_classes = [HasRole(Role.SCHOOL_ADMIN, Role.TEACHER, Role.PARENT)]

    @extend_schema(
        summary="One student's marks and summary in a term",
        description="Parents: their own children only; teachers: students of their streams; school admins: "
                    "everyone. Anyone else's child is 404. Without `term`, the current term.",
        parameters=[OpenApiParameter("term", int)],
        responses=StudentAttendanceSerializer,
        examples=[OpenApiExample("A child's term", response_only=True, value={
            "student": 118, "student_name": "Amani Juma", "term": 1,
            "summary": {"present": 40, "absent": 2, "late": 1, "excused": 0, "days": 43, "rate": 95.3},
            "marks": [{"date": "2026-03-10", "period": None, "status": "absent", "note": ""}]})])
    def get(self, request, pk: int):
        student = get_for_user_or_404(selectors.mark_students_for_user(user=request.user), pk)
        term = _term(request.query_params.get("term")) or current_term()
        marks = selectors.student_marks(student=student, term=term) if term else []
        return Response({
            "student": student.pk, "student_name": student.full_name, "term": getattr(term, "pk", None),
            "summary": SummarySerializer(selectors.student_attendance_summary(student=student, term=term)).data,
            "marks": StudentMarkSerializer(marks, many=True).data,
        })



@extend_schema(tags=["attendance"])
class AttendanceIndexView(APIView):
    """/api/v1/attendance/: the attendance resources, with links."""

    permission_classes = [HasRole(Role.SCHOOL_ADMIN, Role.TEACHER, Role.PARENT)]

    @extend_schema(
        summary="The attendance resources",
        responses=inline_serializer("AttendanceIndex", {
            "registers": serializers.URLField(help_text="registers: list; POST saves a whole register (staff)"),
            "summary": serializers.URLField(help_text="term rates per stream (staff)"),
            "student": serializers.CharField(help_text="one student's term: replace {id} (parents: their children)"),
        }))
    def get(self, request):
        from django.urls import reverse

        return Response({
            "registers": request.build_absolute_uri(reverse("api:attendance-register-list")),
            "summary": request.build_absolute_uri(reverse("api:attendance-summary")),
            "student": request.build_absolute_uri(reverse("api:attendance-student", kwargs={"pk": 0})).replace(
                "/0/", "/{id}/"),
        })
