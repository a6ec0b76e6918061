"""The fee setup in the console (/finance/fees/): each class's fees for a term (the structure's total and
instalments, a term selector), a class's structure edited as item rows and instalment rows, and the fee
categories (add, edit). School admins and accountants only; every write goes through
apps.finance.services, whose ValidationError messages come back on the form, nothing saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.decorators import role_required
from apps.academics.models import SchoolClass, Term
from apps.core.forms import form_errors_from
from apps.finance import selectors, services
from apps.finance.forms_setup import (
    CategoryEditForm, CategoryForm, InstallmentFormSet, ItemFormSet, StructureForm, TermChoiceForm,
)
from apps.finance.models import FeeCategory
from apps.ledger.access import BOOKKEEPERS, get_for_bookkeeper

CATEGORIES = "finance/setup/category_list.html"
EDIT = "finance/setup/structure_edit.html"
BLANK_ITEMS = 4
BLANK_INSTALLMENTS = 3


def _currency(request) -> str:
    return getattr(request.tenant, "currency", "TZS")


# --- each class's fees for a term ------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def structure_list(request):
    terms = selectors.terms_for_user(user=request.user)
    chooser = TermChoiceForm(request.GET or None, terms=terms)
    term = chooser.cleaned_data.get("term") if chooser.is_bound and chooser.is_valid() else None
    term = term or selectors.current_term(user=request.user)
    if not chooser.is_bound or not chooser.is_valid():
        chooser = TermChoiceForm(initial={"term": term.pk if term else None}, terms=terms)
    return render(request, "finance/setup/structure_list.html", {
        "chooser": chooser, "term": term, "rows": selectors.class_rows(user=request.user, term=term),
        "currency": _currency(request)})


# --- one class's structure -------------------------------------------------------------------------------

def _structure_forms(request, *, term, school_class, data=None):
    categories = selectors.categories_for_user(user=request.user, active=True)
    if data is not None:
        return (StructureForm(data), ItemFormSet(data, prefix="items", categories=categories),
                InstallmentFormSet(data, prefix="installments"))
    structure = selectors.structures_for_user(user=request.user, term=term, school_class=school_class).first()
    items = [{"category": i.category_id, "label": i.label, "amount": i.amount, "is_optional": i.is_optional}
             for i in structure.items.all()] if structure else []
    plan = [{"percent": p.percent, "due_on": p.due_on} for p in structure.installments.all()] if structure else []
    return (StructureForm(initial={"notes": structure.notes if structure else ""}),
            ItemFormSet(prefix="items", categories=categories,
                        initial=items + [{}] * (2 if items else BLANK_ITEMS)),
            InstallmentFormSet(prefix="installments", initial=plan + [{}] * (1 if plan else BLANK_INSTALLMENTS)))


def _grow(data, prefix: str, limit: int):
    data[f"{prefix}-TOTAL_FORMS"] = str(min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0) + 1, limit))


def _specs(items, installments):
    """Item and instalment specs of the filled rows; None when a row is half filled (its error is added)."""
    item_specs, plan, ok = [], [], True
    for row in items:
        if row.is_blank:
            continue
        data = row.cleaned_data
        if not data.get("category"):
            row.add_error("category", _("Choose a category."))
            ok = False
        if data.get("amount") is None:
            row.add_error("amount", _("Give an amount."))
            ok = False
        if ok:
            item_specs.append(services.ItemSpec(category=data["category"], amount=data["amount"],
                                                label=data.get("label", ""), is_optional=bool(data.get("is_optional"))))
    for row in installments:
        if row.is_blank:
            continue
        data = row.cleaned_data
        if data.get("percent") is None:
            row.add_error("percent", _("Give a percentage."))
            ok = False
        if not data.get("due_on"):
            row.add_error("due_on", _("Give a due date."))
            ok = False
        if ok:
            plan.append(services.InstallmentSpec(percent=data["percent"], due_on=data["due_on"]))
    return (item_specs, plan) if ok else None


@role_required(*BOOKKEEPERS)
def structure_edit(request, term_id, class_id):
    term = get_for_bookkeeper(Term.objects.select_related("year"), user=request.user, pk=term_id)
    school_class = get_for_bookkeeper(SchoolClass.objects.all(), user=request.user, pk=class_id)
    context = {"term": term, "school_class": school_class, "currency": _currency(request), "show_errors": False}
    if request.method != "POST":
        form, items, installments = _structure_forms(request, term=term, school_class=school_class)
        return render(request, EDIT, {**context, "form": form, "items": items, "installments": installments})
    data = request.POST.copy()
    if "add_item" in data or "add_installment" in data:  # without JavaScript: the same form, one more row
        if "add_item" in data:
            _grow(data, "items", 100)
        else:
            _grow(data, "installments", 24)
        form, items, installments = _structure_forms(request, term=term, school_class=school_class, data=data)
        return render(request, EDIT, {**context, "form": form, "items": items, "installments": installments})
    form, items, installments = _structure_forms(request, term=term, school_class=school_class, data=data)
    if form.is_valid() and items.is_valid() and installments.is_valid():
        specs = _specs(items, installments)
        if specs is not None:
            try:
                services.fee_structure_save(term=term, school_class=school_class, items=specs[0],
                                            installments=specs[1], notes=form.cleaned_data["notes"],
                                            actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Fees of %(class)s for %(term)s saved.") % {
                    "class": school_class, "term": term})
                return redirect(f"{reverse('finance:structure-list')}?term={term.pk}")
    return render(request, EDIT, {**context, "form": form, "items": items, "installments": installments,
                                  "show_errors": True}, status=400)


# --- fee categories --------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def category_list(request):
    form, status = CategoryForm(), 200
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                category = services.fee_category_create(
                    code=data["code"], name=data["name"], income_account=data["income_account"],
                    is_optional=data["is_optional"], order=data.get("order") or 0, actor=request.user,
                    request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Fee category %(category)s added.") % {"category": category})
                return redirect("finance:category-list")
        status = 400
    return render(request, CATEGORIES, {"categories": selectors.categories_for_user(user=request.user),
                                        "form": form}, status=status)


@role_required(*BOOKKEEPERS)
def category_edit(request, pk):
    category = get_for_bookkeeper(FeeCategory.objects.select_related("income_account"), user=request.user, pk=pk)
    status = 200
    if request.method == "POST":
        form = CategoryEditForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, "order": form.cleaned_data.get("order") or 0}
            try:
                services.fee_category_update(category=category, **data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Fee category saved."))
                return redirect("finance:category-list")
        status = 400
    else:
        form = CategoryEditForm(initial={"name": category.name, "income_account": category.income_account_id,
                                         "order": category.order, "is_optional": category.is_optional,
                                         "is_active": category.is_active})
    return render(request, "finance/setup/category_edit.html", {"category": category, "form": form}, status=status)
