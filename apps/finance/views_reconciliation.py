"""The reconciliation console (/finance/reconciliation/): per account, the bank's balance against the
books; statement lines and provider notifications waiting for a decision (suggested matches confirmed in
one click, unmatched ones assigned by hand or split across siblings, the invoice found while typing, lines
set aside as not fees) and recent matches with an undo, a tab's items page by page. School admins and
accountants only."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from apps.accounts.decorators import role_required
from apps.finance import selectors_reconciliation as selectors
from apps.finance.forms_reconciliation import SPLIT_ROWS, AssignForm, ReasonForm, SplitForm
from apps.finance.jobs_reconciliation import statement_reconcile_start
from apps.finance.models import MatchSuggestion, PaymentEvent, Statement, StatementLine
from apps.finance.services_reconciliation import (
    line_assign, line_ignore, line_split, match_undo, suggestion_confirm,
)
from apps.ledger.access import BOOKKEEPERS, get_for_bookkeeper


def _source_get(request, kind: str, pk):
    if kind == "line":
        return get_for_bookkeeper(StatementLine.objects.select_related("account"), user=request.user, pk=pk)
    if kind == "event":
        return get_for_bookkeeper(PaymentEvent.objects.select_related("account"), user=request.user, pk=pk)
    raise Http404


def _source_kwargs(source) -> dict:
    return {"event": source} if isinstance(source, PaymentEvent) else {"line": source}


def _back(request, tab: str):
    """Back to the tab, and to the page the decision was taken on (without scripts the form says which)."""
    page = request.GET.get("page", "")
    return redirect(reverse("finance:reconciliation") + f"?tab={tab}" + (f"&page={page}" if page.isdigit() else ""))


def _tabs(user) -> list[tuple]:
    """(name, label, count) of each tab."""
    counts = selectors.reconciliation_counts(user=user)
    labels = {"suggested": _("Suggested"), "unmatched": _("Unmatched"), "matched": _("Matched"),
              "ignored": _("Not fees")}
    return [(name, labels[name], counts[name]) for name in selectors.TABS]


@vary_on_headers("HX-Request", "HX-Target")
@role_required(*BOOKKEEPERS)
def reconciliation(request):
    tab = request.GET.get("tab") if request.GET.get("tab") in selectors.TABS else "suggested"
    query = request.GET.copy()
    query.pop("page", None)
    query["tab"] = tab
    context = {
        "tab": tab, "tabs": _tabs(request.user),
        "page": selectors.reconciliation_page(user=request.user, tab=tab, number=request.GET.get("page")),
        "query": query.urlencode(), "assign_form": AssignForm(), "split_form": SplitForm(), "reason_form": ReasonForm(),
    }
    if request.headers.get("HX-Target") == "reconciliation-tab":  # a tab or page link: only the list changes
        return render(request, "finance/reconciliation/reconciliation.html#tab-panel", context)
    return render(request, "finance/reconciliation/reconciliation.html", {
        **context, "summaries": selectors.reconciliation_summaries(user=request.user),
        "statements": selectors.statements_to_match(user=request.user),
    })


PICK_FIELDS = {"invoice", *(f"invoice_{n}" for n in range(1, SPLIT_ROWS + 1))}
PICK_ROW = re.compile(r"^(line|event)-\d+$")


@vary_on_headers("HX-Request")
@role_required(*BOOKKEEPERS)
def reconciliation_invoices(request):
    """The invoice field of an assign or split form while the accountant types in it: open invoices matching
    a name, admission number or control number (`q`, or the field's own value); `pick` fills the field with
    the chosen invoice's control number. The field works alone (typed and posted) when there is no script."""
    field = request.GET.get("field") if request.GET.get("field") in PICK_FIELDS else "invoice"
    row = request.GET.get("row") if PICK_ROW.match(request.GET.get("row") or "") else "new-0"
    context = {"name": field, "row": row, "required": field in ("invoice", "invoice_1"),
               "help_text": AssignForm.base_fields["invoice"].help_text}
    if str(request.GET.get("pick", "")).isdigit():
        invoice = selectors.assignable_invoice_get(user=request.user, pk=int(request.GET["pick"]))
        return render(request, "finance/partials/_invoice_pick.html#box", {
            **context, "value": invoice.control_number, "picked": invoice})
    search = request.GET.get("q", request.GET.get(field, ""))
    return render(request, "finance/partials/_invoice_pick.html#matches", {
        **context, "search": search.strip(), "matches": selectors.assignable_invoices(user=request.user, search=search)})


def _row_response(request, source, *, tab: str, error: str = ""):
    """The line's or event's row again (an HTMX request), or the page."""
    if request.headers.get("HX-Request"):
        # the row, and the tabs' counts swapped out of band (the decision moved it from one tab to another)
        return render(request, "finance/reconciliation/reconciliation.html#item", {
            "item": selectors.reconciliation_item(user=request.user, source=source), "error": error,
            "assign_form": AssignForm(), "split_form": SplitForm(), "reason_form": ReasonForm(), "tab": tab,
            "tabs": _tabs(request.user), "counts_out_of_band": True})
    if error:
        messages.error(request, error)
    return _back(request, tab)


@require_POST
@role_required(*BOOKKEEPERS)
def reconciliation_confirm(request, pk):
    suggestion = get_for_bookkeeper(MatchSuggestion.objects.select_related("line", "event"), user=request.user, pk=pk)
    source = suggestion.line or suggestion.event
    try:
        payment = suggestion_confirm(suggestion=suggestion, actor=request.user, request=request)
    except ValidationError as error:
        return _row_response(request, source, tab="suggested", error=" ".join(error.messages))
    if not request.headers.get("HX-Request"):  # the swapped row says it; a flash would show on the next page
        messages.success(request, _("Receipt %(number)s recorded for %(student)s.") % {
            "number": payment.receipt_number, "student": payment.student.full_name})
    return _row_response(request, source, tab="suggested")


def _decide(request, kind, pk, form_class, action, *, tab: str, success: str):
    source = _source_get(request, kind, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _row_response(request, source, tab=tab, error=" ".join(errors))
    try:
        action(source, form.cleaned_data)
    except ValidationError as error:
        return _row_response(request, source, tab=tab, error=" ".join(error.messages))
    if not request.headers.get("HX-Request"):
        messages.success(request, success)
    return _row_response(request, source, tab=tab)


@require_POST
@role_required(*BOOKKEEPERS)
def reconciliation_assign(request, kind, pk):
    return _decide(request, kind, pk, AssignForm, lambda source, data: line_assign(
        invoice=data["invoice"], actor=request.user, request=request, **_source_kwargs(source)),
        tab="unmatched", success=_("Payment recorded."))


@require_POST
@role_required(*BOOKKEEPERS)
def reconciliation_split(request, kind, pk):
    return _decide(request, kind, pk, SplitForm, lambda source, data: line_split(
        parts=data["parts"], actor=request.user, request=request, **_source_kwargs(source)),
        tab="unmatched", success=_("Payment shared between the students."))


@require_POST
@role_required(*BOOKKEEPERS)
def reconciliation_ignore(request, kind, pk):
    return _decide(request, kind, pk, ReasonForm, lambda source, data: line_ignore(
        reason=data["reason"], actor=request.user, request=request, **_source_kwargs(source)),
        tab="unmatched", success=_("Set aside as not a fee payment."))


@require_POST
@role_required(*BOOKKEEPERS)
def reconciliation_undo(request, kind, pk):
    return _decide(request, kind, pk, ReasonForm, lambda source, data: match_undo(
        reason=data["reason"], actor=request.user, request=request, **_source_kwargs(source)),
        tab="matched", success=_("Match undone; the payment waits again."))


@require_POST
@role_required(*BOOKKEEPERS)
def reconciliation_run(request):
    statement = None
    if request.POST.get("statement"):
        statement = get_for_bookkeeper(Statement.objects.filter(status=Statement.Status.IMPORTED),
                                       user=request.user, pk=request.POST["statement"])
    job = statement_reconcile_start(statement=statement, actor=request.user)
    messages.info(request, _("Matching the payments; this page shows how far it got."))
    return redirect("jobs:job-detail", pk=job.pk)
