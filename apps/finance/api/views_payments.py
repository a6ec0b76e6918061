"""/api/v1/payments/: list with filters, record cash / a cheque / a bank deposit slip (an Idempotency-Key
makes a retry safe), one payment with what it settled, reverse one with a reason, its receipt PDF; and
/api/v1/students/<id>/balance/. School admins and accountants; others 403. The same services as the console:
a refusal (no amount, a future date, a cheque without its number, another student's invoice, reversed twice,
no reason) is a 400 envelope and writes nothing."""

import datetime

from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.academics.models import Student
from apps.finance import selectors_payments as selectors
from apps.finance import services_payments as services
from apps.finance.api.serializers_payments import (
    PaymentDetailSerializer, PaymentRecordSerializer, PaymentReverseSerializer, PaymentSerializer,
    StudentBalanceSerializer,
)
from apps.finance.models import Channel, Payment
from apps.finance.receipts import receipt_download_name, receipt_pdf_bytes, receipt_render_enqueue
from apps.ledger.access import get_for_bookkeeper
from apps.ledger.api.permissions import BOOKKEEPERS

SCOPE = "School admins and accountants; others get 403."
TAGS = ["payments"]


def _date(value, field: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise exceptions.ValidationError({field: ["A date as YYYY-MM-DD."]}) from None


def _detail(request, payment: Payment, code=status.HTTP_200_OK) -> Response:
    payment = selectors.payment_get_for_user(user=request.user, pk=payment.pk)
    return Response(PaymentDetailSerializer(payment).data, status=code)


@extend_schema(tags=TAGS)
class PaymentListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = PaymentSerializer

    def get_queryset(self):
        params = self.request.query_params
        channel, state = params.get("channel") or "", params.get("status") or ""
        if channel and channel not in Channel.values:
            raise exceptions.ValidationError({"channel": [f"One of {', '.join(Channel.values)}."]})
        if state and state not in Payment.Status.values:
            raise exceptions.ValidationError({"status": [f"One of {', '.join(Payment.Status.values)}."]})
        student = None
        if params.get("student"):
            student = selectors.student_for_payment(user=self.request.user, pk=params["student"])
            if student is None:
                raise exceptions.ValidationError({"student": ["Unknown student."]})
        return selectors.payments_for_user(
            user=self.request.user, search=params.get("search") or "", channel=channel, status=state,
            date_from=_date(params.get("date_from"), "date_from"), date_to=_date(params.get("date_to"), "date_to"),
            student=student)

    @extend_schema(summary="Payments", description=SCOPE + " Newest first.", parameters=[
        OpenApiParameter("search", str, description="Part of the student's name or admission number, the receipt "
                                                    "number, the reference or the payer"),
        OpenApiParameter("channel", str, enum=Channel.values), OpenApiParameter("status", str,
                                                                                enum=Payment.Status.values),
        OpenApiParameter("date_from", OpenApiTypes.DATE), OpenApiParameter("date_to", OpenApiTypes.DATE),
        OpenApiParameter("student", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Record a payment (cash, cheque, bank deposit slip)",
        description=SCOPE + " Gives the payment the next receipt number. It settles the named invoice first, then "
                    "the student's other open invoices, oldest instalment first; what is left is the student's "
                    "credit. Posts Dr cash/bank, Cr fee receivables (and fees received in advance for credit). "
                    "Send an Idempotency-Key header so a retry does not record it twice. 400 for a zero amount, "
                    "a future date, a cheque or slip without its number, or another student's invoice.",
        request=PaymentRecordSerializer, responses={201: PaymentDetailSerializer},
        examples=[OpenApiExample("Cash at the bursar's office", request_only=True,
                                 value={"student": 12, "amount": "150000.00", "channel": "cash", "invoice": 40,
                                        "payer_name": "Mama Amani"})])
    def post(self, request):
        serializer = PaymentRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = services.payment_record(
            student=data["student"], amount=data["amount"], channel=data["channel"], actor=request.user,
            received_on=data.get("received_on"), account=data.get("account"), invoice=data.get("invoice"),
            reference=data.get("reference", ""), payer_name=data.get("payer_name", ""),
            payer_phone=data.get("payer_phone", ""), notes=data.get("notes", ""), request=request)
        return _detail(request, payment, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class PaymentDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One payment with what it settled", description=SCOPE,
                   responses=PaymentDetailSerializer)
    def get(self, request, pk: int):
        return _detail(request, selectors.payment_get_for_user(user=request.user, pk=pk))


@extend_schema(tags=TAGS)
class PaymentReverseView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Reverse a payment", request=PaymentReverseSerializer, responses=PaymentDetailSerializer,
                   description=SCOPE + " With a reason: its entry is reversed, what it settled is owed again and "
                               "its receipt is stamped REVERSED; the receipt number stays used. 400 without a "
                               "reason, when already reversed or when part of it was refunded.",
                   examples=[OpenApiExample("A bounced cheque", request_only=True,
                                            value={"reason": "Cheque 000123 returned unpaid."})])
    def post(self, request, pk: int):
        payment = selectors.payment_get_for_user(user=request.user, pk=pk)
        serializer = PaymentReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            payment = services.payment_reverse(payment=payment, reason=serializer.validated_data.get("reason", ""),
                                               actor=request.user, request=request)
            transaction.on_commit(lambda: receipt_render_enqueue(payment.pk), robust=True)
        return _detail(request, payment)


@extend_schema(tags=TAGS)
class PaymentReceiptView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="A payment's receipt (PDF)", description=SCOPE + " Rendered now if not made yet.",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="no such payment")})
    def get(self, request, pk: int):
        payment = selectors.payment_get_for_user(user=request.user, pk=pk)
        response = HttpResponse(receipt_pdf_bytes(payment), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{receipt_download_name(payment)}"'
        return response


@extend_schema(tags=TAGS)
class StudentBalanceView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="A student's fee balance", responses=StudentBalanceSerializer,
                   description=SCOPE + " Invoiced (not void), paid (less refunds), credited (credit notes and "
                               "write-offs), credit (paid but not on an invoice), balance (invoiced - paid - "
                               "credited) and the open invoices with their control numbers, oldest first.")
    def get(self, request, pk: int):
        student = get_for_bookkeeper(Student.objects.all(), user=request.user, pk=pk)
        figures = selectors.student_balances([student])[student.pk]
        data = {"student": student.pk, "student_name": student.full_name,
                "admission_number": student.admission_number, **figures,
                "open_invoices": list(selectors.student_open_invoices(student))}
        return Response(StudentBalanceSerializer(data).data)
