"""Credit notes, write-offs, refunds and statements of account in the fees console: the list of credit notes
and write-offs (pending write-offs first, with approve/reject for school admins), a new one from an invoice,
one with its entry, the decision on a write-off, refunds of a student's credit, and a student's or a
guardian's statement (page, or PDF with ?format=pdf). School admins and accountants; deciding a write-off is
the school admin's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.core.forms import form_errors_from
from apps.finance import selectors_credit as selectors
from apps.finance import services_credit as services
from apps.finance import statement_of_account as soa
from apps.finance.forms_credit import CreditNoteFilterForm, CreditNoteForm, DecideForm, RefundForm, StatementFilterForm
from apps.finance.models import CreditNote, Invoice
from apps.finance.selectors_invoices import invoice_get_for_user
from apps.ledger.access import BOOKKEEPERS

PAGE_SIZE = 50


# --- credit notes and write-offs ---------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def credit_note_list(request):
    filters = CreditNoteFilterForm(request.GET)
    notes = selectors.credit_notes_for_user(user=request.user, **filters.filters())
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "finance/credit/credit_note_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "decide_form": DecideForm(),
        "is_admin": request.user.role == Role.SCHOOL_ADMIN})


def _invoice_from(request) -> Invoice:
    value = request.GET.get("invoice") or request.POST.get("invoice")
    if not value:
        raise Http404
    return invoice_get_for_user(user=request.user, pk=value)


@role_required(*BOOKKEEPERS)
def credit_note_new(request):
    invoice = _invoice_from(request)
    initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in CreditNote.Kind.values else
               CreditNote.Kind.CREDIT_NOTE}
    form = CreditNoteForm(request.POST or None, invoice=invoice, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == CreditNote.Kind.WRITE_OFF:
                    note = services.write_off_request(invoice=invoice, amount=data["amount"], reason=data["reason"],
                                                      actor=request.user, request=request)
                    messages.success(request, _("%(number)s waits for a school admin's approval.") % {
                        "number": note.number})
                else:
                    note = services.credit_note_issue(invoice=invoice, amount=data["amount"], reason=data["reason"],
                                                      category=data["category"], actor=request.user, request=request)
                    messages.success(request, _("%(number)s posted: %(ref)s is reduced.") % {
                        "number": note.number, "ref": invoice.reference})
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                return redirect("finance:credit-note-detail", pk=note.pk)
        status = 400
    return render(request, "finance/credit/credit_note_new.html", {"form": form, "invoice": invoice}, status=status)


def _detail(request, note, decide_form=None, status=200):
    return render(request, "finance/credit/credit_note_detail.html", {
        "note": note, "decide_form": decide_form or DecideForm(),
        "can_decide": (request.user.role == Role.SCHOOL_ADMIN and note.status == CreditNote.Status.PENDING
                       and note.requested_by_id != request.user.pk)}, status=status)


@role_required(*BOOKKEEPERS)
def credit_note_detail(request, pk):
    return _detail(request, selectors.credit_note_get_for_user(user=request.user, pk=pk))


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def credit_note_decide(request, pk):
    note = selectors.credit_note_get_for_user(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            note = services.write_off_decide(credit_note=note, approve=approve, note=form.cleaned_data["note"],
                                             actor=request.user, request=request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, (_("%(number)s approved and posted.") if approve else
                                       _("%(number)s rejected.")) % {"number": note.number})
            return redirect("finance:credit-note-detail", pk=note.pk)
    note = selectors.credit_note_get_for_user(user=request.user, pk=pk)
    return _detail(request, note, form, status=400)


# --- refunds -------------------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def refund_list(request):
    page = Paginator(selectors.refunds_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/credit/refund_list.html", {"page": page, "query": ""})


@role_required(*BOOKKEEPERS)
def refund_new(request):
    value = request.GET.get("student") or request.POST.get("student")
    if not value:
        raise Http404
    student = selectors.student_get_for_user(user=request.user, pk=value)
    form = RefundForm(request.POST or None, initial={"paid_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                refund = services.refund_pay(student=student, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("%(number)s paid to %(student)s.") % {
                    "number": refund.number, "student": student.full_name})
                return redirect("finance:refund-detail", pk=refund.pk)
        status = 400
    return render(request, "finance/credit/refund_new.html", {
        "form": form, "student": student, "credit": services.student_credit(student)}, status=status)


# --- statements of account -----------------------------------------------------------------------------------

def _statement_response(request, build, *, title: str, filename: str):
    form = StatementFilterForm(request.GET or None)
    date_from, date_to = soa.default_dates()
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    result = build(date_from, date_to)
    currency = getattr(request.tenant, "currency", "") or "TZS"
    if request.GET.get("format") == "pdf":
        response = HttpResponse(soa.statement_pdf(result, currency=currency), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}-{date_to:%Y%m%d}.pdf"'
        return response
    query = request.GET.copy()
    query["format"] = "pdf"
    query.setdefault("date_from", date_from.isoformat())
    query.setdefault("date_to", date_to.isoformat())
    return render(request, "finance/credit/statement.html", {
        "statement": result, "form": form, "title": title, "pdf_query": query.urlencode(),
        "date_from": date_from, "date_to": date_to})


@role_required(*BOOKKEEPERS)
def student_statement(request, pk):
    student = selectors.student_get_for_user(user=request.user, pk=pk)
    return _statement_response(
        request, lambda start, end: soa.student_statement(student=student, date_from=start, date_to=end),
        title=_("Statement of account: %(name)s") % {"name": student.full_name},
        filename=f"statement-{student.admission_number or student.pk}")


@role_required(*BOOKKEEPERS)
def guardian_statement(request, pk):
    guardian = selectors.guardian_get_for_user(user=request.user, pk=pk)
    return _statement_response(
        request, lambda start, end: soa.guardian_statement(guardian=guardian, date_from=start, date_to=end),
        title=_("Statement of account: %(name)s") % {"name": guardian}, filename=f"statement-guardian-{guardian.pk}")


@role_required(*BOOKKEEPERS)
def refund_detail(request, pk):
    refund = selectors.refund_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/credit/refund_detail.html", {
        "refund": refund, "parts": list(refund.parts.select_related("payment").order_by("id"))})
