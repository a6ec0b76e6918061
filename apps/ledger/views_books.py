"""The books in the console (/accounting/): the chart of accounts (tree, add, edit, delete), the journal
(list with filters, one entry, reversal, the manual entry with live totals) and the accounting months
(close; reopen, the school admin's alone). School admins and accountants only; every write goes through
apps.ledger.services, whose ValidationError messages come back on the form."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.core.forms import form_errors_from
from apps.ledger import selectors, services
from apps.ledger.access import BOOKKEEPERS, get_for_bookkeeper, require_school_admin
from apps.ledger.forms import (
    AccountEditForm, AccountForm, EntryFilterForm, EntryForm, LineFormSet, ReopenForm, ReverseForm,
)
from apps.ledger.models import ZERO, Account, JournalEntry, Period
from apps.ledger.sources import source_link

ACCOUNTS = "ledger/books/account_list.html"
ENTRY_NEW = "ledger/books/entry_new.html"
PAGE_SIZE = 50
BLANK_LINES = 4


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- the chart of accounts -------------------------------------------------------------------------------

def _accounts_context(request, form=None):
    return {"accounts": selectors.account_tree(user=request.user), "form": form or AccountForm(),
            "currency": getattr(request.tenant, "currency", "TZS")}


@role_required(*BOOKKEEPERS)
def account_list(request):
    form = None
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            try:
                account = services.account_create(**form.cleaned_data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Account %(account)s added.") % {"account": account})
                return redirect("ledger:account-list")
        return render(request, ACCOUNTS, _accounts_context(request, form), status=400)
    return render(request, ACCOUNTS, _accounts_context(request))


@role_required(*BOOKKEEPERS)
def account_edit(request, pk):
    account = get_for_bookkeeper(Account.objects.select_related("parent"), user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = AccountEditForm(request.POST, account=account)
        if form.is_valid():
            try:
                services.account_update(account=account, **form.cleaned_data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Account saved."))
                return redirect("ledger:account-list")
        status = 400
    else:
        form = AccountEditForm(account=account, initial={"code": account.code, "name": account.name,
                                                         "parent": account.parent_id, "is_active": account.is_active})
    return render(request, "ledger/books/account_edit.html", {"account": account, "form": form}, status=status)


@require_POST
@role_required(*BOOKKEEPERS)
def account_delete(request, pk):
    account = get_for_bookkeeper(Account.objects.all(), user=request.user, pk=pk)
    try:
        services.account_delete(account=account, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("ledger:account-edit", pk=account.pk)
    messages.success(request, _("Account deleted."))
    return redirect("ledger:account-list")


# --- the journal -----------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def entry_list(request):
    filters = EntryFilterForm(request.GET)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    entries = selectors.entries_for_user(user=request.user, date_from=data.get("date_from"),
                                         date_to=data.get("date_to"), account=data.get("account"),
                                         source=data.get("source", ""), text=data.get("q", ""))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ledger/books/entry_list.html", {
        "page": page, "filters": filters, "query": _query_without_page(request),
        "currency": getattr(request.tenant, "currency", "TZS")})


@role_required(*BOOKKEEPERS)
def entry_detail(request, pk, reverse_form=None, status=200):
    entry = get_for_bookkeeper(selectors.entry_with_lines(selectors.entries_for_user(user=request.user)),
                               user=request.user, pk=pk)
    return render(request, "ledger/books/entry_detail.html", {
        "entry": entry, "reverse_form": reverse_form or ReverseForm(),
        "currency": getattr(request.tenant, "currency", "TZS"),
        "can_reverse": entry.source != JournalEntry.Source.REVERSAL and not hasattr(entry, "reversed_by"),
        "source_link": source_link(entry)},
        status=status)


@require_POST
@role_required(*BOOKKEEPERS)
def entry_reverse(request, pk):
    entry = get_for_bookkeeper(JournalEntry.objects.all(), user=request.user, pk=pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.entry_reverse(entry=entry, actor=request.user, date=form.cleaned_data["date"],
                                              memo=form.cleaned_data["memo"], request=request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(ref)s posted: it reverses %(original)s.") % {
                "ref": reversal.reference, "original": entry.reference})
            return redirect("ledger:entry-detail", pk=reversal.pk)
    return entry_detail(request, pk, reverse_form=form, status=400)


def _entry_forms(request, *, data=None, lines=BLANK_LINES):
    accounts = selectors.accounts_for_user(user=request.user, postable=True)
    if data is None:
        form = EntryForm(initial={"date": timezone.localdate()})
        formset = LineFormSet(prefix="lines", accounts=accounts, initial=[{}] * lines)
    else:
        form = EntryForm(data)
        formset = LineFormSet(data, prefix="lines", accounts=accounts)
    return form, formset


def _totals(data) -> dict:
    """Debit and credit totals of what has been typed so far (whatever is not an amount counts as 0)."""
    def parse(value):
        try:
            number = Decimal((value or "").replace(",", "").strip() or "0")
            return number if number.is_finite() else ZERO
        except InvalidOperation:
            return ZERO

    debits = credits = ZERO
    for key, value in data.items():
        if key.startswith("lines-") and key.endswith("-debit"):
            debits += parse(value)
        elif key.startswith("lines-") and key.endswith("-credit"):
            credits += parse(value)
    return {"debits": debits, "credits": credits, "difference": abs(debits - credits),
            "balanced": debits == credits and debits > 0}


@role_required(*BOOKKEEPERS)
def entry_new(request):
    currency = getattr(request.tenant, "currency", "TZS")
    if request.method != "POST":
        form, formset = _entry_forms(request)
        return render(request, ENTRY_NEW, {"form": form, "formset": formset, "totals": _totals({}),
                                           "currency": currency, "show_errors": False})
    if "add_line" in request.POST:  # without JavaScript: the same form with one more blank line
        data = request.POST.copy()
        data["lines-TOTAL_FORMS"] = str(min(int(data.get("lines-TOTAL_FORMS") or 0) + 1, 200))
        form, formset = _entry_forms(request, data=data)
        return render(request, ENTRY_NEW, {"form": form, "formset": formset, "totals": _totals(data),
                                           "currency": currency, "show_errors": False})
    form, formset = _entry_forms(request, data=request.POST)
    if form.is_valid() and formset.is_valid():
        lines, ok = [], True
        for line_form in formset:
            if line_form.is_blank:
                continue
            data = line_form.cleaned_data
            if not data.get("account"):
                line_form.add_error("account", _("Choose an account."))
                ok = False
                continue
            lines.append(services.Line(account=data["account"], debit=data.get("debit") or ZERO,
                                       credit=data.get("credit") or ZERO, description=data.get("description", "")))
        if ok:
            try:
                entry = services.entry_post(date=form.cleaned_data["date"], memo=form.cleaned_data["memo"],
                                            lines=lines, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("%(ref)s posted.") % {"ref": entry.reference})
                return redirect("ledger:entry-detail", pk=entry.pk)
    return render(request, ENTRY_NEW, {"form": form, "formset": formset, "totals": _totals(request.POST),
                                       "currency": currency, "show_errors": True}, status=400)


@require_POST
@role_required(*BOOKKEEPERS)
def entry_totals(request):
    """The live totals under the manual entry form (HTMX, as the user types)."""
    return render(request, f"{ENTRY_NEW}#totals", {"totals": _totals(request.POST),
                                                   "currency": getattr(request.tenant, "currency", "TZS")})


# --- accounting months -----------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def period_list(request, reopen_form=None, reopen_pk=None, status=200):
    page = Paginator(selectors.periods_for_user(user=request.user), 36).get_page(request.GET.get("page"))
    return render(request, "ledger/books/period_list.html", {
        "page": page, "query": _query_without_page(request), "reopen_form": reopen_form or ReopenForm(),
        "reopen_pk": reopen_pk, "can_reopen": request.user.role == Role.SCHOOL_ADMIN}, status=status)


@require_POST
@role_required(*BOOKKEEPERS)
def period_close(request, pk):
    period = get_for_bookkeeper(Period.objects.all(), user=request.user, pk=pk)
    try:
        services.period_close(period=period, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(period)s closed.") % {"period": period})
    return redirect("ledger:period-list")


@require_POST
@role_required(*BOOKKEEPERS)
def period_reopen(request, pk):
    require_school_admin(request.user)
    period = get_for_bookkeeper(Period.objects.all(), user=request.user, pk=pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.period_reopen(period=period, reason=form.cleaned_data["reason"], actor=request.user,
                                   request=request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(period)s reopened.") % {"period": period})
            return redirect("ledger:period-list")
    return period_list(request, reopen_form=form, reopen_pk=period.pk, status=400)
