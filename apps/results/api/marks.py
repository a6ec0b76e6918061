"""/api/v1/marks/ (list, bulk upsert) and /api/v1/mark-flags/ (the review queue: list, accept, revert).

Serializers check shape; apps.results.marks and apps.results.tamper check meaning. A teacher sees and
writes only the marks of her assigned stream-subjects; flags are for school admins."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics.models import Subject
from apps.accounts.api.permissions import HasRole
from apps.accounts.roles import Role
from apps.core.api.errors import error_body
from apps.results import tamper
from apps.results.marks import MarkRowsInvalid, mark_display, marks_bulk_upsert, marks_for_user
from apps.results.models import Assessment, Mark, MarkFlag


class MarkSerializer(serializers.ModelSerializer):
    subject_code = serializers.CharField(source="subject.code", read_only=True)
    stream = serializers.IntegerField(source="student.stream_id", read_only=True, allow_null=True)
    value = serializers.SerializerMethodField(help_text='As typed in the grid: "67.5", "ABS" (absent) or "" (none)')

    class Meta:
        model = Mark
        fields = ["id", "assessment", "student", "stream", "subject", "subject_code", "score", "is_absent", "value",
                  "updated_at"]
        read_only_fields = fields

    def get_value(self, mark) -> str:
        return mark_display(mark.score, mark.is_absent)


class MarkRowSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    value = serializers.CharField(allow_blank=True, trim_whitespace=True,
                                  help_text='A mark from 0 to the assessment\'s maximum ("67", "67.5", "67,5"), '
                                            '"ABS" (or a, abs, absent, x) for absent, or "" to clear')

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("value"), int | float) and not isinstance(
                data.get("value"), bool):
            data = {**data, "value": str(data["value"])}
        return super().to_internal_value(data)


class MarksUpsertSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    subject = serializers.CharField(help_text="The subject's code (\"MATH\") or id")
    marks = MarkRowSerializer(many=True, allow_empty=False, max_length=2000)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=300,
                                   help_text="Required once the term's results are published (and unlocked)")


UPSERT_EXAMPLE = OpenApiExample("Three students' marks", request_only=True, value={
    "assessment": 12, "subject": "MATH", "marks": [{"student": 301, "value": "67"}, {"student": 302, "value": "ABS"},
                                                   {"student": 303, "value": "48.5"}]})
ROWS_ERROR = OpenApiExample("A row out of range: nothing saved", response_only=True, status_codes=["400"], value={
    "error": {"code": "invalid", "message": "Some rows are not valid; nothing was saved.",
              "details": {"rows": {"1": "Enter a mark from 0 to 100, or ABS for absent."}}}})
MARK_EXAMPLE = OpenApiExample("A mark", response_only=True, value={
    "id": 9001, "assessment": 12, "student": 301, "stream": 4, "subject": 3, "subject_code": "MATH",
    "score": "67.00", "is_absent": False, "value": "67", "updated_at": "2026-03-14T10:02:11+03:00"})


@extend_schema(tags=["marks"])
class MarkListView(generics.ListAPIView):
    permission_classes = [HasRole(Role.SCHOOL_ADMIN, Role.TEACHER)]
    serializer_class = MarkSerializer

    def get_queryset(self):
        marks = marks_for_user(user=self.request.user)
        params = self.request.query_params
        for param, field in (("assessment", "assessment_id"), ("stream", "student__stream_id"),
                             ("subject", "subject_id"), ("student", "student_id")):
            value = params.get(param, "")
            if value:
                if not value.isdigit():
                    raise serializers.ValidationError({param: "Give an id (a whole number)."})
                marks = marks.filter(**{field: int(value)})
        return marks

    @extend_schema(
        summary="Marks (a teacher: her assigned stream-subjects; a school admin: all)",
        parameters=[OpenApiParameter("assessment", int), OpenApiParameter("stream", int),
                    OpenApiParameter("subject", int), OpenApiParameter("student", int)],
        examples=[MARK_EXAMPLE],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Enter many marks at once (all or nothing)",
        description="Every row is checked first; if any is bad the answer is 400 with each bad row's message "
                    "under `details.rows` (by its index) and nothing is saved. Unchanged values write nothing. "
                    "Each change is appended to the marks history chain and checked by the flag rules. Marks are "
                    "locked once the term's results are published, unless a school admin unlocked them (then "
                    "`reason` is required). A teacher may write only her assigned stream-subjects (403).",
        request=MarksUpsertSerializer,
        responses={200: inline_serializer("MarksSaved", {"data": MarkSerializer(many=True)})},
        examples=[UPSERT_EXAMPLE, ROWS_ERROR],
    )
    def post(self, request):
        serializer = MarksUpsertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = Assessment.objects.select_related("term").filter(pk=data["assessment"]).first()
        if assessment is None:
            raise serializers.ValidationError({"assessment": "No such assessment."})
        code = data["subject"].strip()
        subject = (Subject.objects.filter(pk=int(code)).first() if code.isdigit()
                   else Subject.objects.filter(code__iexact=code).first())
        if subject is None:
            raise serializers.ValidationError({"subject": "No such subject."})
        rows = [{"student": row["student"], "value": row["value"]} for row in data["marks"]]
        try:
            marks = marks_bulk_upsert(assessment=assessment, subject=subject, rows=rows, actor=request.user,
                                      reason=data["reason"], request=request)
        except MarkRowsInvalid as error:
            return Response(error_body("invalid", error.messages[0], {"rows": error.rows}), status=400)
        return Response({"data": MarkSerializer([mark for mark in marks if mark.pk], many=True).data})


class MarkFlagSerializer(serializers.ModelSerializer):
    student = serializers.IntegerField(source="change.student_id_at", read_only=True)
    subject = serializers.IntegerField(source="change.subject_id_at", read_only=True)
    assessment = serializers.IntegerField(source="change.assessment_id_at", read_only=True)
    mark = serializers.IntegerField(source="change.mark_id", read_only=True)
    old_value = serializers.SerializerMethodField()
    new_value = serializers.SerializerMethodField()
    changed_by = serializers.CharField(source="change.actor_name", read_only=True)
    changed_at = serializers.DateTimeField(source="change.created_at", read_only=True)
    ip = serializers.CharField(source="change.ip", read_only=True, allow_null=True)
    reason = serializers.CharField(source="change.reason", read_only=True)

    class Meta:
        model = MarkFlag
        fields = ["id", "rule", "detail", "status", "mark", "student", "subject", "assessment", "old_value",
                  "new_value", "changed_by", "changed_at", "ip", "reason", "reviewed_at", "review_note"]
        read_only_fields = fields

    def get_old_value(self, flag) -> str:
        return mark_display(flag.change.old_score, flag.change.old_absent)

    def get_new_value(self, flag) -> str:
        return mark_display(flag.change.new_score, flag.change.new_absent)


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


FLAG_EXAMPLE = OpenApiExample("A change by an admin", response_only=True, value={
    "id": 41, "rule": "not_assigned", "detail": "Changed by Zawadi Said, not the subject teacher.", "status": "open",
    "mark": 9001, "student": 301, "subject": 3, "assessment": 12, "old_value": "45", "new_value": "90",
    "changed_by": "Zawadi Said", "changed_at": "2026-06-12T08:15:00+03:00", "ip": "196.249.1.20", "reason": "",
    "reviewed_at": None, "review_note": ""})


class SchoolAdminOnly:
    permission_classes = [HasRole(Role.SCHOOL_ADMIN)]


@extend_schema(tags=["marks"])
class MarkFlagListView(SchoolAdminOnly, generics.ListAPIView):
    serializer_class = MarkFlagSerializer

    def get_queryset(self):
        params = self.request.query_params
        status = params.get("status", "open")
        return tamper.flags_for_user(user=self.request.user, rule=params.get("rule", ""),
                                     status="" if status == "all" else status)

    @extend_schema(summary="Flagged mark changes (the review queue; school admins)",
                   parameters=[OpenApiParameter("rule", str, enum=list(MarkFlag.Rule.values)),
                               OpenApiParameter("status", str, enum=[*MarkFlag.Status.values, "all"],
                                                description="default: open")],
                   examples=[FLAG_EXAMPLE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _FlagAction(SchoolAdminOnly, APIView):
    def act(self, request, flag, note):
        raise NotImplementedError

    def post(self, request, pk: int):
        flag = tamper.flags_for_user(user=request.user).filter(pk=pk).first()
        if flag is None:
            raise Http404
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.act(request, flag, serializer.validated_data["note"])
        flag = tamper.flags_for_user(user=request.user).get(pk=pk)
        return Response(MarkFlagSerializer(flag).data)


@extend_schema(tags=["marks"], request=ReviewSerializer, responses=MarkFlagSerializer, examples=[FLAG_EXAMPLE],
               summary="Accept a flagged change (a note is required); settles every open flag of that change")
class MarkFlagAcceptView(_FlagAction):
    def act(self, request, flag, note):
        tamper.flag_accept(flag=flag, note=note, actor=request.user, request=request)


@extend_schema(tags=["marks"], request=ReviewSerializer, responses=MarkFlagSerializer, examples=[FLAG_EXAMPLE],
               summary="Revert a flagged change: the mark goes back to its earlier value",
               description="The revert is itself a change in the marks history (reason \"reverted after review\"). "
                           "Refused (400) when the mark was changed again after the flagged change.")
class MarkFlagRevertView(_FlagAction):
    def act(self, request, flag, note):
        tamper.flag_revert(flag=flag, note=note, actor=request.user, request=request)
