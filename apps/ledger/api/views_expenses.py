"""/api/v1/suppliers/ and /api/v1/expenses/: suppliers (list, create, one, change) and expenses (list with
filters, enter with a receipt, one with its posted lines, approve, reject, pay). School admins and
accountants; others 403. The same services as the console: bad input is a 400 envelope and writes nothing,
a maker-checker refusal 403, an action on an expense in the wrong state 409."""

import datetime

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.exceptions import service_call
from apps.ledger.api.permissions import BOOKKEEPERS
from apps.ledger import selectors_expenses as selectors
from apps.ledger import services_expenses as services
from apps.ledger.api.serializers_expenses import (
    ExpenseCreateSerializer, ExpenseDetailSerializer, ExpenseSerializer, PaySerializer, RejectSerializer,
    SupplierSerializer, SupplierWriteSerializer,
)
from apps.ledger.models import Account, Expense, Supplier

SCOPE = "School admins and accountants; others get 403."
TAGS = ["expenses"]


def _call(service, **kwargs):
    """Its refusals become the API's answers: 403 maker-checker or not an admin, 409 wrong state, else 400."""
    return service_call(service, forbidden={"not_admin": "not_admin", "own_expense": "maker_checker"},
                        conflicts=("wrong_status", "already_paid"), **kwargs)


def _by_id(queryset, value, field: str):
    if value in (None, ""):
        return None
    try:
        return queryset.get(pk=int(value))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise exceptions.ValidationError({field: [f"Unknown {field}."]}) from None


# --- suppliers -------------------------------------------------------------------------------------------------

