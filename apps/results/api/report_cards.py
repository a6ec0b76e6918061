"""Report cards in the API: scoped list, the PDF of one card, and starting a stream's (or class's)
rendering job. The same selector and service as the console."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics.models import SchoolClass, Stream, Term
from apps.accounts.api.permissions import HasRole
from apps.accounts.roles import Role
from apps.jobs.api.serializers import JobSerializer
from apps.results import report_cards as rc

READERS = (Role.SCHOOL_ADMIN, Role.TEACHER, Role.PARENT)


class ReportCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    term = serializers.SerializerMethodField()
    student = serializers.SerializerMethodField()
    stream = serializers.SerializerMethodField()
    status = serializers.CharField()
    sha256 = serializers.CharField()
    verification_code = serializers.CharField()
    verification_url = serializers.SerializerMethodField()
    generated_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField()
    download_url = serializers.SerializerMethodField()

    def get_term(self, card) -> dict:
        return {"id": card.term_id, "name": card.term.name, "year": card.term.year.name,
                "published": card.term.is_published}

    def get_student(self, card) -> dict:
        return {"id": card.student_id, "name": card.student.full_name,
                "admission_number": card.student.admission_number}

    def get_stream(self, card) -> dict | None:
        stream = card.student.stream
        return {"id": stream.pk, "name": stream.full_name} if stream else None

    def get_verification_url(self, card) -> str:
        return rc.verification_url(card.verification_code)

    def get_download_url(self, card) -> str | None:
        if card.status != "ready":
            return None
        from django.urls import reverse

        return self.context["request"].build_absolute_uri(reverse("api:report-card-download", args=[card.pk]))


class GenerateSerializer(serializers.Serializer):
    term = serializers.PrimaryKeyRelatedField(queryset=Term.objects.select_related("year"))
    stream = serializers.PrimaryKeyRelatedField(queryset=Stream.objects.select_related("school_class"),
                                                required=False, allow_null=True)
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all(), required=False,
                                                      allow_null=True, source="class", help_text="a whole class")

    def validate(self, data):
        if not data.get("stream") and not data.get("class"):
            raise serializers.ValidationError({"stream": "Name a stream or a class."})
        return data


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@extend_schema(tags=["report cards"], parameters=[
    OpenApiParameter("term", int, description="a term's id"),
    OpenApiParameter("stream", int, description="a stream's id (the student's current stream)"),
    OpenApiParameter("student", int, description="a student's id"),
    OpenApiParameter("status", str, enum=["pending", "ready", "failed"]),
])
class ReportCardListView(generics.ListAPIView):
    """Report cards you may see: school admins every card; teachers those of their streams' students;
    parents their children's ready cards of published terms."""

    serializer_class = ReportCardSerializer
    permission_classes = [HasRole(*READERS)]

    def get_queryset(self):
        cards = rc.report_cards_for_user(user=self.request.user)
        params = self.request.query_params
        for param, field in (("term", "term_id"), ("stream", "student__stream_id"), ("student", "student_id")):
            if param in params:
                cards = cards.filter(**{field: _int(params[param])}) if _int(params[param]) else cards.none()
        if params.get("status"):
            cards = cards.filter(status=params["status"])
        return cards


@extend_schema(tags=["report cards"], responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                                                 404: OpenApiResponse(description="not yours, not ready, or "
                                                                                  "(for parents) not published")})
class ReportCardDownloadView(APIView):
    """The card's PDF."""

    permission_classes = [HasRole(*READERS)]

    def get(self, request, pk):
        card = rc.report_card_get_for_user(user=request.user, pk=pk)
        try:
            handle = card.file.open("rb")
        except OSError:
            raise Http404 from None
        return FileResponse(handle, as_attachment=True, filename=rc.report_card_filename(card),
                            content_type="application/pdf")


@extend_schema(tags=["report cards"], request=GenerateSerializer, responses={202: JobSerializer},
               examples=[OpenApiExample("A stream", value={"term": 3, "stream": 7}, request_only=True),
                         OpenApiExample("A whole class", value={"term": 3, "school_class": 2}, request_only=True)])
class ReportCardGenerateView(APIView):
    """Start rendering a stream's (or a whole class's) report cards; follow the job at /api/v1/jobs/<id>/.
    Refused (400) when the term has no computed results there."""

    permission_classes = [HasRole(Role.SCHOOL_ADMIN)]

    def post(self, request):
        form = GenerateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        job = rc.report_cards_generate(term=data["term"], stream=data.get("stream"),
                                       school_class=data.get("class"), actor=request.user, request=request)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
