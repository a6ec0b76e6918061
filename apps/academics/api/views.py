"""/api/v1/ for the school's structure and people: students, guardians, classes, streams, subjects,
teaching assignments, academic years and terms.

Who: school admins read and write everything; teachers read what the selectors show them (their
streams, those streams' students and the students' guardians); a parent reads only his own children
(/students/). Everyone else: 403. An object the caller may not see is 404. Writes go through
apps.academics.services (validated, audited); an Idempotency-Key header makes a retried write safe."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics import selectors, services
from apps.academics.access import guardian_get_for_user, student_get_for_user
from apps.academics.api import serializers as s
from apps.academics.models import AcademicYear, StudentGuardian, Term
from apps.accounts.access import get_for_user_or_404
from apps.accounts.roles import Role

ADMIN, TEACHER, PARENT = str(Role.SCHOOL_ADMIN), str(Role.TEACHER), str(Role.PARENT)


def ReadWrite(read: tuple, write: tuple = (ADMIN,)) -> type[BasePermission]:  # noqa: N802 (used like a class)
    """Reading (GET) for the `read` roles, writing for the `write` roles; anonymous: 401, others: 403."""

    class _ReadWrite(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request, view):
            user = request.user
            if not (user and user.is_authenticated):
                return False
            return user.role in (read if request.method in SAFE_METHODS else write)

    _ReadWrite.__name__ = f"ReadWrite(read={','.join(read)}; write={','.join(write)})"
    return _ReadWrite


STAFF_READ = ReadWrite(read=(ADMIN, TEACHER))
STUDENT_READ = ReadWrite(read=(ADMIN, TEACHER, PARENT))
SCOPE = ("School admins read and write; teachers read their own streams' share; others get 403. "
         "Another school's or an unseen object is 404.")


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError({name: [f"“{value}” is not a number."]}) from None


def _created(serializer_class, obj, request=None, **context):
    return Response(serializer_class(obj, context={"request": request, **context}).data,
                    status=status.HTTP_201_CREATED)


# --- students ---------------------------------------------------------------------------------------

STUDENT_EXAMPLE = OpenApiExample("A student", response_only=True, value={
    "id": 118, "admission_number": "2026/0042", "first_name": "Amani", "middle_name": "", "last_name": "Juma",
    "full_name": "Amani Juma", "sex": "F", "date_of_birth": "2011-03-14", "stream": 3, "stream_name": "Form 2A",
    "school_class": 2, "status": "active", "admitted_on": "2026-01-12", "photo": None})


def _student_serializer(user):
    return s.StudentAdminSerializer if getattr(user, "role", None) == ADMIN else s.StudentSerializer


@extend_schema(tags=["students"])
class StudentListView(generics.ListAPIView):
    permission_classes = [STUDENT_READ]
    serializer_class = s.StudentSerializer

    def get_serializer_class(self):
        return _student_serializer(self.request.user)

    def get_queryset(self):
        from apps.academics.views import students_filtered

        request = self.request
        status_value = request.query_params.get("status", "")
        if status_value and status_value not in dict(s.Student.Status.choices):
            raise serializers.ValidationError({"status": [f"“{status_value}” is not a status."]})
        data = {"q": request.query_params.get("search", ""), "stream": _int_param(request, "stream"),
                "school_class": _int_param(request, "class"), "status": status_value,
                "sex": request.query_params.get("sex", ""), "sort": request.query_params.get("sort", "")}
        return students_filtered(user=request.user, data=data)

    @extend_schema(
        summary="Students",
        description="School admins: every student; teachers: their streams' students; a parent: his own "
                    "children. Medical notes and notes are shown to school admins only.",
        parameters=[OpenApiParameter("stream", int), OpenApiParameter("class", int, description="A class's id"),
                    OpenApiParameter("status", str, enum=[value for value, _label in s.Student.Status.choices]),
                    OpenApiParameter("sex", str, enum=["F", "M"]),
                    OpenApiParameter("search", str, description="Part of a name or the admission number"),
                    OpenApiParameter("sort", str, enum=["name", "-name", "admission", "-admission", "class",
                                                        "-class", "admitted", "-admitted"])],
        examples=[STUDENT_EXAMPLE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Admit a student (school admins)",
        description="Without `admission_number` the next number of the school's pattern is taken. The plan's "
                    "student limit applies (error code `limit_reached`); a duplicate admission number is refused.",
        request=s.StudentCreateSerializer, responses={201: s.StudentAdminSerializer},
        examples=[OpenApiExample("Admit", request_only=True, value={
            "first_name": "Amani", "last_name": "Juma", "sex": "F", "stream": 3, "date_of_birth": "2011-03-14"}),
            STUDENT_EXAMPLE])
    def post(self, request):
        serializer = s.StudentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        student = services.student_admit(**serializer.validated_data, actor=request.user, request=request)
        return _created(s.StudentAdminSerializer, student, request)


@extend_schema(tags=["students"])
class StudentDetailView(APIView):
    permission_classes = [STUDENT_READ]

    @extend_schema(summary="One student", responses=s.StudentAdminSerializer, examples=[STUDENT_EXAMPLE],
                   description="404 when the student is not one the caller may see.")
    def get(self, request, pk: int):
        student = student_get_for_user(user=request.user, pk=pk)
        return Response(_student_serializer(request.user)(student, context={"request": request}).data)

    @extend_schema(summary="Change a student's details (school admins)",
                   description="Stream and status change with POST …/status/ (it keeps the history).",
                   request=s.StudentUpdateSerializer, responses=s.StudentAdminSerializer,
                   examples=[OpenApiExample("Correct a name", request_only=True, value={"first_name": "Amina"})])
    def patch(self, request, pk: int):
        student = student_get_for_user(user=request.user, pk=pk)
        serializer = s.StudentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        student = services.student_update(student=student, actor=request.user, request=request,
                                          **serializer.validated_data)
        student = student_get_for_user(user=request.user, pk=pk)
        return Response(s.StudentAdminSerializer(student, context={"request": request}).data)


@extend_schema(tags=["students"])
class StudentStatusView(APIView):
    permission_classes = [ReadWrite(read=(ADMIN,))]

    @extend_schema(summary="Move a student: another stream, transferred, graduated, left, or back (school admins)",
                   request=s.StudentStatusSerializer, responses=s.StudentAdminSerializer,
                   examples=[OpenApiExample("Transferred", request_only=True, value={
                       "status": "transferred", "effective_on": "2026-05-02", "reason": "Family moved to Arusha"})])
    def post(self, request, pk: int):
        student = student_get_for_user(user=request.user, pk=pk)
        serializer = s.StudentStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.student_set_status(student=student, actor=request.user, request=request, **serializer.validated_data)
        student = student_get_for_user(user=request.user, pk=pk)
        return Response(s.StudentAdminSerializer(student, context={"request": request}).data)


# --- guardians --------------------------------------------------------------------------------------

GUARDIAN_EXAMPLE = OpenApiExample("A guardian", response_only=True, value={
    "id": 12, "first_name": "Halima", "last_name": "Juma", "phone": "+255712345678", "email": "",
    "occupation": "Nurse", "address": "Mbezi", "staff_member": None, "can_sign_in": False,
    "students": [{"student": 118, "student_name": "Amani Juma", "relationship": "mother", "is_primary": True}]})


def _guardians(user):
    return selectors.guardians_for_user(user=user).prefetch_related(Prefetch(
        "student_links", queryset=StudentGuardian.objects.select_related("student").order_by("pk")))


def _guardian_context(request) -> dict:
    if request.user.role == ADMIN:
        return {"request": request, "visible_students": None}
    return {"request": request,
            "visible_students": set(selectors.students_for_user(user=request.user).values_list("id", flat=True))}


@extend_schema(tags=["guardians"])
class GuardianListView(generics.ListAPIView):
    permission_classes = [STAFF_READ]
    serializer_class = s.GuardianSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_guardian_context(self.request)}

    def get_queryset(self):
        guardians = _guardians(self.request.user).order_by("user__last_name", "user__first_name", "pk")
        student = _int_param(self.request, "student")
        if student is not None:
            guardians = guardians.filter(student_links__student_id=student)
        return guardians

    @extend_schema(summary="Guardians", description=SCOPE + " Teachers see the guardians of their streams' students.",
                   parameters=[OpenApiParameter("student", int, description="Guardians of this student")],
                   examples=[GUARDIAN_EXAMPLE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a guardian (school admins)",
        description="Creates the parent user (no password yet: invite him later). A phone or an email is needed; "
                    "one already used by another guardian is refused. `students` links him at once.",
        request=s.GuardianCreateSerializer, responses={201: s.GuardianSerializer},
        examples=[OpenApiExample("Mother, by phone", request_only=True, value={
            "first_name": "Halima", "last_name": "Juma", "phone": "0712 345 678",
            "students": [{"student": 118, "relationship": "mother", "is_primary": True}]}), GUARDIAN_EXAMPLE])
    def post(self, request):
        serializer = s.GuardianCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        links = data.pop("students")
        with transaction.atomic():
            guardian = services.guardian_create(**data, actor=request.user, request=request)
            for link in links:
                services.guardian_link(guardian=guardian, actor=request.user, request=request, **link)
        guardian = _guardians(request.user).get(pk=guardian.pk)
        return _created(s.GuardianSerializer, guardian, request, visible_students=None)


@extend_schema(tags=["guardians"])
class GuardianDetailView(APIView):
    permission_classes = [STAFF_READ]

    @extend_schema(summary="One guardian", responses=s.GuardianSerializer, examples=[GUARDIAN_EXAMPLE])
    def get(self, request, pk: int):
        guardian = get_for_user_or_404(_guardians(request.user), pk)
        return Response(s.GuardianSerializer(guardian, context=_guardian_context(request)).data)

    @extend_schema(summary="Change a guardian's details (school admins)", request=s.GuardianUpdateSerializer,
                   responses=s.GuardianSerializer,
                   description="`staff_member` links the staff user he is at the school (his children get the "
                               "staff-child discount); a user who is not active staff, or is already another "
                               "guardian's, is refused.",
                   examples=[OpenApiExample("New phone", request_only=True, value={"phone": "0754 000 111"}),
                             OpenApiExample("Works at the school", request_only=True, value={"staff_member": 7})])
    def patch(self, request, pk: int):
        guardian = guardian_get_for_user(user=request.user, pk=pk)
        serializer = s.GuardianUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.guardian_update(guardian=guardian, actor=request.user, request=request, **serializer.validated_data)
        guardian = get_for_user_or_404(_guardians(request.user), pk)
        return Response(s.GuardianSerializer(guardian, context=_guardian_context(request)).data)


@extend_schema(tags=["guardians"])
class GuardianInviteView(APIView):
    permission_classes = [ReadWrite(read=(ADMIN,))]

    @extend_schema(summary="Email the guardian a link to the parent portal (school admins)",
                   description="He chooses a password through the link (valid 7 days, once). Refused when he has "
                               "no email or can already sign in.",
                   request=None, responses=s.GuardianSerializer, examples=[GUARDIAN_EXAMPLE])
    def post(self, request, pk: int):
        from apps.accounts.invitations import school_base_url

        guardian = guardian_get_for_user(user=request.user, pk=pk)
        services.guardian_invite(guardian=guardian, actor=request.user, base_url=school_base_url(request),
                                 request=request)
        guardian = get_for_user_or_404(_guardians(request.user), pk)
        return Response(s.GuardianSerializer(guardian, context=_guardian_context(request)).data)


@extend_schema(tags=["guardians"])
class GuardianStudentsView(APIView):
    permission_classes = [ReadWrite(read=(ADMIN,))]

    @extend_schema(summary="Link a student to this guardian, or change the link (school admins)",
                   description="The first guardian of a student is her primary contact; `is_primary` moves it.",
                   request=s.GuardianStudentSerializer, responses=s.GuardianSerializer,
                   examples=[OpenApiExample("Father", request_only=True, value={
                       "student": 118, "relationship": "father", "is_primary": False})])
    def post(self, request, pk: int):
        guardian = guardian_get_for_user(user=request.user, pk=pk)
        serializer = s.GuardianStudentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.guardian_link(guardian=guardian, actor=request.user, request=request, **serializer.validated_data)
        guardian = get_for_user_or_404(_guardians(request.user), pk)
        return Response(s.GuardianSerializer(guardian, context=_guardian_context(request)).data)


@extend_schema(tags=["guardians"])
class GuardianStudentDetailView(APIView):
    permission_classes = [ReadWrite(read=(ADMIN,))]

    @extend_schema(summary="Unlink a student from this guardian (school admins)", request=None, responses={204: None})
    def delete(self, request, pk: int, student_id: int):
        guardian = guardian_get_for_user(user=request.user, pk=pk)
        student = student_get_for_user(user=request.user, pk=student_id)
        services.guardian_unlink(student=student, guardian=guardian, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- structure --------------------------------------------------------------------------------------

class _StructureList(generics.ListAPIView):
    """List (scoped by `scoped`) and, for school admins, create through `create`."""

    permission_classes = [STAFF_READ]

    def scoped(self, user):
        raise NotImplementedError

    def create(self, data: dict, request):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped(self.request.user)

    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.create(dict(serializer.validated_data), request)
        return _created(self.serializer_class, self.scoped(request.user).get(pk=obj.pk), request)


class _StructureDetail(APIView):
    permission_classes = [STAFF_READ]
    serializer_class: type[serializers.ModelSerializer]

    def scoped(self, user):
        raise NotImplementedError

    def update(self, obj, data: dict, request):
        raise NotImplementedError

    def get(self, request, pk: int):
        return Response(self.serializer_class(get_for_user_or_404(self.scoped(request.user), pk)).data)

    def patch(self, request, pk: int):
        obj = get_for_user_or_404(self.scoped(request.user), pk)
        serializer = self.serializer_class(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.update(obj, dict(serializer.validated_data), request)
        return Response(self.serializer_class(get_for_user_or_404(self.scoped(request.user), pk)).data)


def _structure_schema(tag: str, noun: str, example: dict, create_example: dict):
    """extend_schema for a list view and a detail view of one structure resource."""
    response = OpenApiExample(noun, response_only=True, value=example)
    listing = extend_schema(tags=[tag], description=SCOPE, examples=[
        response, OpenApiExample(f"New {noun.lower()}", request_only=True, value=create_example)])
    detail = extend_schema(tags=[tag], description=SCOPE, examples=[response])
    return listing, detail


_classes_list, _classes_detail = _structure_schema(
    "structure", "Class", {"id": 2, "name": "Form 2", "level": 2, "next_class": 3, "grading_scheme": 1},
    {"name": "Form 2", "level": 2, "next_class": 3})


@_classes_list
class ClassListView(_StructureList):
    serializer_class = s.SchoolClassSerializer

    def scoped(self, user):
        return selectors.classes_for_user(user=user).select_related(None)

    def create(self, data, request):
        return services.class_create(**data, actor=request.user, request=request)


@_classes_detail
class ClassDetailView(_StructureDetail):
    serializer_class = s.SchoolClassSerializer

    def scoped(self, user):
        return selectors.classes_for_user(user=user)

    def update(self, obj, data, request):
        services.class_update(school_class=obj, actor=request.user, request=request, **data)


_streams_list, _streams_detail = _structure_schema(
    "structure", "Stream", {"id": 3, "school_class": 2, "name": "A", "full_name": "Form 2A", "class_teacher": 9,
                            "class_teacher_name": "Neema Mushi", "room": 4, "capacity": 45},
    {"school_class": 2, "name": "A", "class_teacher": 9})


@_streams_list
class StreamListView(_StructureList):
    serializer_class = s.StreamSerializer

    def scoped(self, user):
        return selectors.streams_for_user(user=user)

    def get_queryset(self):
        streams = super().get_queryset()
        school_class = _int_param(self.request, "class")
        return streams.filter(school_class_id=school_class) if school_class is not None else streams

    def create(self, data, request):
        return services.stream_create(**data, actor=request.user, request=request)


@_streams_detail
class StreamDetailView(_StructureDetail):
    serializer_class = s.StreamSerializer

    def scoped(self, user):
        return selectors.streams_for_user(user=user)

    def update(self, obj, data, request):
        data.pop("school_class", None)  # a stream stays in its class (promotion moves students)
        services.stream_update(stream=obj, actor=request.user, request=request, **data)


_subjects_list, _subjects_detail = _structure_schema(
    "structure", "Subject", {"id": 5, "code": "MATH", "name": "Basic Mathematics", "is_core": True,
                             "is_subsidiary": False, "order": 1},
    {"code": "math", "name": "Basic Mathematics"})


@_subjects_list
class SubjectListView(_StructureList):
    serializer_class = s.SubjectSerializer

    def scoped(self, user):
        return selectors.subjects_for_user(user=user)

    def create(self, data, request):
        return services.subject_create(**data, actor=request.user, request=request)


@_subjects_detail
class SubjectDetailView(_StructureDetail):
    serializer_class = s.SubjectSerializer

    def scoped(self, user):
        return selectors.subjects_for_user(user=user)

    def update(self, obj, data, request):
        services.subject_update(subject=obj, actor=request.user, request=request, **data)


_assign_list, _assign_detail = _structure_schema(
    "structure", "Teaching assignment", {"id": 21, "stream": 3, "stream_name": "Form 2A", "subject": 5,
                                         "subject_code": "MATH", "teacher": 9, "teacher_name": "Neema Mushi"},
    {"stream": 3, "subject": 5, "teacher": 9})


@_assign_list
class TeachingAssignmentListView(_StructureList):
    """POST sets who teaches the subject to the stream (replacing whoever did)."""

    serializer_class = s.TeachingAssignmentSerializer

    def scoped(self, user):
        return selectors.assignments_for_user(user=user)

    def get_queryset(self):
        assignments = super().get_queryset()
        for param, field in (("stream", "stream_id"), ("subject", "subject_id"), ("teacher", "teacher_id")):
            value = _int_param(self.request, param)
            if value is not None:
                assignments = assignments.filter(**{field: value})
        return assignments

    def create(self, data, request):
        return services.assignment_set(**data, actor=request.user, request=request)


@_assign_detail
class TeachingAssignmentDetailView(_StructureDetail):
    serializer_class = s.TeachingAssignmentSerializer

    def scoped(self, user):
        return selectors.assignments_for_user(user=user)

    def update(self, obj, data, request):
        services.assignment_set(stream=data.get("stream", obj.stream), subject=data.get("subject", obj.subject),
                                teacher=data.get("teacher", obj.teacher), actor=request.user, request=request)

    def patch(self, request, pk: int):
        obj = get_for_user_or_404(self.scoped(request.user), pk)
        serializer = self.serializer_class(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.assignment_set(stream=obj.stream, subject=obj.subject, actor=request.user, request=request,
                                teacher=serializer.validated_data.get("teacher", obj.teacher))
        return Response(self.serializer_class(get_for_user_or_404(self.scoped(request.user), pk)).data)

    @extend_schema(summary="Nobody teaches this subject to this stream any more", responses={204: None})
    def delete(self, request, pk: int):
        obj = get_for_user_or_404(self.scoped(request.user), pk)
        services.assignment_remove(stream=obj.stream, subject=obj.subject, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _years(user):
    return AcademicYear.objects.all() if user.role in (ADMIN, TEACHER) else AcademicYear.objects.none()


def _terms(user):
    return Term.objects.select_related("year") if user.role in (ADMIN, TEACHER) else Term.objects.none()


_years_list, _years_detail = _structure_schema(
    "structure", "Academic year", {"id": 1, "name": "2026", "starts_on": "2026-01-12", "ends_on": "2026-12-04",
                                   "is_current": True},
    {"name": "2027", "starts_on": "2027-01-11", "ends_on": "2027-12-03"})


@_years_list
class AcademicYearListView(_StructureList):
    serializer_class = s.AcademicYearSerializer

    def scoped(self, user):
        return _years(user)

    def create(self, data, request):
        return services.year_create(**data, actor=request.user, request=request)


@_years_detail
class AcademicYearDetailView(_StructureDetail):
    """PATCH {"is_current": true} makes the year current (the only change a year takes here)."""

    serializer_class = s.AcademicYearSerializer

    def scoped(self, user):
        return _years(user)

    def update(self, obj, data, request):
        if set(data) - {"is_current"}:
            raise serializers.ValidationError({"non_field_errors": ["Only is_current can be changed."]})
        if data.get("is_current"):
            services.year_set_current(year=obj, actor=request.user, request=request)


_terms_list, _terms_detail = _structure_schema(
    "structure", "Term", {"id": 1, "year": 1, "number": 1, "name": "Term 1", "starts_on": "2026-01-12",
                          "ends_on": "2026-06-05", "is_current": True, "attendance_frozen_through": "2026-03-31",
                          "is_published": False},
    {"year": 1, "number": 2, "starts_on": "2026-07-06", "ends_on": "2026-12-04"})


@_terms_list
class TermListView(_StructureList):
    serializer_class = s.TermSerializer

    def scoped(self, user):
        return _terms(user)

    def get_queryset(self):
        terms = super().get_queryset()
        year = _int_param(self.request, "year")
        return terms.filter(year_id=year) if year is not None else terms

    def create(self, data, request):
        data.pop("attendance_frozen_through", None)
        return services.term_create(**data, actor=request.user, request=request)


@_terms_detail
class TermDetailView(_StructureDetail):
    """PATCH changes the name, dates or `attendance_frozen_through`; {"is_current": true} makes it current."""

    serializer_class = s.TermSerializer

    def scoped(self, user):
        return _terms(user)

    def update(self, obj, data, request):
        make_current = data.pop("is_current", False)
        data.pop("year", None)
        data.pop("number", None)
        with transaction.atomic():
            if data:
                services.term_update(term=obj, actor=request.user, request=request, **data)
            if make_current:
                services.term_set_current(term=obj, actor=request.user, request=request)