@extend_schema(tags=TAGS)
class SupplierListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = SupplierSerializer

    def get_queryset(self):
        active = self.request.query_params.get("active")
        return selectors.suppliers_for_user(user=self.request.user,
                                            search=(self.request.query_params.get("search") or "").strip(),
                                            active=None if active in (None, "") else active.lower() in ("1", "true"))

    @extend_schema(summary="Suppliers", description=SCOPE, parameters=[
        OpenApiParameter("search", str, description="Part of the name, TIN, phone or email"),
        OpenApiParameter("active", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(summary="Add a supplier", description=SCOPE + " Names are unique whatever their case; the phone "
                   "is read as people write it and stored in E.164.",
                   request=SupplierWriteSerializer, responses={201: SupplierSerializer},
                   examples=[OpenApiExample("A supplier", request_only=True, value={
                       "name": "Kariakoo Stationers", "phone": "0712 345 678", "tin": "123-456-789"})])
    def post(self, request):
        serializer = SupplierWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier = services.supplier_create(**serializer.validated_data, actor=request.user, request=request)
        return Response(SupplierSerializer(supplier).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class SupplierDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One supplier", description=SCOPE, responses=SupplierSerializer)
    def get(self, request, pk: int):
        return Response(SupplierSerializer(selectors.supplier_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(summary="Change a supplier", description=SCOPE + " Send only the fields that change.",
                   request=SupplierWriteSerializer(partial=True), responses=SupplierSerializer)
    def patch(self, request, pk: int):
        supplier = selectors.supplier_get_for_user(user=request.user, pk=pk)
        serializer = SupplierWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        supplier = services.supplier_update(supplier=supplier, **serializer.validated_data, actor=request.user,
                                            request=request)
        return Response(SupplierSerializer(supplier).data)


# --- expenses --------------------------------------------------------------------------------------------------

def _detail(request, expense: Expense) -> Response:
    expense = selectors.expense_get_for_user(user=request.user, pk=expense.pk)
    expense.posted_lines = selectors.expense_lines(expense)
    return Response(ExpenseDetailSerializer(expense).data)


@extend_schema(tags=TAGS)
class ExpenseListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = ExpenseSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status") or ""
        if status_filter and status_filter not in Expense.Status.values:
            raise exceptions.ValidationError({"status": [f"One of {', '.join(Expense.Status.values)}."]})
        month = None
        if params.get("month"):
            try:
                month = datetime.datetime.strptime(params["month"], "%Y-%m").date()
            except ValueError:
                raise exceptions.ValidationError({"month": ["A month as YYYY-MM."]}) from None
        return selectors.expenses_for_user(
            user=self.request.user, status=status_filter, month=month,
            category=_by_id(Account.objects.filter(type=Account.Type.EXPENSE), params.get("category"), "category"),
            supplier=_by_id(Supplier.objects.all(), params.get("supplier"), "supplier"))

    @extend_schema(summary="Expenses", description=SCOPE + " Newest first.", parameters=[
        OpenApiParameter("status", str, enum=Expense.Status.values),
        OpenApiParameter("category", int, description="An expense account's id"),
        OpenApiParameter("supplier", int), OpenApiParameter("month", str, description="YYYY-MM")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Enter an expense",
        description=SCOPE + " multipart/form-data to attach a receipt (JPEG, PNG or PDF by its content, at most "
                    "5 MB). A total (amount + tax) at or below the school's approval threshold is approved at once "
                    "and posted (Dr the category, Cr supplier payables); above it the expense waits for a school "
                    "admin who did not enter it. Tax is part of the cost (schools are not VAT-registered).",
        request={"multipart/form-data": ExpenseCreateSerializer, "application/json": ExpenseCreateSerializer},
        responses={201: ExpenseDetailSerializer},
        examples=[OpenApiExample("A bill", request_only=True, value={
            "category": 44, "supplier": 3, "description": "Exercise books", "incurred_on": "2026-03-02",
            "amount": "120000.00", "tax": "21600.00", "reference": "INV-0091"})])
    def post(self, request):
        serializer = ExpenseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expense = services.expense_create(**serializer.validated_data, actor=request.user, request=request)
        response = _detail(request, expense)
        response.status_code = status.HTTP_201_CREATED
        return response


@extend_schema(tags=TAGS)
class ExpenseDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One expense with the lines it posted", description=SCOPE,
                   responses=ExpenseDetailSerializer)
    def get(self, request, pk: int):
        return _detail(request, selectors.expense_get_for_user(user=request.user, pk=pk))


@extend_schema(tags=TAGS)
class ExpenseApproveView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Approve a pending expense", request=None, responses=ExpenseDetailSerializer,
                   description="A school admin who did not enter it (maker-checker; 403 otherwise). Posts Dr the "
                               "category / Cr supplier payables. 409 unless pending; 400 if its month is closed.")
    def post(self, request, pk: int):
        expense = selectors.expense_get_for_user(user=request.user, pk=pk)
        return _detail(request, _call(services.expense_approve, expense=expense, actor=request.user, request=request))


@extend_schema(tags=TAGS)
class ExpenseRejectView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Reject a pending expense", request=RejectSerializer, responses=ExpenseDetailSerializer,
                   description="A school admin who did not enter it, with a reason; nothing is posted.")
    def post(self, request, pk: int):
        expense = selectors.expense_get_for_user(user=request.user, pk=pk)
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _detail(request, _call(services.expense_reject, expense=expense, actor=request.user, request=request,
                                      **serializer.validated_data))


@extend_schema(tags=TAGS)
class ExpensePayView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Pay an approved expense", request=PaySerializer, responses=ExpenseDetailSerializer,
                   description=SCOPE + " From an active cash, bank or mobile-money account: posts Dr supplier "
                               "payables / Cr that account. 409 unless approved (paying twice is refused).",
                   examples=[OpenApiExample("From CRDB", request_only=True, value={
                       "paid_from": 5, "paid_on": "2026-03-05", "reference": "CHQ 0042"})])
    def post(self, request, pk: int):
        expense = selectors.expense_get_for_user(user=request.user, pk=pk)
        serializer = PaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _detail(request, _call(services.expense_pay, expense=expense, actor=request.user, request=request,
                                      **serializer.validated_data))
