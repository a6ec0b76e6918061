"""Suppliers and expenses in the accounting console (/accounting/suppliers/, /accounting/expenses/):
lists with filters and totals, entering an expense with its receipt, its page with the entries it
posted and the approve / reject / pay actions (shown to who may use them; the services decide), the
receipt download and the approval threshold. School admins and accountants only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.core.forms import form_errors_from
from apps.ledger.access import BOOKKEEPERS
from apps.ledger import selectors_expenses as selectors
from apps.ledger import services_expenses as services
from apps.ledger.forms_expenses import (
    ExpenseFilterForm, ExpenseForm, ExpenseSettingsForm, PayForm, RejectForm, SupplierForm,
)
from apps.ledger.models import Expense, LedgerSettings

PAGE_SIZE = 50
RECEIPT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


# --- suppliers -------------------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def supplier_list(request):
    form = SupplierForm()
    if request.method == "POST":
        form = SupplierForm(request.POST)
        if form.is_valid():
            try:
                supplier = services.supplier_create(**form.cleaned_data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("%(name)s added.") % {"name": supplier.name})
                return redirect("ledger:supplier-list")
    search = (request.GET.get("q") or "").strip()
    suppliers = selectors.suppliers_for_user(user=request.user, search=search)
    page = Paginator(suppliers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/expenses/supplier_list.html",
                  {"page": page, "form": form, "search": search, "query": query.urlencode()},
                  status=400 if form.errors else 200)


@role_required(*BOOKKEEPERS)
def supplier_edit(request, pk):
    supplier = selectors.supplier_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        form = SupplierForm(request.POST)
        if form.is_valid():
            try:
                services.supplier_update(supplier=supplier, **form.cleaned_data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Supplier saved."))
                return redirect("ledger:supplier-list")
    else:
        form = SupplierForm.for_supplier(supplier)
    return render(request, "ledger/expenses/supplier_edit.html", {"supplier": supplier, "form": form},
                  status=400 if form.errors else 200)


# --- expenses --------------------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def expense_list(request):
    filters = ExpenseFilterForm(request.GET)
    expenses = selectors.expenses_for_user(user=request.user, **filters.filters())
    page = Paginator(expenses, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ledger/expenses/expense_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "totals": selectors.expense_totals(expenses),
        "threshold": LedgerSettings.current().expense_approval_threshold,
        "is_admin": request.user.role == Role.SCHOOL_ADMIN})


@role_required(*BOOKKEEPERS)
def expense_new(request):
    if request.method == "POST":
        form = ExpenseForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                expense = services.expense_create(
                    category=data["category"], supplier=data["supplier"], description=data["description"],
                    incurred_on=data["incurred_on"], amount=data["amount"], tax=data["tax"] or 0,
                    reference=data["reference"], receipt=data["receipt"], actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                if expense.status == Expense.Status.APPROVED:
                    messages.success(request, _("Expense entered and approved (at or below the approval "
                                                "threshold); its cost is posted."))
                else:
                    messages.info(request, _("Expense entered: it waits for a school admin's approval."))
                return redirect("ledger:expense-detail", pk=expense.pk)
    else:
        form = ExpenseForm(initial={"incurred_on": timezone.localdate()})
    return render(request, "ledger/expenses/expense_new.html", {
        "form": form, "threshold": LedgerSettings.current().expense_approval_threshold},
        status=400 if form.errors else 200)


def _detail_context(request, expense, **forms):
    return {
        "expense": expense, "lines": selectors.expense_lines(expense),
        "may_decide": services.may_decide(expense, request.user),
        "may_pay": expense.status == Expense.Status.APPROVED,
        "reject_form": forms.get("reject_form") or RejectForm(),
        "pay_form": forms.get("pay_form") or PayForm(initial={"paid_on": timezone.localdate()}),
        "receipt_kind": expense.receipt.name.rsplit(".", 1)[-1].upper() if expense.receipt else "",
    }


@role_required(*BOOKKEEPERS)
def expense_detail(request, pk):
    expense = selectors.expense_get_for_user(user=request.user, pk=pk)
    return render(request, "ledger/expenses/expense_detail.html", _detail_context(request, expense))


def _refused(request, expense, error: ValidationError, **forms):
    """Back to the expense's page with the service's reason (and the form's field errors)."""
    form = next(iter(forms.values()), None)
    if form is not None and hasattr(error, "error_dict"):
        form_errors_from(form, error)
    else:  # not about one field (maker-checker, the expense's state, a closed month): said at the top
        messages.error(request, " ".join(error.messages))
    expense = selectors.expense_get_for_user(user=request.user, pk=expense.pk)
    return render(request, "ledger/expenses/expense_detail.html", _detail_context(request, expense, **forms),
                  status=400)


@require_POST
@role_required(*BOOKKEEPERS)
def expense_approve(request, pk):
    expense = selectors.expense_get_for_user(user=request.user, pk=pk)
    try:
        services.expense_approve(expense=expense, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, expense, error)
    messages.success(request, _("Expense approved; its cost is posted."))
    return redirect("ledger:expense-detail", pk=expense.pk)


@require_POST
@role_required(*BOOKKEEPERS)
def expense_reject(request, pk):
    expense = selectors.expense_get_for_user(user=request.user, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(request, "ledger/expenses/expense_detail.html",
                      _detail_context(request, expense, reject_form=form), status=400)
    try:
        services.expense_reject(expense=expense, reason=form.cleaned_data["reason"], actor=request.user,
                                request=request)
    except ValidationError as error:
        return _refused(request, expense, error, reject_form=form)
    messages.success(request, _("Expense rejected."))
    return redirect("ledger:expense-detail", pk=expense.pk)


@require_POST
@role_required(*BOOKKEEPERS)
def expense_pay(request, pk):
    expense = selectors.expense_get_for_user(user=request.user, pk=pk)
    form = PayForm(request.POST)
    if not form.is_valid():
        return render(request, "ledger/expenses/expense_detail.html",
                      _detail_context(request, expense, pay_form=form), status=400)
    try:
        services.expense_pay(expense=expense, **form.cleaned_data, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, expense, error, pay_form=form)
    messages.success(request, _("Payment recorded and posted."))
    return redirect("ledger:expense-detail", pk=expense.pk)


@login_required
def expense_receipt(request, pk):
    """The receipt file, for bookkeepers; 404 for anyone else, or when there is none."""
    expense = selectors.expense_get_for_user(user=request.user, pk=pk)  # 404 unless a bookkeeper
    if not expense.receipt:
        raise Http404
    kind = expense.receipt.name.rsplit(".", 1)[-1].lower()
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=request.GET.get("inline") is None,
                        filename=f"EXP-{expense.pk:05d}-receipt.{kind}",
                        content_type=RECEIPT_TYPES.get(kind, "application/octet-stream"))


@role_required(Role.SCHOOL_ADMIN)
def expense_settings(request):
    current = LedgerSettings.current()
    if request.method == "POST":
        form = ExpenseSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.ledger_settings_update(**form.cleaned_data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Approval threshold saved."))
                return redirect("ledger:expense-list")
    else:
        form = ExpenseSettingsForm(initial={"expense_approval_threshold": current.expense_approval_threshold})
    return render(request, "ledger/expenses/expense_settings.html", {"form": form, "settings": current},
                  status=400 if form.errors else 200)
