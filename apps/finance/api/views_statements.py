"""/api/v1/statements/: the uploads newest first, upload one (multipart: account, file, mapping; a preview
unless `confirm`), one with its counts and rejected lines, confirm a preview, and its imported lines.
School admins and accountants; others 403. The same services as the console: a malformed file, an unknown
CSV layout (the header row in `details.headers`), rejected lines not accepted are 400 envelopes and write
nothing."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.finance import selectors_statements as selectors
from apps.finance import services_statements as services
from apps.finance.api.serializers_statements import (
    StatementConfirmSerializer, StatementDetailSerializer, StatementLineSerializer, StatementSerializer,
    StatementUploadSerializer,
)
from apps.finance.models import StatementLine, StatementMapping
from apps.finance.statement_formats import MappingRequired
from apps.ledger.api.permissions import BOOKKEEPERS

SCOPE = "School admins and accountants; others get 403."
TAGS = ["statements"]


def _by_id(queryset, value, field: str):
    if value in (None, ""):
        return None
    try:
        return queryset.get(pk=int(value))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise exceptions.ValidationError({field: [f"Unknown {field}."]}) from None


def _detail(request, statement, code=status.HTTP_200_OK) -> Response:
    statement = selectors.statement_get_for_user(user=request.user, pk=statement.pk)
    return Response(StatementDetailSerializer(statement).data, status=code)


@extend_schema(tags=TAGS)
class StatementListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = StatementSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.statements_for_user(user=self.request.user)

    @extend_schema(summary="Statements", description=SCOPE + " Newest first.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Upload a statement",
        description=SCOPE + " Reads the file (format from its name and content) into a preview: counts, lines "
                    "already imported for the account, rejected lines with their line number and reason. With "
                    "`confirm` the good lines are imported at once (`accept_rejected` is then needed when lines were "
                    "rejected). 400 when the file is malformed (the line and the reason), when a CSV/XLSX's columns "
                    "are unknown (`details.headers` is its header row: save a mapping and name it), or when the "
                    "account is not a bank or mobile-money account.",
        request={"multipart/form-data": StatementUploadSerializer}, responses={201: StatementDetailSerializer})
    def post(self, request):
        serializer = StatementUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = _by_id(services.statement_accounts(), data["account"], "account")
        mapping = _by_id(StatementMapping.objects.all(), data.get("mapping"), "mapping")
        try:
            with transaction.atomic():  # a refused confirmation leaves no preview behind
                statement = services.statement_upload(account=account, file=data["file"], actor=request.user,
                                                      mapping=mapping, request=request)
                if data["confirm"]:
                    statement = services.statement_confirm(statement=statement, actor=request.user,
                                                           request=request, accept_rejected=data["accept_rejected"])
        except MappingRequired as needed:
            raise exceptions.ValidationError({"mapping": needed.messages, "headers": needed.headers}) from None
        return _detail(request, statement, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class StatementDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One statement with its counts and rejected lines", description=SCOPE,
                   responses=StatementDetailSerializer)
    def get(self, request, pk: int):
        return _detail(request, selectors.statement_get_for_user(user=request.user, pk=pk))


@extend_schema(tags=TAGS)
class StatementConfirmView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Import a previewed statement", request=StatementConfirmSerializer,
                   responses=StatementDetailSerializer,
                   description=SCOPE + " Writes the good lines (those imported before are skipped) and starts the "
                               "reconciliation. 400 when lines were rejected and `accept_rejected` is not true, or "
                               "when the statement is not a preview.")
    def post(self, request, pk: int):
        statement = selectors.statement_get_for_user(user=request.user, pk=pk)
        serializer = StatementConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        statement = services.statement_confirm(statement=statement, actor=request.user, request=request,
                                               accept_rejected=serializer.validated_data["accept_rejected"])
        return _detail(request, statement)


@extend_schema(tags=TAGS)
class StatementLinesView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = StatementLineSerializer

    def get_queryset(self):
        statement = selectors.statement_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        status_filter = self.request.query_params.get("status") or ""
        if status_filter and status_filter not in StatementLine.Status.values:
            raise exceptions.ValidationError({"status": [f"One of {', '.join(StatementLine.Status.values)}."]})
        return selectors.statement_lines(statement, status=status_filter)

    @extend_schema(summary="A statement's imported lines", description=SCOPE + " In file order.",
                   parameters=[OpenApiParameter("status", str, enum=StatementLine.Status.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
