"""/api/v1/grading-schemes/ (with the what-if evaluate calculator), /api/v1/assessments/ and /api/v1/results/.

Serializers check shape; apps.results.services and apps.results.grading check meaning. Who sees results:
admins all, teachers their streams' (drafts included), parents their children's and students their own once
the term is published (apps.results.selectors.term_results_for_user)."""

from __future__ import annotations

from collections import defaultdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics.models import Term
from apps.accounts.api.permissions import HasRole
from apps.accounts.roles import Role
from apps.results import selectors
from apps.results.grading import evaluate
from apps.results.models import Assessment, DivisionBand, GradeBand, GradingScheme, SubjectResult, TermResult
from apps.results.services import assessment_create, assessment_delete, assessment_update

STAFF = (Role.SCHOOL_ADMIN, Role.TEACHER)


# --- grading schemes ------------------------------------------------------------------------------

class GradeBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeBand
        fields = ["grade", "min_mark", "max_mark", "points", "remark", "is_pass"]


class DivisionBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = DivisionBand
        fields = ["division", "min_points", "max_points"]


class GradingSchemeSerializer(serializers.ModelSerializer):
    bands = GradeBandSerializer(many=True, read_only=True)
    divisions = DivisionBandSerializer(many=True, read_only=True)

    class Meta:
        model = GradingScheme
        fields = ["code", "version", "name", "description", "is_preset", "division_method", "division_subjects",
                  "lower_points_better", "bands", "divisions"]
        read_only_fields = fields


SCHEME_EXAMPLE = OpenApiExample("NECTA CSEE", response_only=True, value={
    "code": "necta-csee", "version": 1, "name": "NECTA CSEE (Form 4)", "description": "…", "is_preset": True,
    "division_method": "best_n", "division_subjects": 7, "lower_points_better": True,
    "bands": [{"grade": "A", "min_mark": "75.00", "max_mark": "100.00", "points": "1.00", "remark": "Excellent",
               "is_pass": True}],
    "divisions": [{"division": "I", "min_points": "7.00", "max_points": "17.00"}]})


@extend_schema(tags=["results"])
class GradingSchemeListView(generics.ListAPIView):
    """The current version of every grading scheme (presets and the school's own)."""

    permission_classes = [HasRole(*STAFF)]
    serializer_class = GradingSchemeSerializer

    def get_queryset(self):
        return (GradingScheme.objects.filter(is_current=True).prefetch_related("bands", "divisions")
                .order_by("-is_preset", "code"))

    @extend_schema(summary="Grading schemes", examples=[SCHEME_EXAMPLE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _scheme_or_404(code: str) -> GradingScheme:
    scheme = selectors.scheme_current(code=code)
    if scheme is None:
        from django.http import Http404

        raise Http404
    return scheme


@extend_schema(tags=["results"])
class GradingSchemeDetailView(APIView):
    permission_classes = [HasRole(*STAFF)]

    @extend_schema(summary="One grading scheme (its current version), by code", responses=GradingSchemeSerializer,
                   examples=[SCHEME_EXAMPLE])
    def get(self, request, code: str):
        return Response(GradingSchemeSerializer(_scheme_or_404(code)).data)


class EvaluateSerializer(serializers.Serializer):
    marks = serializers.DictField(
        child=serializers.JSONField(allow_null=True), allow_empty=False,
        help_text="Subject code → mark out of 100 (decimals allowed); null for absent.")
    principal = serializers.ListField(child=serializers.CharField(max_length=20), required=False, allow_null=True,
                                      help_text="For a principal-subjects scheme (NECTA ACSEE): the principal "
                                                "subjects' codes; omitted: every subject may count.")


class EvaluatedSubjectSerializer(serializers.Serializer):
    code = serializers.CharField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    absent = serializers.BooleanField()
    grade = serializers.CharField()
    points = serializers.DecimalField(max_digits=4, decimal_places=2, allow_null=True)
    remark = serializers.CharField()
    counted = serializers.BooleanField(help_text="Counts towards the total points")


class EvaluationSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    version = serializers.IntegerField()
    subjects = EvaluatedSubjectSerializer(many=True)
    total_points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    division = serializers.CharField(help_text="'INC' when too few subjects were sat for a division")
    note = serializers.CharField(help_text="Why there is no division, when there is none")
    average = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


@extend_schema(tags=["results"])
class GradingSchemeEvaluateView(APIView):
    permission_classes = [HasRole(*STAFF)]

    @extend_schema(
        summary="What if? Grades, points and division for a set of marks",
        description="Nothing is saved. A mark outside 0–100 or not a number is refused (400) naming the subject; "
                    "an unknown scheme code is 404.",
        request=EvaluateSerializer, responses={200: EvaluationSerializer},
        examples=[
            OpenApiExample("NECTA CSEE, seven subjects", request_only=True, value={
                "marks": {"MATH": 81, "ENG": 74.5, "KISW": 66, "BIO": 58, "CHEM": 45, "PHY": 39, "CIV": 72}}),
            OpenApiExample("NECTA ACSEE, PCM", request_only=True, value={
                "marks": {"PHY": 81, "CHEM": 69.5, "MATH": 35, "GS": 90}, "principal": ["PHY", "CHEM", "MATH"]}),
            OpenApiExample("Answer", response_only=True, value={
                "scheme": "necta-acsee", "version": 1, "subjects": [
                    {"code": "PHY", "score": "81.00", "absent": False, "grade": "A", "points": "1.00",
                     "remark": "Excellent", "counted": True},
                    {"code": "CHEM", "score": "69.50", "absent": False, "grade": "C", "points": "3.00",
                     "remark": "Good", "counted": True},
                    {"code": "MATH", "score": "35.00", "absent": False, "grade": "S", "points": "6.00",
                     "remark": "Subsidiary pass", "counted": True},
                    {"code": "GS", "score": "90.00", "absent": False, "grade": "A", "points": "1.00",
                     "remark": "Excellent", "counted": False}],
                "total_points": "10.00", "division": "II", "note": "", "average": "68.88"}),
        ],
    )
    def post(self, request, code: str):
        scheme = _scheme_or_404(code)
        serializer = EvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        principal = data.get("principal")
        outcome = evaluate(scheme=scheme, marks=data["marks"],
                           principal=[p.strip() for p in principal] if principal is not None else None)
        body = {"scheme": scheme.code, "version": scheme.version, **outcome}
        return Response(EvaluationSerializer(body).data)


# --- assessments ----------------------------------------------------------------------------------

class AssessmentSerializer(serializers.ModelSerializer):
    term = serializers.PrimaryKeyRelatedField(queryset=Term.objects.all())

    class Meta:
        model = Assessment
        fields = ["id", "term", "name", "kind", "weight", "max_mark", "order"]
        read_only_fields = ["id", "order"]


class AssessmentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices, required=False)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    max_mark = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)


