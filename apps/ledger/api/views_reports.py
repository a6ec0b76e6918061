"""/api/v1/ledger/reports/ (trial balance, income statement, balance sheet) and /api/v1/ledger/export/beancount/:
the same report functions as the console. School admins and accountants; everyone else 403. Amounts are
decimal strings; dates YYYY-MM-DD (a bad one is a 400 in the error envelope)."""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.ledger.api.permissions import BOOKKEEPERS
from apps.ledger import reports
from apps.ledger.beancount import journal_beancount
from apps.ledger.models import Account

SCOPE = "School admins and accountants; everyone else gets 403."
TAGS = ["ledger"]


def _money(**kwargs):
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


def _pct():
    return serializers.DecimalField(max_digits=12, decimal_places=1, read_only=True, allow_null=True)


class AccountRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "code", "name", "type"]
        read_only_fields = fields


# --- trial balance -----------------------------------------------------------------------------------

class TrialBalanceRowSerializer(serializers.Serializer):
    account = AccountRefSerializer()
    debit = _money()
    credit = _money()
    balance = _money(help_text="In the account's own sign: debit-normal for assets and expenses.")
    balance_debit = _money()
    balance_credit = _money()


class TrialBalanceTotalsSerializer(serializers.Serializer):
    debit = _money()
    credit = _money()
    balance_debit = _money()
    balance_credit = _money()
    balanced = serializers.BooleanField(read_only=True)


class TrialBalanceSerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True, read_only=True)
    date_to = serializers.DateField(read_only=True)
    rows = TrialBalanceRowSerializer(many=True)
    totals = TrialBalanceTotalsSerializer()


# --- income statement --------------------------------------------------------------------------------

class StatementRowSerializer(serializers.Serializer):
    account = AccountRefSerializer()
    amount = _money()
    previous = _money()
    change = _money()
    change_pct = _pct()


class StatementGroupSerializer(serializers.Serializer):
    group = AccountRefSerializer(allow_null=True)
    rows = StatementRowSerializer(many=True)
    amount = _money()
    previous = _money()
    change = _money()


class StatementSectionSerializer(serializers.Serializer):
    groups = StatementGroupSerializer(many=True)
    total = _money()
    previous = _money()
    change = _money()
    change_pct = _pct()


class NetSerializer(serializers.Serializer):
    amount = _money(help_text="Surplus when positive, deficit when negative.")
    previous = _money()
    change = _money()
    change_pct = _pct()


class IncomeStatementSerializer(serializers.Serializer):
    date_from = serializers.DateField(read_only=True)
    date_to = serializers.DateField(read_only=True)
    previous_from = serializers.DateField(read_only=True)
    previous_to = serializers.DateField(read_only=True)
    income = StatementSectionSerializer()
    expense = StatementSectionSerializer()
    net = NetSerializer()


# --- balance sheet -----------------------------------------------------------------------------------

class BalanceRowSerializer(serializers.Serializer):
    account = AccountRefSerializer()
    amount = _money()


class BalanceGroupSerializer(serializers.Serializer):
    group = AccountRefSerializer(allow_null=True)
    rows = BalanceRowSerializer(many=True)
    amount = _money()


class BalanceSectionSerializer(serializers.Serializer):
    groups = BalanceGroupSerializer(many=True)
    total = _money()


class BalanceSheetSerializer(serializers.Serializer):
    at = serializers.DateField(read_only=True)
    assets = BalanceSectionSerializer()
    liabilities = BalanceSectionSerializer()
    equity = BalanceSectionSerializer(help_text="Its total includes the current surplus.")
    surplus = _money(help_text="Income less expense up to `at`, not yet closed to retained earnings.")
    liabilities_and_equity = _money()
    balanced = serializers.BooleanField(read_only=True)


# --- views -------------------------------------------------------------------------------------------

