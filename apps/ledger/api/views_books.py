"""/api/v1/ledger/ accounts, entries and periods: the same selectors and services as the console.
School admins and accountants; everyone else 403. Reopening a month is the school admin's alone."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.exceptions import Conflict
from apps.ledger.api.permissions import BOOKKEEPERS
from apps.ledger import selectors, services
from apps.ledger.access import get_for_bookkeeper, require_school_admin
from apps.ledger.api.serializers_books import (
    AccountCreateSerializer, AccountSerializer, AccountUpdateSerializer, EntryCreateSerializer,
    EntryDetailSerializer, EntrySerializer, PeriodSerializer, ReopenSerializer, ReverseSerializer,
)
from apps.ledger.models import Account, JournalEntry, Period

SCOPE = "School admins and accountants; everyone else gets 403."
TAGS = ["ledger"]

ACCOUNT_EXAMPLE = {"id": 12, "code": "1121", "name": "CRDB Bank", "type": "asset", "parent": 10, "is_group": False,
                   "purpose": "bank", "provider": "crdb", "is_active": True}
ENTRY_EXAMPLE = {"id": 123, "reference": "JE-000123", "date": "2026-03-10", "memo": "Chalk and exercise books",
                 "source": "manual", "source_type": "", "source_id": None, "reverses": None, "reversed_by": None,
                 "period": 3, "posted_by": 5, "posted_at": "2026-03-10T09:12:00+03:00", "total": "150000.00"}
LINES_EXAMPLE = [
    {"id": 301, "account": 40, "account_code": "5210", "account_name": "Teaching materials", "debit": "150000.00",
     "credit": "0.00", "description": "Chalk", "student": None, "staff": None, "supplier": None},
    {"id": 302, "account": 7, "account_code": "1110", "account_name": "Cash", "debit": "0.00",
     "credit": "150000.00", "description": "", "student": None, "staff": None, "supplier": None}]
PERIOD_EXAMPLE = {"id": 3, "starts_on": "2026-03-01", "ends_on": "2026-03-31", "status": "closed",
                  "closed_at": "2026-04-02T16:00:00+03:00", "closed_by": 5, "entries_count": 412}


def _account(request, pk) -> Account:
    return get_for_bookkeeper(Account.objects.all(), user=request.user, pk=pk)


def _entry(request, pk) -> JournalEntry:
    return get_for_bookkeeper(selectors.entry_with_lines(selectors.entries_for_user(user=request.user)),
                              user=request.user, pk=pk)


def _bool(value):
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise serializers.ValidationError({"active": ["Give true or false."]})


def _date(value, name):
    if value in (None, ""):
        return None
    try:
        return serializers.DateField().to_internal_value(value)
    except serializers.ValidationError:
        raise serializers.ValidationError({name: ["Give a date as YYYY-MM-DD."]}) from None


@extend_schema(tags=TAGS)
class AccountListView(generics.ListCreateAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = AccountSerializer
    pagination_class = None

    def get_queryset(self):
        params = self.request.query_params
        type_ = params.get("type", "")
        if type_ and type_ not in Account.Type.values:
            raise serializers.ValidationError({"type": [f"One of {', '.join(Account.Type.values)}."]})
        return selectors.accounts_for_user(user=self.request.user, type=type_, active=_bool(params.get("active")))

    @extend_schema(summary="The chart of accounts", description=SCOPE + " Every account, by code (not paginated).",
                   parameters=[OpenApiParameter("type", str, enum=list(Account.Type.values)),
                               OpenApiParameter("active", bool)],
                   examples=[OpenApiExample("An account", response_only=True, value=[ACCOUNT_EXAMPLE])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Add an account", description=SCOPE + " A parent must be a group account of the same "
                   "type; codes are unique.", request=AccountCreateSerializer, responses={201: AccountSerializer},
                   examples=[OpenApiExample("A new bank account", request_only=True, value={
                       "code": "1125", "name": "NMB Bank", "type": "asset", "parent": 10, "is_group": False,
                       "purpose": "bank", "provider": "nmb"}),
                       OpenApiExample("Added", response_only=True, status_codes=["201"], value=ACCOUNT_EXAMPLE)])
    def post(self, request, *args, **kwargs):
        serializer = AccountCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        account = services.account_create(**serializer.validated_data, actor=request.user, request=request)
        return Response(AccountSerializer(account).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class AccountDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One account", description=SCOPE, responses=AccountSerializer,
                   examples=[OpenApiExample("An account", response_only=True, value=ACCOUNT_EXAMPLE)])
    def get(self, request, pk: int):
        return Response(AccountSerializer(_account(request, pk)).data)

    @extend_schema(summary="Rename, recode, move or (de)activate an account", description=SCOPE,
                   request=AccountUpdateSerializer, responses=AccountSerializer,
                   examples=[OpenApiExample("Rename", request_only=True, value={"name": "CRDB Bank (fees)"}),
                             OpenApiExample("Renamed", response_only=True, value=ACCOUNT_EXAMPLE)])
    def patch(self, request, pk: int):
        account = _account(request, pk)
        serializer = AccountUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        account = services.account_update(account=account, **serializer.validated_data, actor=request.user,
                                          request=request)
        return Response(AccountSerializer(account).data)

    @extend_schema(summary="Delete an account nothing refers to",
                   description=SCOPE + " Refused with 409 when it has postings, accounts under it, expenses or a "
                   "budget: deactivate it instead.", responses={204: None})
    def delete(self, request, pk: int):
        account = _account(request, pk)
        try:
            services.account_delete(account=account, actor=request.user, request=request)
        except ValidationError as error:
            raise Conflict(" ".join(error.messages), code=error.code or "conflict") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=TAGS)
class EntryListView(generics.ListCreateAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = EntrySerializer

    def get_queryset(self):
        params = self.request.query_params
        account = params.get("account")
        if account and not account.isdigit():
            raise serializers.ValidationError({"account": ["Give an account id."]})
        source = params.get("source", "")
        if source and source not in JournalEntry.Source.values:
            raise serializers.ValidationError({"source": [f"One of {', '.join(JournalEntry.Source.values)}."]})
        return selectors.entries_for_user(user=self.request.user, date_from=_date(params.get("from"), "from"),
                                          date_to=_date(params.get("to"), "to"),
                                          account=int(account) if account else None, source=source)

    @extend_schema(summary="Journal entries, newest first", description=SCOPE + " Filters: dates (inclusive), "
                   "entries with a line on an account, the source.",
                   parameters=[OpenApiParameter("from", str, description="YYYY-MM-DD"),
                               OpenApiParameter("to", str, description="YYYY-MM-DD"),
                               OpenApiParameter("account", int),
                               OpenApiParameter("source", str, enum=list(JournalEntry.Source.values))],
                   examples=[OpenApiExample("An entry", response_only=True, value=[ENTRY_EXAMPLE])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Post a manual journal entry",
                   description=SCOPE + " Balanced (debits = credits), at least two lines, each to the debit or the "
                   "credit of an active account that is not a group, in an open month. Amounts as decimal "
                   "strings. Nothing is written when anything is wrong (400 with the reason).",
                   request=EntryCreateSerializer, responses={201: EntryDetailSerializer},
                   examples=[OpenApiExample("Chalk paid in cash", request_only=True, value={
                       "date": "2026-03-10", "memo": "Chalk and exercise books", "lines": [
                           {"account": 40, "debit": "150000.00", "credit": "0", "description": "Chalk"},
                           {"account": 7, "debit": "0", "credit": "150000.00", "description": ""}]}),
                       OpenApiExample("Posted", response_only=True, status_codes=["201"],
                                      value={**ENTRY_EXAMPLE, "lines": LINES_EXAMPLE})])
    def post(self, request, *args, **kwargs):
        serializer = EntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.entry_post(date=data["date"], memo=data["memo"], actor=request.user, request=request,
                                    lines=[services.Line(**line) for line in data["lines"]])
        return Response(EntryDetailSerializer(_entry(request, entry.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class EntryDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One journal entry with its lines", description=SCOPE, responses=EntryDetailSerializer,
                   examples=[OpenApiExample("An entry", response_only=True,
                                            value={**ENTRY_EXAMPLE, "lines": LINES_EXAMPLE})])
    def get(self, request, pk: int):
        return Response(EntryDetailSerializer(_entry(request, pk)).data)


@extend_schema(tags=TAGS)
class EntryReverseView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Reverse an entry",
                   description=SCOPE + " Posts the mirror image (debits and credits swapped), dated today unless "
                   "`date` is given. An entry is reversed once; a reversal is not reversed.",
                   request=ReverseSerializer, responses={201: EntryDetailSerializer},
                   examples=[OpenApiExample("Reverse", request_only=True, value={"date": "2026-03-12",
                                                                                 "memo": "Posted twice"}),
                             OpenApiExample("The reversal", response_only=True, status_codes=["201"], value={
                                 **ENTRY_EXAMPLE, "id": 130, "reference": "JE-000130", "source": "reversal",
                                 "memo": "Posted twice", "reverses": 123, "lines": LINES_EXAMPLE})])
    def post(self, request, pk: int):
        entry = _entry(request, pk)
        serializer = ReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reversal = services.entry_reverse(entry=entry, actor=request.user, date=serializer.validated_data.get("date"),
                                          memo=serializer.validated_data.get("memo", ""), request=request)
        return Response(EntryDetailSerializer(_entry(request, reversal.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class PeriodListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = PeriodSerializer

    def get_queryset(self):
        return selectors.periods_for_user(user=self.request.user)

    @extend_schema(summary="Accounting months, newest first", description=SCOPE,
                   examples=[OpenApiExample("A closed month", response_only=True, value=[PERIOD_EXAMPLE])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _period(request, pk) -> Period:
    period = get_for_bookkeeper(Period.objects.all(), user=request.user, pk=pk)
    return selectors.periods_for_user(user=request.user).get(pk=period.pk)


@extend_schema(tags=TAGS)
class PeriodCloseView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Close a month", description=SCOPE + " Nothing can be posted into it afterwards.",
                   request=None, responses=PeriodSerializer,
                   examples=[OpenApiExample("Closed", response_only=True, value=PERIOD_EXAMPLE)])
    def post(self, request, pk: int):
        services.period_close(period=_period(request, pk), actor=request.user, request=request)
        return Response(PeriodSerializer(_period(request, pk)).data)


@extend_schema(tags=TAGS)
class PeriodReopenView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Reopen a closed month (school admin)",
                   description="School admins only (accountants get 403), with a reason; audited.",
                   request=ReopenSerializer, responses=PeriodSerializer,
                   examples=[OpenApiExample("Reopen", request_only=True,
                                            value={"reason": "A bank charge of March was missed."}),
                             OpenApiExample("Reopened", response_only=True, value={
                                 **PERIOD_EXAMPLE, "status": "open", "closed_at": None, "closed_by": None})])
    def post(self, request, pk: int):
        require_school_admin(request.user)
        period = _period(request, pk)
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.period_reopen(period=period, reason=serializer.validated_data["reason"], actor=request.user,
                               request=request)
        return Response(PeriodSerializer(_period(request, pk)).data)
