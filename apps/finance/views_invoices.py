"""Invoices in the fees console (/finance/invoices/): the list with filters and totals, issuing a term's
invoices for a class (a background job with a progress bar: every active student without a live invoice) or
one student, an invoice's page (payer, control number and how to pay, the student's permanent reference,
lines, instalments, its journal entry) and voiding one with a reason. School admins and accountants only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.core.forms import form_errors_from
from apps.finance import selectors_invoices as selectors
from apps.finance import services
from apps.finance.forms_invoices import InvoiceFilterForm, IssueForm, VoidForm
from apps.finance.jobs import invoice_class_start
from apps.finance.selectors_parent import how_to_pay
from apps.ledger.access import BOOKKEEPERS

PAGE_SIZE = 50


def _list_context(request, issue_form=None):
    filters = InvoiceFilterForm(request.GET)
    invoices = selectors.invoices_for_user(user=request.user, **filters.filters())
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "filters": filters, "query": query.urlencode(),
            "totals": selectors.invoice_totals(invoices), "issue_form": issue_form or IssueForm()}


@role_required(*BOOKKEEPERS)
def invoice_list(request):
    return render(request, "finance/invoices/invoice_list.html", _list_context(request))


@require_POST
@role_required(*BOOKKEEPERS)
def invoice_issue(request):
    form = IssueForm(request.POST)
    if not form.is_valid():
        return render(request, "finance/invoices/invoice_list.html", _list_context(request, issue_form=form),
                      status=400)
    term, student = form.cleaned_data["term"], form.cleaned_data["student"]
    if student is not None:
        try:
            invoice = services.invoice_issue(student=student, term=term, actor=request.user, request=request)
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
            return render(request, "finance/invoices/invoice_list.html", _list_context(request, issue_form=form),
                          status=400)
        messages.success(request, _("%(ref)s issued to %(student)s.") % {"ref": invoice.reference,
                                                                          "student": student.full_name})
        return redirect("finance:invoice-detail", pk=invoice.pk)
    job = invoice_class_start(term=term, school_class=form.cleaned_data["school_class"], actor=request.user)
    messages.info(request, _("Issuing the invoices of %(class)s for %(term)s; this page shows how far it got.") % {
        "class": form.cleaned_data["school_class"], "term": term})
    return redirect("jobs:job-detail", pk=job.pk)


def _detail_context(invoice, void_form=None):
    return {"invoice": invoice, "lines": list(invoice.lines.all()), "installments": list(invoice.installments.all()),
            "void_form": void_form or VoidForm(), "channels": how_to_pay(invoice=invoice)}


@role_required(*BOOKKEEPERS)
def invoice_detail(request, pk):
    invoice = selectors.invoice_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/invoices/invoice_detail.html", _detail_context(invoice))


@require_POST
@role_required(*BOOKKEEPERS)
def invoice_void(request, pk):
    invoice = selectors.invoice_get_for_user(user=request.user, pk=pk)
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            services.invoice_void(invoice=invoice, reason=form.cleaned_data["reason"], actor=request.user,
                                  request=request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(ref)s is void; its entry is reversed.") % {"ref": invoice.reference})
            return redirect("finance:invoice-detail", pk=invoice.pk)
    invoice = selectors.invoice_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/invoices/invoice_detail.html", _detail_context(invoice, form), status=400)
