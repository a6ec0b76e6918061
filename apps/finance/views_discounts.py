"""Discounts, sponsors and late fees in the fees console (/finance/fees/...): discount rules (sibling, staff
child, scholarship) listed, added and edited; sponsors with their sponsorships (add one for a student, end
one); late-fee rules. School admins and accountants only; every write goes through
apps.finance.services_discounts, whose ValidationError messages come back on the form, nothing saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.decorators import role_required
from apps.core.forms import form_errors_from
from apps.finance import selectors_discounts as selectors
from apps.finance import services_discounts as services
from apps.finance.forms_discounts import (
    DiscountRuleForm, LateFeeRuleForm, SponsorForm, SponsorshipEndForm, SponsorshipForm,
)
from apps.ledger.access import BOOKKEEPERS, get_for_bookkeeper


# --- discount rules --------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def discount_list(request):
    return render(request, "finance/discounts/discount_list.html", {
        "rules": selectors.discount_rules_for_user(user=request.user), "today": timezone.localdate()})


def _rule_save(request, form, rule=None):
    data = dict(form.cleaned_data)
    categories = data.pop("categories")
    if rule is None:
        return services.discount_rule_create(actor=request.user, categories=categories, request=request, **data)
    return services.discount_rule_update(rule=rule, actor=request.user, categories=categories, request=request,
                                         **data)


@role_required(*BOOKKEEPERS)
def discount_new(request):
    form = DiscountRuleForm(request.POST or None, initial={"starts_on": timezone.localdate(), "from_child": 2})
    if request.method == "POST" and form.is_valid():
        try:
            rule = _rule_save(request, form)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Discount rule %(name)s added.") % {"name": rule.name})
            return redirect("finance:discount-list")
    return render(request, "finance/discounts/discount_edit.html", {"form": form, "rule": None},
                  status=400 if form.errors else 200)


@role_required(*BOOKKEEPERS)
def discount_edit(request, pk):
    rule = selectors.discount_rule_get_for_user(user=request.user, pk=pk)
    initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    initial["categories"] = list(rule.categories.all())
    form = DiscountRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule = _rule_save(request, form, rule)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Discount rule %(name)s saved.") % {"name": rule.name})
            return redirect("finance:discount-list")
    return render(request, "finance/discounts/discount_edit.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)


# --- sponsors --------------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def sponsor_list(request):
    return render(request, "finance/discounts/sponsor_list.html", {
        "sponsors": selectors.sponsors_for_user(user=request.user)})


@role_required(*BOOKKEEPERS)
def sponsor_new(request):
    form = SponsorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sponsor = services.sponsor_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Sponsor %(name)s added.") % {"name": sponsor.name})
            return redirect("finance:sponsor-detail", pk=sponsor.pk)
    return render(request, "finance/discounts/sponsor_new.html", {"form": form}, status=400 if form.errors else 200)


def _sponsor_context(sponsor, form=None, add_form=None, end_form=None):
    return {"sponsor": sponsor, "form": form or SponsorForm(initial={
        name: getattr(sponsor, name) for name in services.SPONSOR_FIELDS}),
        "add_form": add_form or SponsorshipForm(initial={"starts_on": timezone.localdate(), "percent": 100}),
        "end_form": end_form or SponsorshipEndForm(initial={"ends_on": timezone.localdate()}),
        "sponsorships": selectors.sponsorships_of(sponsor), "today": timezone.localdate(),
        "invoices": selectors.sponsor_invoices(sponsor)}


@role_required(*BOOKKEEPERS)
def sponsor_detail(request, pk):
    """The sponsor's details (edit), the students it sponsors (add, end), its invoices."""
    sponsor = selectors.sponsor_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return render(request, "finance/discounts/sponsor_detail.html", _sponsor_context(sponsor))
    action = request.POST.get("action")
    if action == "add":
        form = SponsorshipForm(request.POST)
        if form.is_valid():
            try:
                services.sponsorship_add(sponsor=sponsor, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("%(student)s is sponsored by %(sponsor)s.") % {
                    "student": form.cleaned_data["student"].full_name, "sponsor": sponsor.name})
                return redirect("finance:sponsor-detail", pk=sponsor.pk)
        return render(request, "finance/discounts/sponsor_detail.html", _sponsor_context(sponsor, add_form=form),
                      status=400)
    if action == "end":
        form = SponsorshipEndForm(request.POST)
        sponsorship = get_for_bookkeeper(selectors.sponsorships_of(sponsor), user=request.user,
                                         pk=request.POST.get("sponsorship"))
        if form.is_valid():
            try:
                services.sponsorship_end(sponsorship=sponsorship, ends_on=form.cleaned_data["ends_on"],
                                         actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The sponsorship of %(student)s ends on %(date)s.") % {
                    "student": sponsorship.student.full_name, "date": form.cleaned_data["ends_on"]})
                return redirect("finance:sponsor-detail", pk=sponsor.pk)
        return render(request, "finance/discounts/sponsor_detail.html", _sponsor_context(sponsor, end_form=form),
                      status=400)
    form = SponsorForm(request.POST)
    if form.is_valid():
        try:
            services.sponsor_update(sponsor=sponsor, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Sponsor %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("finance:sponsor-detail", pk=sponsor.pk)
    return render(request, "finance/discounts/sponsor_detail.html", _sponsor_context(sponsor, form=form), status=400)


# --- late-fee rules --------------------------------------------------------------------------------------

@role_required(*BOOKKEEPERS)
def late_fee_list(request):
    return render(request, "finance/discounts/late_fee_list.html", {
        "rules": selectors.late_fee_rules_for_user(user=request.user)})


def _late_fee_form_page(request, rule=None):
    initial = {name: getattr(rule, name) for name in services.LATE_FEE_FIELDS} if rule else {}
    form = LateFeeRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.late_fee_rule_save(rule=rule, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Late-fee rule %(name)s saved.") % {"name": rule.name})
            return redirect("finance:late-fee-list")
    return render(request, "finance/discounts/late_fee_edit.html", {"form": form, "rule": rule},
                  status=400 if form.errors else 200)


@role_required(*BOOKKEEPERS)
def late_fee_new(request):
    return _late_fee_form_page(request)


@role_required(*BOOKKEEPERS)
def late_fee_edit(request, pk):
    return _late_fee_form_page(request, selectors.late_fee_rule_get_for_user(user=request.user, pk=pk))
