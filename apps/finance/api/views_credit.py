"""/api/v1/credit-notes/: credit notes and write-offs (list with filters, a credit note or a write-off
request on an invoice, one, a school admin's decision on a write-off). School admins and accountants;
others 403. The same services as the console: bad input is a 400 envelope and writes nothing, deciding
one's own write-off (maker-checker) or not being a school admin 403, deciding one already decided 409."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.exceptions import service_call
from apps.finance import selectors_credit as selectors
from apps.finance import services_credit as services
from apps.finance.api.serializers_credit import (
    CreditNoteCreateSerializer, CreditNoteDecideSerializer, CreditNoteSerializer,
)
from apps.finance.models import CreditNote
from apps.finance.selectors_invoices import invoice_get_for_user
from apps.ledger.api.permissions import BOOKKEEPERS

SCOPE = "School admins and accountants; others get 403."
TAGS = ["credit notes"]


def _call(service, **kwargs):
    """Its refusals become the API's answers: 403 maker-checker, 409 already decided, else 400."""
    return service_call(service, forbidden={"own_request": "maker_checker"}, conflicts=("wrong_status",), **kwargs)


def _detail(request, note: CreditNote, code=status.HTTP_200_OK) -> Response:
    note = selectors.credit_note_get_for_user(user=request.user, pk=note.pk)
    return Response(CreditNoteSerializer(note).data, status=code)


@extend_schema(tags=TAGS)
class CreditNoteListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = CreditNoteSerializer

    def get_queryset(self):
        params = self.request.query_params
        kind, state = params.get("kind") or "", params.get("status") or ""
        if kind and kind not in CreditNote.Kind.values:
            raise exceptions.ValidationError({"kind": [f"One of {', '.join(CreditNote.Kind.values)}."]})
        if state and state not in CreditNote.Status.values:
            raise exceptions.ValidationError({"status": [f"One of {', '.join(CreditNote.Status.values)}."]})
        invoice = None
        if params.get("invoice"):
            try:
                invoice = invoice_get_for_user(user=self.request.user, pk=params["invoice"])
            except Exception:  # noqa: BLE001 - unknown or malformed id
                raise exceptions.ValidationError({"invoice": ["Unknown invoice."]}) from None
        return selectors.credit_notes_for_user(user=self.request.user, kind=kind, status=state, invoice=invoice)

    @extend_schema(summary="Credit notes and write-offs", description=SCOPE + " Write-offs waiting for approval "
                   "first, then newest first.", parameters=[
                       OpenApiParameter("kind", str, enum=CreditNote.Kind.values),
                       OpenApiParameter("status", str, enum=CreditNote.Status.values),
                       OpenApiParameter("invoice", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Issue a credit note or ask for a write-off",
        description=SCOPE + " A credit note is posted at once: Dr the category's income account (or the invoice's "
                    "income accounts in proportion) / Cr fee receivables; it settles the invoice's last instalments "
                    "first. A write-off waits (status pending) for a school admin who did not ask for it. 400 when "
                    "the amount is more than the invoice's balance, the invoice is paid or void, or no reason is "
                    "given.",
        request=CreditNoteCreateSerializer, responses={201: CreditNoteSerializer},
        examples=[OpenApiExample("Meals charged to a day scholar", request_only=True,
                                 value={"kind": "credit_note", "invoice": 41, "amount": "150000.00", "category": 2,
                                        "reason": "Day scholar: no meals"}),
                  OpenApiExample("Write-off", request_only=True,
                                 value={"kind": "write_off", "invoice": 41, "amount": "110000.00",
                                        "reason": "The family left the country"})])
    def post(self, request):
        serializer = CreditNoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invoice = invoice_get_for_user(user=request.user, pk=data["invoice"].pk)
        if data["kind"] == CreditNote.Kind.WRITE_OFF:
            note = services.write_off_request(invoice=invoice, amount=data["amount"], reason=data["reason"],
                                              actor=request.user, request=request)
        else:
            note = services.credit_note_issue(invoice=invoice, amount=data["amount"], reason=data["reason"],
                                              category=data.get("category"), actor=request.user, request=request)
        return _detail(request, note, status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class CreditNoteDetailView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="One credit note or write-off", description=SCOPE, responses=CreditNoteSerializer)
    def get(self, request, pk: int):
        return _detail(request, selectors.credit_note_get_for_user(user=request.user, pk=pk))


@extend_schema(tags=TAGS)
class CreditNoteDecideView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(
        summary="Approve or reject a write-off", request=CreditNoteDecideSerializer, responses=CreditNoteSerializer,
        description="A school admin who did not ask for it (403 otherwise). Approving posts Dr bad debts / Cr fee "
                    "receivables and takes the amount off the invoice (400 if it is no longer owed); rejecting needs "
                    "a note. 409 unless it is a write-off waiting for a decision.",
        examples=[OpenApiExample("Approve", request_only=True, value={"approve": True, "note": "Agreed at the board"}),
                  OpenApiExample("Reject", request_only=True,
                                 value={"approve": False, "note": "They will pay in March"})])
    def post(self, request, pk: int):
        note = selectors.credit_note_get_for_user(user=request.user, pk=pk)
        serializer = CreditNoteDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = _call(services.write_off_decide, credit_note=note, approve=serializer.validated_data["approve"],
                     note=serializer.validated_data["note"], actor=request.user, request=request)
        return _detail(request, note)