ASSESSMENT_EXAMPLE = OpenApiExample("Terminal exam", response_only=True, value={
    "id": 3, "term": 1, "name": "Terminal", "kind": "exam", "weight": "70.00", "max_mark": "100.00", "order": 2})


class _ReadStaffWriteAdmin:
    def get_permissions(self):
        roles = STAFF if self.request.method in ("GET", "HEAD", "OPTIONS") else (Role.SCHOOL_ADMIN,)
        return [HasRole(*roles)()]


@extend_schema(tags=["results"])
class AssessmentListView(_ReadStaffWriteAdmin, generics.ListAPIView):
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        assessments = Assessment.objects.order_by("term__year__starts_on", "term__number", "order", "id")
        term = self.request.query_params.get("term")
        if term:
            assessments = assessments.filter(term_id=term if term.isdigit() else 0)
        return assessments

    @extend_schema(summary="Assessments (school admins and teachers)",
                   parameters=[OpenApiParameter("term", int, description="A term's id")],
                   examples=[ASSESSMENT_EXAMPLE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Add an assessment to a term (school admins)",
                   description="The term's weights may not total more than 100%; results need exactly 100%.",
                   request=AssessmentSerializer, responses={201: AssessmentSerializer},
                   examples=[OpenApiExample("Continuous assessment", request_only=True, value={
                       "term": 1, "name": "Continuous assessment", "kind": "continuous", "weight": 30,
                       "max_mark": 50}), ASSESSMENT_EXAMPLE])
    def post(self, request):
        serializer = AssessmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = assessment_create(term=data["term"], name=data["name"], kind=data.get("kind", "exam"),
                                       weight=data["weight"], max_mark=data.get("max_mark", 100),
                                       actor=request.user, request=request)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["results"])
