"""The financial reports in the console (/accounting/reports/): each report with its filters (a GET form),
shown as a page or downloaded with `?format=csv` / `?format=xlsx`; the budget editor; the beancount export.
School admins and accountants only."""

import csv
import datetime
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.decorators import role_required
from apps.ledger.access import BOOKKEEPERS
from apps.ledger import reports
from apps.ledger.beancount import currency, journal_beancount
from apps.ledger.models import Account, BudgetLine
from apps.ledger.services_budget import budget_set

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 200_000
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


# --- filter forms --------------------------------------------------------------------------------------

class _Filters(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The start date is after the end date."))
        return data


class RangeForm(_Filters):
    date_from = forms.DateField(label=gettext_lazy("From"), widget=DATE)
    date_to = forms.DateField(label=gettext_lazy("To"), widget=DATE)


class TrialBalanceForm(_Filters):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE,
                                help_text=gettext_lazy("Empty: from the first entry."))
    date_to = forms.DateField(label=gettext_lazy("To"), widget=DATE)


class GeneralLedgerForm(RangeForm):
    account = forms.ModelChoiceField(label=gettext_lazy("Account"), queryset=Account.objects.none(),
                                     widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(is_group=False).order_by("code")


class CashBookForm(RangeForm):
    account = forms.ModelChoiceField(label=gettext_lazy("Account"), queryset=Account.objects.none(), required=False,
                                     empty_label=gettext_lazy("All cash, bank and wallet accounts"),
                                     widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = reports.cash_accounts()


class AtForm(forms.Form):
    at = forms.DateField(label=gettext_lazy("At"), widget=DATE)


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control"}))


def _bind(form_class, request, **defaults):
    """The form bound to the query string, the defaults filling what it does not give."""
    data = {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in defaults.items()}
    data.update({key: value for key, value in request.GET.items() if key not in ("format", "page")})
    return form_class(data)


def _today() -> datetime.date:
    return timezone.localdate()


# --- exports -------------------------------------------------------------------------------------------

def _safe(cell):
    """A text cell a spreadsheet will not run as a formula (numbers stay numbers)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not cell[1:2].isdigit():
        return "'" + cell
    return cell


def _export(request, rows: list[list], *, name: str, title: str):
    kind = request.GET.get("format")
    stamp = _today().isoformat()
    if kind == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append([_safe(cell) if cell is not None else "" for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([_safe(str(cell)) if cell is not None else "" for cell in row])
    return response


def _wants_export(request) -> bool:
    return request.GET.get("format") in ("csv", "xlsx")


def _page(request, template: str, form, context: dict):
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return render(request, template, {"form": form, "query": query.urlencode(), "currency": currency(), **context})


# --- pages ---------------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def report_index(request):
    return render(request, "ledger/reports/index.html", {"today": _today()})


@role_required(*BOOKKEEPERS)
def report_trial_balance(request):
    form = _bind(TrialBalanceForm, request, date_to=_today())
    data = reports.trial_balance(**form.cleaned_data) if form.is_valid() else None
    if data and _wants_export(request):
        rows = [[_("Code"), _("Account"), _("Type"), _("Debits"), _("Credits"), _("Debit balance"),
                 _("Credit balance")]]
        rows += [[r["account"].code, r["account"].name, r["account"].get_type_display(), r["debit"], r["credit"],
                  r["balance_debit"], r["balance_credit"]] for r in data["rows"]]
        t = data["totals"]
        rows.append(["", _("Total"), "", t["debit"], t["credit"], t["balance_debit"], t["balance_credit"]])
        return _export(request, rows, name="trial-balance", title=_("Trial balance"))
    return _page(request, "ledger/reports/trial_balance.html", form, {"data": data})


@role_required(*BOOKKEEPERS)
def report_general_ledger(request):
    today = _today()
    form = _bind(GeneralLedgerForm, request, date_from=today.replace(month=1, day=1), date_to=today,
                 account=Account.objects.filter(is_group=False).order_by("code").values_list("pk", flat=True).first())
    data = None
    if form.is_valid():
        try:
            page = max(1, int(request.GET.get("page", 1)))
        except ValueError:
            page = 1
        if _wants_export(request):  # the whole range in one file
            limit, offset = EXPORT_LIMIT, 0
        else:
            limit, offset = reports.GENERAL_LEDGER_LIMIT, (page - 1) * reports.GENERAL_LEDGER_LIMIT
        data = reports.general_ledger(**form.cleaned_data, limit=limit, offset=offset)
        data["page"] = page
        data["has_next"] = data["offset"] + len(data["lines"]) < data["count"]
        data["has_previous"] = page > 1
        if _wants_export(request):
            rows = [[_("Date"), _("Reference"), _("Memo"), _("Description"), _("Debit"), _("Credit"), _("Balance")],
                    [data["date_from"].isoformat(), "", _("Opening balance"), "", "", "", data["opening"]]]
            rows += [[line["date"].isoformat(), line["reference"], line["memo"], line["description"], line["debit"],
                      line["credit"], line["balance"]] for line in data["lines"]]
            rows.append([data["date_to"].isoformat(), "", _("Closing balance"), "", data["debit"], data["credit"],
                         data["closing"]])
            return _export(request, rows, name=f"general-ledger-{data['account'].code}", title=_("General ledger"))
    return _page(request, "ledger/reports/general_ledger.html", form, {"data": data})


@role_required(*BOOKKEEPERS)
def report_income_statement(request):
    today = _today()
    form = _bind(RangeForm, request, date_from=today.replace(day=1), date_to=today)
    data = reports.income_statement(**form.cleaned_data) if form.is_valid() else None
    if data and _wants_export(request):
        rows = [[_("Code"), _("Account"), f"{data['date_from']} – {data['date_to']}",
                 f"{data['previous_from']} – {data['previous_to']}", _("Change"), _("Change (%)")]]
        for key, label in (("income", _("Income")), ("expense", _("Expenses"))):
            section = data[key]
            rows.append(["", label, "", "", "", ""])
            rows += [[r["account"].code, r["account"].name, r["amount"], r["previous"], r["change"], r["change_pct"]]
                     for r in section["rows"]]
            rows.append(["", _("Total %(section)s") % {"section": label.lower()}, section["total"],
                         section["previous"], section["change"], section["change_pct"]])
        net = data["net"]
        rows.append(["", _("Net surplus (deficit)"), net["amount"], net["previous"], net["change"], net["change_pct"]])
        return _export(request, rows, name="income-statement", title=_("Income statement"))
    chart = None
    if data:
        sets = [(_("This period"), "total", "amount")] + ([(_("Previous period"), "previous", "previous")]
                                                          if data["compare"] else [])
        chart = {"labels": [str(_("Income")), str(_("Expenses")), str(_("Net surplus (deficit)"))], "datasets": [
            {"label": str(label), "data": [str(data["income"][key]), str(data["expense"][key]),
                                           str(data["net"][net_key])]} for label, key, net_key in sets]}
    return _page(request, "ledger/reports/income_statement.html", form, {"data": data, "chart": chart})


@role_required(*BOOKKEEPERS)
def report_balance_sheet(request):
    form = _bind(AtForm, request, at=_today())
    data = reports.balance_sheet(**form.cleaned_data) if form.is_valid() else None
    if data and _wants_export(request):
        rows = [[_("Code"), _("Account"), _("Amount")]]
        for key, label in (("assets", _("Assets")), ("liabilities", _("Liabilities")), ("equity", _("Equity"))):
            rows.append(["", label, ""])
            rows += [[r["account"].code, r["account"].name, r["amount"]] for r in data[key]["rows"]]
            if key == "equity":
                rows.append(["", _("Current surplus (not yet closed)"), data["surplus"]])
            rows.append(["", _("Total %(section)s") % {"section": label.lower()}, data[key]["total"]])
        rows.append(["", _("Total liabilities and equity"), data["liabilities_and_equity"]])
        return _export(request, rows, name="balance-sheet", title=_("Balance sheet"))
    return _page(request, "ledger/reports/balance_sheet.html", form, {"data": data})


@role_required(*BOOKKEEPERS)
def report_cash_book(request):
    today = _today()
    form = _bind(CashBookForm, request, date_from=today.replace(day=1), date_to=today)
    data = reports.cash_book(**form.cleaned_data) if form.is_valid() else None
    if data and _wants_export(request):
        rows = [[_("Account"), _("Date"), _("Reference"), _("Memo"), _("In"), _("Out"), _("Balance")]]
        for book in data["accounts"]:
            name = str(book["account"])
            rows.append([name, data["date_from"].isoformat(), "", _("Opening balance"), "", "", book["opening"]])
            rows += [[name, line["date"].isoformat(), line["reference"], line["memo"], line["debit"], line["credit"],
                      line["balance"]] for line in book["lines"]]
            rows.append([name, data["date_to"].isoformat(), "", _("Closing balance"), book["debit"], book["credit"],
                         book["closing"]])
        return _export(request, rows, name="cash-book", title=_("Cash book"))
    return _page(request, "ledger/reports/cash_book.html", form, {"data": data})


@role_required(*BOOKKEEPERS)
def report_expenses(request):
    form = _bind(YearForm, request, year=_today().year)
    data = reports.expense_breakdown(**form.cleaned_data) if form.is_valid() else None
    chart = None
    if data:
        months = [_month_label(m) for m in data["months"]]
        if _wants_export(request):
            rows = [[_("Code"), _("Category"), *months, _("Total")]]
            rows += [[c["account"].code, c["account"].name, *c["months"], c["total"]] for c in data["categories"]]
            rows.append(["", _("Total"), *data["month_totals"], data["total"]])
            return _export(request, rows, name=f"expenses-{data['year']}", title=_("Expenses"))
        chart = {"labels": months, "datasets": [
            {"label": c["account"].name, "data": [str(v) for v in c["months"]]} for c in data["categories"]]}
    return _page(request, "ledger/reports/expenses.html", form, {"data": data, "chart": chart})


def _month_label(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "M Y")


@role_required(*BOOKKEEPERS)
def report_budget(request):
    form = _bind(YearForm, request, year=_today().year)
    data = reports.budget_vs_actual(**form.cleaned_data) if form.is_valid() else None
    if data and _wants_export(request):
        rows = [[_("Code"), _("Account"), _("Budget"), _("Actual"), _("Variance"), _("Used (%)")]]
        for key, label in (("income", _("Income")), ("expense", _("Expenses"))):
            section = data[key]
            rows.append(["", label, "", "", "", ""])
            rows += [[r["account"].code, r["account"].name, r["budget"], r["actual"], r["variance"], r["pct"]]
                     for r in section["rows"]]
            rows.append(["", _("Total %(section)s") % {"section": label.lower()}, section["budget"],
                         section["actual"], section["variance"], section["pct"]])
        return _export(request, rows, name=f"budget-{data['year']}", title=_("Budget vs actual"))
    chart = None
    if data:
        rows = [r for r in data["expense"]["rows"] if r["budget"] or r["actual"]]
        chart = {"labels": [r["account"].name for r in rows], "datasets": [
            {"label": str(_("Budget")), "data": [str(r["budget"]) for r in rows]},
            {"label": str(_("Actual")), "data": [str(r["actual"]) for r in rows]}]}
    return _page(request, "ledger/reports/budget.html", form, {"data": data, "chart": chart})


@role_required(*BOOKKEEPERS)
def budget_edit(request):
    """Every income and expense account with its budget for the year (`a-<account id>` fields); saving
    writes all of them or, when any amount is wrong, none."""
    year_form = _bind(YearForm, request, year=_today().year)
    if request.method == "POST":
        year_form = YearForm(request.POST)
    if not year_form.is_valid():
        return render(request, "ledger/reports/budget_edit.html", {"year_form": year_form, "rows": []}, status=400
                      if request.method == "POST" else 200)
    year = year_form.cleaned_data["year"]
    accounts = list(Account.objects.filter(is_group=False, type__in=(Account.Type.INCOME, Account.Type.EXPENSE))
                    .order_by("code"))
    budgets = dict(BudgetLine.objects.filter(year=year).values_list("account_id", "amount"))
    rows = [{"account": a, "value": budgets.get(a.pk, ""), "error": ""} for a in accounts]
    if request.method == "POST":
        for row in rows:
            row["value"] = request.POST.get(f"a-{row['account'].pk}", "").strip()
        try:
            with transaction.atomic():
                failed = False
                for row in rows:
                    if row["value"] == "" and row["account"].pk not in budgets:
                        continue
                    try:
                        with transaction.atomic():
                            budget_set(year=year, account=row["account"], amount=row["value"] or "0",
                                       actor=request.user, request=request)
                    except ValidationError as error:
                        row["error"] = " ".join(error.messages)
                        failed = True
                if failed:
                    raise ValidationError("rolled back")
        except ValidationError:
            return render(request, "ledger/reports/budget_edit.html",
                          {"year_form": year_form, "year": year, "rows": rows, "failed": True}, status=400)
        messages.success(request, _("The %(year)s budget is saved.") % {"year": year})
        return redirect(reverse("ledger:report-budget") + f"?year={year}")
    return render(request, "ledger/reports/budget_edit.html", {"year_form": year_form, "year": year, "rows": rows})


@role_required(*BOOKKEEPERS)
def export_beancount(request):
    """The journal (up to `to`, default all of it) as a beancount file."""
    date_to = None
    if request.GET.get("to"):
        try:
            date_to = forms.DateField().clean(request.GET["to"])
        except ValidationError:
            return HttpResponse(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": request.GET["to"]},
                                status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(journal_beancount(date_to=date_to), content_type="text/plain; charset=utf-8")
    name = getattr(getattr(request, "tenant", None), "schema_name", "journal")
    response["Content-Disposition"] = f'attachment; filename="{name}-{(date_to or _today()).isoformat()}.beancount"'
    return response
