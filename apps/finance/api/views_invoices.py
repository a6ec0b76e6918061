"""/api/v1/invoices/: list with filters, issue one (student and term), one with its lines and instalments,
void one with a reason. School admins and accountants; others 403. The same services as the console: a
refusal (already invoiced, inactive student, no stream, no fees set, void twice, no reason) is a 400
envelope and writes nothing."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics.models import SchoolClass, Student, Term
from apps.ledger.api.permissions import BOOKKEEPERS
from apps.finance import selectors_invoices as selectors
from apps.finance import services
from apps.finance.api.serializers_invoices import (
    InvoiceDetailSerializer, InvoiceIssueSerializer, InvoiceSerializer, InvoiceVoidSerializer,
)
from apps.finance.models import Invoice

SCOPE = "School admins and accountants; others get 403."
TAGS = ["invoices"]


def _by_id(queryset, value, field: str):
    if value in (None, ""):
        return None
    try:
        return queryset.get(pk=int(value))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise exceptions.ValidationError({field: [f"Unknown {field}."]}) from None


def _detail(request, invoice: Invoice, code=status.HTTP_200_OK) -> Response:
    invoice = selectors.invoice_get_for_user(user=request.user, pk=invoice.pk)
    return Response(InvoiceDetailSerializer(invoice).data, status=code)


@extend_schema(tags=TAGS)
class InvoiceListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = InvoiceSerializer

    def get_queryset(self):
        params = self.request.query_params
        status_filter = params.get("status") or ""
        if status_filter and status_filter not in Invoice.Status.values:
            raise exceptions.ValidationError({"status": [f"One of {', '.join(Invoice.Status.values)}."]})
        return selectors.invoices_for_user(
            user=self.request.user, status=status_filter, search=(params.get("search") or "").strip(),
            term=_by_id(Term.objects.all(), params.get("term"), "term"),
            school_class=_by_id(SchoolClass.objects.all(), params.get("class"), "class"),
            student=_by_id(Student.objects.all(), params.get("student"), "student"))

    @extend_schema(summary="Invoices", description=SCOPE + " Newest first.", parameters=[
        OpenApiParameter("term", int), OpenApiParameter("class", int, description="A class's id"),
        OpenApiParameter("status", str, enum=Invoice.Status.values), OpenApiParameter("student", int),
        OpenApiParameter("search", str, description="Part of the student's name, admission or control number")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Issue an invoice",
        description=SCOPE + " From the fee structure of the student's class for the term: every item of the "
                    "class plus the optional items the student takes; instalments as the structure's plan; the "
                    "payer is the primary guardian. Posts Dr fee receivables / Cr each category's income account. "
                    "400 when the student already has a live invoice for the term, is not active, has no stream, "
                    "or the class has no fees set.",
        request=InvoiceIssueSerializer, responses={201: InvoiceDetailSerializer},
        examples=[OpenApiExample("Term 1 fees", request_only=True, value={"student": 12, "term": 3})])
    def post(self, request):
        serializer = InvoiceIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.invoice_issue(**serializer.validated_data, actor=request.user, request=request)
        return _detail(request, invoice, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class InvoiceDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One invoice with its lines and instalments", description=SCOPE,
                   responses=InvoiceDetailSerializer)
    def get(self, request, pk: int):
        return _detail(request, selectors.invoice_get_for_user(user=request.user, pk=pk))


@extend_schema(tags=TAGS)
class InvoiceVoidView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Void an invoice", request=InvoiceVoidSerializer, responses=InvoiceDetailSerializer,
                   description=SCOPE + " With a reason: its journal entry is reversed (dated today) and the student "
                               "can be invoiced again for the term. 400 without a reason or when already void.",
                   examples=[OpenApiExample("Issued in error", request_only=True,
                                            value={"reason": "Wrong class: the student moved to Form 2."})])
    def post(self, request, pk: int):
        invoice = selectors.invoice_get_for_user(user=request.user, pk=pk)
        serializer = InvoiceVoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.invoice_void(invoice=invoice, reason=serializer.validated_data.get("reason", ""),
                                        actor=request.user, request=request)
        return _detail(request, invoice)