class AssessmentDetailView(_ReadStaffWriteAdmin, APIView):
    @extend_schema(summary="One assessment", responses=AssessmentSerializer, examples=[ASSESSMENT_EXAMPLE])
    def get(self, request, pk: int):
        return Response(AssessmentSerializer(get_object_or_404(Assessment, pk=pk)).data)

    @extend_schema(summary="Change an assessment (school admins)", request=AssessmentUpdateSerializer,
                   responses=AssessmentSerializer,
                   examples=[OpenApiExample("New weight", request_only=True, value={"weight": 40}),
                             ASSESSMENT_EXAMPLE])
    def patch(self, request, pk: int):
        assessment = get_object_or_404(Assessment.objects.select_related("term"), pk=pk)
        serializer = AssessmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = {"name": assessment.name, "kind": assessment.kind, "weight": assessment.weight,
                  "max_mark": assessment.max_mark, **serializer.validated_data}
        assessment_update(assessment=assessment, actor=request.user, request=request, **values)
        return Response(AssessmentSerializer(assessment).data)

    @extend_schema(summary="Remove an assessment without marks (school admins)", responses={204: None})
    def delete(self, request, pk: int):
        assessment = get_object_or_404(Assessment.objects.select_related("term"), pk=pk)
        assessment_delete(assessment=assessment, actor=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- results --------------------------------------------------------------------------------------

class SubjectResultSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = SubjectResult
        fields = ["subject", "score", "is_absent", "grade", "points", "remark", "position_in_stream",
                  "position_in_class"]


class TermResultSerializer(serializers.ModelSerializer):
    student = serializers.SerializerMethodField()
    stream = serializers.CharField(source="stream.full_name")
    scheme = serializers.SerializerMethodField()
    published = serializers.BooleanField(source="term.is_published")
    subjects = serializers.SerializerMethodField()

    class Meta:
        model = TermResult
        fields = ["id", "term", "student", "stream", "scheme", "published", "subjects_count", "total", "average",
                  "points", "division", "position_in_stream", "stream_size", "position_in_class", "class_size",
                  "class_teacher_remark", "head_teacher_remark", "subjects"]

    def get_student(self, result) -> dict:
        return {"id": result.student_id, "admission_number": result.student.admission_number,
                "name": result.student.full_name}

    def get_scheme(self, result) -> str | None:
        return f"{result.scheme.code} v{result.scheme.version}" if result.scheme_id else None

    def get_subjects(self, result) -> list[dict]:
        rows = self.context.get("subjects", {}).get((result.term_id, result.student_id), [])
        return SubjectResultSerializer(rows, many=True).data


@extend_schema(tags=["results"])
class ResultListView(generics.ListAPIView):
    permission_classes = [HasRole(Role.SCHOOL_ADMIN, Role.TEACHER, Role.PARENT, Role.STUDENT)]
    serializer_class = TermResultSerializer

    def get_queryset(self):
        params = self.request.query_params
        term = params.get("term")
        stream = params.get("stream")
        results = selectors.term_results_for_user(user=self.request.user)
        if term:
            results = results.filter(term_id=term if term.isdigit() else 0)
        if stream:
            results = results.filter(stream_id=stream if stream.isdigit() else 0)
        return results.order_by("term__year__starts_on", "term__number", "stream__school_class__level",
                                "stream__name", "position_in_stream", "id")

    @extend_schema(
        summary="Term results (admins: all; teachers: their streams; parents: their children's, once published)",
        parameters=[OpenApiParameter("term", int), OpenApiParameter("stream", int)],
        examples=[OpenApiExample("A Form 4 student", response_only=True, value={
            "id": 41, "term": 1, "student": {"id": 9, "admission_number": "2023/0009", "name": "Asha Juma"},
            "stream": "Form 4A", "scheme": "necta-csee v1", "published": True, "subjects_count": 8,
            "total": "592.50", "average": "74.06", "points": "12.00", "division": "I", "position_in_stream": 3,
            "stream_size": 40, "position_in_class": 7, "class_size": 118, "class_teacher_remark": "",
            "head_teacher_remark": "", "subjects": [{"subject": "MATH", "score": "81.00", "is_absent": False,
                                                     "grade": "A", "points": "1.00", "remark": "Excellent",
                                                     "position_in_stream": 2, "position_in_class": 5}]})],
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        students_by_term = defaultdict(set)
        for result in page:
            students_by_term[result.term_id].add(result.student_id)
        subjects = defaultdict(list)
        if page:
            from django.db.models import Q

            match = Q()
            for term_id, student_ids in students_by_term.items():
                match |= Q(term_id=term_id, student_id__in=student_ids)
            for row in (SubjectResult.objects.filter(match).select_related("subject")
                        .order_by("subject__order", "subject__code")):
                subjects[(row.term_id, row.student_id)].append(row)
        serializer = self.get_serializer(page, many=True, context={**self.get_serializer_context(),
                                                                   "subjects": subjects})
        return self.get_paginated_response(serializer.data)