def _date(params, name: str, *, default=None, required: bool = False) -> datetime.date | None:
    value = params.get(name)
    if value in (None, ""):
        if required and default is None:
            raise serializers.ValidationError({name: ["This parameter is required (YYYY-MM-DD)."]})
        return default
    try:
        return serializers.DateField().to_internal_value(value)
    except serializers.ValidationError:
        raise serializers.ValidationError({name: [f"“{value}” is not a date (YYYY-MM-DD)."]}) from None


def _range(start, end):
    if start and end and start > end:
        raise serializers.ValidationError({"from": ["The start date is after the end date."]})


FROM = OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD).")
TO = OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD); default today.")
AMOUNTS = {"debit": "1000000.00", "credit": "200000.00", "balance": "800000.00", "balance_debit": "800000.00",
           "balance_credit": "0.00"}


@extend_schema(tags=TAGS)
class TrialBalanceView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(
        summary="Trial balance",
        description="Debits, credits and balance of every posting account with movements between `from` "
                    "(optional: from the first entry) and `to`. " + SCOPE,
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); optional."),
                    TO],
        responses={200: TrialBalanceSerializer},
        examples=[OpenApiExample("Trial balance", response_only=True, value={
            "date_from": None, "date_to": "2026-03-31",
            "rows": [{"account": {"id": 5, "code": "1121", "name": "CRDB Bank", "type": "asset"}, **AMOUNTS}],
            "totals": {"debit": "2670000.00", "credit": "2670000.00", "balance_debit": "1850000.00",
                       "balance_credit": "1850000.00", "balanced": True}})])
    def get(self, request):
        start = _date(request.query_params, "from")
        end = _date(request.query_params, "to", default=timezone.localdate())
        _range(start, end)
        return Response(TrialBalanceSerializer(reports.trial_balance(date_from=start, date_to=end)).data)


@extend_schema(tags=TAGS)
class IncomeStatementView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(
        summary="Income statement",
        description="Income and expense per account under their groups between `from` (default the first of "
                    "this month) and `to`, the net surplus (negative: deficit), and the same for the previous "
                    "period of equal length with the change. " + SCOPE,
        parameters=[FROM, TO], responses={200: IncomeStatementSerializer})
    def get(self, request):
        today = timezone.localdate()
        start = _date(request.query_params, "from", default=today.replace(day=1))
        end = _date(request.query_params, "to", default=today)
        _range(start, end)
        return Response(IncomeStatementSerializer(reports.income_statement(date_from=start, date_to=end)).data)


@extend_schema(tags=TAGS)
class BalanceSheetView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(
        summary="Balance sheet",
        description="Assets, liabilities and equity at `at` (default today); the current surplus shows inside "
                    "equity so that assets = liabilities + equity. " + SCOPE,
        parameters=[OpenApiParameter("at", OpenApiTypes.DATE, description="The day (YYYY-MM-DD); default today.")],
        responses={200: BalanceSheetSerializer})
    def get(self, request):
        at = _date(request.query_params, "at", default=timezone.localdate())
        return Response(BalanceSheetSerializer(reports.balance_sheet(at=at)).data)


class PlainTextRenderer(renderers.BaseRenderer):
    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return renderers.JSONRenderer().render(data)


@extend_schema(tags=TAGS)
class BeancountExportView(APIView):
    permission_classes = [BOOKKEEPERS]
    renderer_classes = [renderers.JSONRenderer, PlainTextRenderer]

    @extend_schema(
        summary="The journal in beancount format",
        description="Every entry up to `to` (default: all) as a beancount file (text/plain) for an independent "
                    "check: `open` per posting account, one transaction per entry with its JE reference as a "
                    "link; debits positive, credits negative. " + SCOPE,
        parameters=[OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD); optional.")],
        responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="A beancount file.")})
    def get(self, request):
        end = _date(request.query_params, "to")
        return HttpResponse(journal_beancount(date_to=end), content_type="text/plain; charset=utf-8")
