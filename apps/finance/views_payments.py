"""Payments in the fees console (/finance/payments/): the list with search, filters, totals and a CSV export;
recording cash, a cheque or a bank deposit slip for a student (found by name or admission number, or started
from an invoice), with the student's open invoices and balance shown as soon as the student is chosen; a
payment's page (what it settled, its entry, the receipt, reversal with a reason) and the receipt PDF.
School admins and accountants only."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.academics.models import Student
from apps.accounts.decorators import role_required
from apps.core.forms import form_errors_from
from apps.finance import selectors_payments as selectors
from apps.finance import services_payments as services
from apps.finance.forms_payments import PaymentFilterForm, PaymentForm, ReverseForm
from apps.finance.receipts import receipt_download_name, receipt_pdf_bytes, receipt_render_enqueue
from apps.ledger.access import BOOKKEEPERS

PAGE_SIZE = 50
CSV_LIMIT = 50000


@role_required(*BOOKKEEPERS)
def payment_list(request):
    filters = PaymentFilterForm(request.GET)
    payments = selectors.payments_for_user(user=request.user, **filters.filters())
    if request.GET.get("format") == "csv":
        return _csv(payments, request.tenant.currency)
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/payments/payment_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "totals": selectors.payments_totals(payments)})


def _csv(payments, currency: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="payments-{stamp}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the names as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Receipt"), _("Received on"), _("Student"), _("Admission number"), _("Class"), _("Channel"),
                     _("Reference"), _("Paid by"), _("Amount") + f" ({currency})", _("Allocated"), _("Credit"),
                     _("Status")])
    for p in payments[:CSV_LIMIT]:
        stream = p.student.stream
        writer.writerow([p.receipt_number, p.received_on.isoformat(), p.student.full_name, p.student.admission_number,
                         f"{stream.school_class.name} {stream.name}" if stream else "", p.get_channel_display(),
                         p.reference, p.payer_name, p.amount, p.allocated, p.credit, p.get_status_display()])
    return response


def _student_panel(student: Student | None) -> dict:
    if student is None:
        return {}
    invoices = list(selectors.student_open_invoices(student))
    return {"student": student, "balance": selectors.student_balances([student])[student.pk],
            "open_invoices": invoices}


@role_required(*BOOKKEEPERS)
def payment_new(request):
    student = invoice = None
    if request.method == "POST":
        student = selectors.student_for_payment(user=request.user, pk=request.POST.get("student"))
        form = PaymentForm(request.POST, student=student)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = services.payment_record(
                    student=data["student"], amount=data["amount"], channel=data["channel"], actor=request.user,
                    received_on=data["received_on"], account=data["account"], invoice=data["invoice"],
                    reference=data["reference"], payer_name=data["payer_name"], payer_phone=data["payer_phone"],
                    notes=data["notes"], request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Receipt %(number)s: %(currency)s %(amount)s from %(student)s.") % {
                    "number": payment.receipt_number, "currency": request.tenant.currency,
                    "amount": f"{payment.amount:,.2f}", "student": payment.student.full_name})
                return redirect("finance:payment-detail", pk=payment.pk)
    else:
        params = request.GET
        if str(params.get("invoice", "")).isdigit():
            invoice = selectors.invoice_for_payment(user=request.user, pk=params["invoice"])
            student = invoice.student if invoice is not None else None
        else:
            student = selectors.student_for_payment(user=request.user, pk=params.get("student"))
        initial = {"received_on": timezone.localdate(), "channel": "cash"}
        if student is not None:
            initial["student"] = student.pk
            if invoice is not None and invoice.is_open:
                initial["invoice"] = invoice.pk
            if invoice is not None and invoice.guardian_id:
                initial["payer_name"] = str(invoice.guardian)
                initial["payer_phone"] = invoice.guardian.phone
        form = PaymentForm(initial=initial, student=student)
    find = (request.GET.get("find") or "").strip()
    context = {"form": form, "find": find, "matches": selectors.students_matching(find) if find else [],
               **_student_panel(student)}
    if request.headers.get("HX-Request") and request.method == "GET":
        part = "matches" if "find" in request.GET else "payment-area"
        return render(request, f"finance/payments/payment_new.html#{part}", context)
    return render(request, "finance/payments/payment_new.html", context, status=400 if form.errors else 200)


def _detail_context(payment, reverse_form=None) -> dict:
    allocations = list(payment.allocations.all())
    return {"payment": payment, "allocations": allocations, "reverse_form": reverse_form or ReverseForm(),
            "balance": selectors.student_balances([payment.student_id])[payment.student_id]}


@role_required(*BOOKKEEPERS)
def payment_detail(request, pk):
    payment = selectors.payment_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/payments/payment_detail.html", _detail_context(payment))


@role_required(*BOOKKEEPERS)
def payment_receipt(request, pk):
    payment = selectors.payment_get_for_user(user=request.user, pk=pk)
    try:
        pdf = receipt_pdf_bytes(payment)
    except OSError as error:  # the storage is unavailable: say so rather than a blank page
        raise Http404(str(error)) from None
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{receipt_download_name(payment)}"'
    return response


@require_POST
@role_required(*BOOKKEEPERS)
def payment_reverse(request, pk):
    payment = selectors.payment_get_for_user(user=request.user, pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.payment_reverse(payment=payment, reason=form.cleaned_data["reason"], actor=request.user,
                                         request=request)
                transaction.on_commit(lambda: receipt_render_enqueue(payment.pk), robust=True)  # stamped
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Receipt %(number)s is reversed; what it settled is owed again.") % {
                "number": payment.receipt_number})
            return redirect("finance:payment-detail", pk=payment.pk)
    payment = selectors.payment_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/payments/payment_detail.html", _detail_context(payment, form), status=400)
