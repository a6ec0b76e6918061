"""Discounts, sponsors and late-fee rules: which standing reductions an invoice gets when it is issued
(`discounts_for`), which sponsor pays a share of it (`sponsorship_for`), and the audited writes of the
console that sets them up (rules, sponsors and their sponsorships, late-fee rules).

A staff child is a student one of whose guardians works at the school: the guardian names the staff user he
is there (`Guardian.staff_member`, set on the guardian's page), and that user is active and holds a staff role
(school admin, teacher, accountant, staff). A guardian whose own user holds a staff role counts too."""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from apps.academics.models import Guardian, Student, StudentGuardian
from apps.accounts.roles import STAFF_ROLES
from apps.audit.services import audit_record
from apps.finance.models import ZERO, DiscountRule, FeeCategory, InvoiceLine, LateFeeRule, Sponsor, Sponsorship
from apps.ledger.services import amount as money_amount

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass
class FeeLine:
    """A fee line of an invoice being issued (before it is saved)."""

    category: FeeCategory
    amount: Decimal
    description: str = ""
    kind: str = InvoiceLine.Kind.FEE
    discount_rule: DiscountRule | None = None
    extra: dict = field(default_factory=dict)


def _in_force(queryset, on: datetime.date):
    return queryset.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def birth_position(student: Student) -> int | None:
    """The student's place (1: eldest) among the active children of the student's primary guardian,
    by date of birth (unknown last), then by id; None without a primary guardian."""
    link = StudentGuardian.objects.filter(student=student, is_primary=True).order_by("id").first()
    if link is None:
        return None
    children = list(Student.objects.filter(guardian_links__guardian_id=link.guardian_id,
                                           status=Student.Status.ACTIVE)
                    .order_by(F("date_of_birth").asc(nulls_last=True), "id").values_list("id", flat=True).distinct())
    return children.index(student.pk) + 1 if student.pk in children else None


def is_staff_child(student: Student) -> bool:
    """A guardian of the student works at the school (see the module's docstring)."""
    return Guardian.objects.filter(students=student).filter(
        Q(staff_member__is_active=True, staff_member__role__in=STAFF_ROLES) | Q(user__role__in=STAFF_ROLES)
    ).exists()


def _applies(rule: DiscountRule, student: Student, cache: dict) -> bool:
    if rule.kind == DiscountRule.Kind.SCHOLARSHIP:
        return rule.student_id == student.pk
    if rule.kind == DiscountRule.Kind.SIBLING:
        if "position" not in cache:
            cache["position"] = birth_position(student)
        return cache["position"] is not None and cache["position"] >= (rule.from_child or 2)
    if rule.kind == DiscountRule.Kind.STAFF_CHILD:
        if "staff" not in cache:
            cache["staff"] = is_staff_child(student)
        return cache["staff"]
    return False


def discounts_for(*, student: Student, lines: list, on: datetime.date) -> list[FeeLine]:
    """The discount lines (negative amounts, naming their rule) an invoice of `student` with these fee
    `lines` gets on `on`: every active rule in force that applies to the student (a sibling from the
    rule's child number on, a staff child, the student's own scholarship), on the rule's categories (none:
    all). A percentage is of the category's fees; a fixed amount is spread over the rule's categories in
    their order. Rules stack, but never take a category below zero."""
    gross: dict[int, Decimal] = {}
    categories: dict[int, FeeCategory] = {}
    for line in lines:
        gross[line.category.pk] = gross.get(line.category.pk, ZERO) + line.amount
        categories[line.category.pk] = line.category
    left = dict(gross)
    rules = (_in_force(DiscountRule.objects.filter(is_active=True), on)
             .filter(~Q(kind=DiscountRule.Kind.SCHOLARSHIP) | Q(student=student))
             .prefetch_related("categories").order_by("kind", "id"))
    cache: dict = {}
    result: list[FeeLine] = []
    for rule in rules:
        if not _applies(rule, student, cache):
            continue
        wanted = {c.pk for c in rule.categories.all()}
        matching = [pk for pk in gross if not wanted or pk in wanted]
        budget = rule.value if rule.value_type == DiscountRule.ValueType.FIXED else None
        for pk in matching:
            if budget is not None:
                take = min(budget, left[pk])
                budget -= take
            else:
                take = min((gross[pk] * rule.value / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP), left[pk])
            if take <= 0:
                continue
            left[pk] -= take
            result.append(FeeLine(category=categories[pk], amount=-take, kind=InvoiceLine.Kind.DISCOUNT,
                                  discount_rule=rule, description=f"{rule.name} ({categories[pk].name})"[:120]))
    return result


def sponsorship_for(*, student: Student, on: datetime.date) -> Sponsorship | None:
    """The sponsorship of an active sponsor covering the student on `on` (the latest started first)."""
    return (_in_force(Sponsorship.objects.filter(student=student, sponsor__is_active=True), on)
            .select_related("sponsor").prefetch_related("categories").order_by("-starts_on", "-id").first())


def split_for_sponsor(lines: list[FeeLine], sponsorship: Sponsorship) -> tuple[list[FeeLine], list[FeeLine]]:
    """The lines (fees and their discounts) split into the sponsor's share of the covered categories and
    the rest; each line is split to the cent, the guardian's part taking what rounding leaves."""
    covered = {c.pk for c in sponsorship.categories.all()}
    ours, theirs = [], []
    for line in lines:
        if covered and line.category.pk not in covered:
            theirs.append(line)
            continue
        share = (line.amount * sponsorship.percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        rest = line.amount - share
        if share:
            ours.append(FeeLine(category=line.category, amount=share, kind=line.kind, discount_rule=line.discount_rule,
                                description=line.description))
        if rest:
            theirs.append(FeeLine(category=line.category, amount=rest, kind=line.kind,
                                  discount_rule=line.discount_rule, description=line.description))
    return ours, theirs


# --- discount rules --------------------------------------------------------------------------------------

RULE_FIELDS = ("name", "kind", "value_type", "value", "from_child", "student", "starts_on", "ends_on", "is_active")


def _value_check(rule, errors: dict) -> None:
    """A discount's or late fee's type and value: a percentage (at most 100) or a fixed amount, above zero.
    Both models name the two types "percent" and "fixed"."""
    if rule.value_type not in ("percent", "fixed"):
        errors.setdefault("value_type", []).append(_("Choose a percentage or a fixed amount."))
    try:
        rule.value = money_amount(rule.value, field="value")
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if rule.value <= 0:
            errors.setdefault("value", []).append(_("The value must be more than zero."))
        elif rule.value_type == "percent" and rule.value > HUNDRED:
            errors.setdefault("value", []).append(_("A percentage is at most 100."))


def _rule_check(rule: DiscountRule, categories) -> None:
    errors: dict[str, list] = {}
    rule.name = (rule.name or "").strip()[:80]
    if not rule.name:
        errors.setdefault("name", []).append(_("Give the rule a name."))
    if rule.kind not in DiscountRule.Kind.values:
        errors.setdefault("kind", []).append(_("Choose the kind of discount."))
    _value_check(rule, errors)
    if rule.kind == DiscountRule.Kind.SIBLING:
        if not rule.from_child or rule.from_child < 2:
            errors.setdefault("from_child", []).append(_("A sibling discount starts from the 2nd child or later."))
    else:
        rule.from_child = None
    if rule.kind == DiscountRule.Kind.SCHOLARSHIP:
        if rule.student_id is None:
            errors.setdefault("student", []).append(_("Choose the student who holds the scholarship."))
    else:
        rule.student = None
    if not isinstance(rule.starts_on, datetime.date):
        errors.setdefault("starts_on", []).append(_("Give the date the rule starts."))
    elif rule.ends_on and rule.ends_on < rule.starts_on:
        errors.setdefault("ends_on", []).append(_("The rule ends before it starts."))
    if any(not isinstance(c, FeeCategory) for c in categories):
        errors.setdefault("categories", []).append(_("Choose fee categories."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def discount_rule_create(*, actor, categories=(), request=None, **fields) -> DiscountRule:
    """A new discount rule (sibling, staff child or scholarship), applied to invoices issued from now on."""
    rule = DiscountRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
    categories = list(categories or [])
    _rule_check(rule, categories)
    rule.save()
    rule.categories.set(categories)
    audit_record(action="finance.discount_rule_create", actor=actor, target=rule, request=request, detail={
        "kind": rule.kind, "value_type": rule.value_type, "value": str(rule.value),
        "categories": [c.code for c in categories], "student": rule.student_id})
    return rule


@transaction.atomic
def discount_rule_update(*, rule: DiscountRule, actor, categories=None, request=None, **fields) -> DiscountRule:
    """Change a rule; invoices already issued keep the discount they were issued with."""
    rule = DiscountRule.objects.select_for_update().get(pk=rule.pk)
    before = {name: str(getattr(rule, name)) for name in RULE_FIELDS}
    for name, value in fields.items():
        if name in RULE_FIELDS:
            setattr(rule, name, value)
    categories = list(rule.categories.all()) if categories is None else list(categories)
    _rule_check(rule, categories)
    rule.save()
    rule.categories.set(categories)
    after = {name: str(getattr(rule, name)) for name in RULE_FIELDS}
    audit_record(action="finance.discount_rule_update", actor=actor, target=rule, request=request,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]})
    return rule


# --- sponsors --------------------------------------------------------------------------------------------

SPONSOR_FIELDS = ("name", "contact_name", "phone", "email", "address", "is_active")


def _sponsor_check(sponsor: Sponsor) -> None:
    sponsor.name = (sponsor.name or "").strip()[:120]
    for name in ("contact_name", "phone", "email", "address"):
        setattr(sponsor, name, (getattr(sponsor, name) or "").strip())
    if not sponsor.name:
        raise ValidationError({"name": _("Give the sponsor a name.")}, code="no_name")
    if Sponsor.objects.filter(name__iexact=sponsor.name).exclude(pk=sponsor.pk).exists():
        raise ValidationError({"name": _("Another sponsor is called %(name)s.") % {"name": sponsor.name}},
                              code="name_taken")


@transaction.atomic
def sponsor_create(*, actor, request=None, **fields) -> Sponsor:
    sponsor = Sponsor(**{k: v for k, v in fields.items() if k in SPONSOR_FIELDS})
    _sponsor_check(sponsor)
    try:
        with transaction.atomic():
            sponsor.save()
    except IntegrityError:  # the same name saved at the same moment
        raise ValidationError({"name": _("Another sponsor is called %(name)s.") % {"name": sponsor.name}},
                              code="name_taken") from None
    audit_record(action="finance.sponsor_create", actor=actor, target=sponsor, request=request,
                 detail={"name": sponsor.name})
    return sponsor


@transaction.atomic
def sponsor_update(*, sponsor: Sponsor, actor, request=None, **fields) -> Sponsor:
    sponsor = Sponsor.objects.select_for_update().get(pk=sponsor.pk)
    before = {name: getattr(sponsor, name) for name in SPONSOR_FIELDS}
    for name, value in fields.items():
        if name in SPONSOR_FIELDS:
            setattr(sponsor, name, value)
    _sponsor_check(sponsor)
    sponsor.save()
    after = {name: getattr(sponsor, name) for name in SPONSOR_FIELDS}
    audit_record(action="finance.sponsor_update", actor=actor, target=sponsor, request=request,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]})
    return sponsor


@transaction.atomic
def sponsorship_add(*, sponsor: Sponsor, student: Student, starts_on: datetime.date, actor, percent=HUNDRED,
                    categories=(), ends_on: datetime.date | None = None, request=None) -> Sponsorship:
    """The sponsor pays `percent` of the student's fees in `categories` (none: all) from `starts_on`. A
    student has one sponsor at a time: a sponsorship overlapping another of the student's is refused."""
    errors: dict[str, list] = {}
    if not isinstance(student, Student):
        errors.setdefault("student", []).append(_("Choose the student."))
    try:
        percent = Decimal(str(percent if percent not in (None, "") else HUNDRED)).quantize(CENT)
    except ArithmeticError:
        percent = None
    if percent is None or not (ZERO < percent <= HUNDRED):
        errors.setdefault("percent", []).append(_("A percentage is more than 0 and at most 100."))
    if not isinstance(starts_on, datetime.date):
        errors.setdefault("starts_on", []).append(_("Give the date the sponsorship starts."))
    elif ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The sponsorship ends before it starts."))
    if not sponsor.is_active:
        errors.setdefault("__all__", []).append(_("%(sponsor)s is not active.") % {"sponsor": sponsor})
    if errors:
        raise ValidationError(errors)
    Student.objects.select_for_update().filter(pk=student.pk).first()  # one writer per student at a time
    overlap = Sponsorship.objects.filter(student=student).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on:
        overlap = overlap.filter(starts_on__lte=ends_on)
    clash = overlap.select_related("sponsor").first()
    if clash is not None:
        raise ValidationError({"student": _("%(student)s is already sponsored by %(sponsor)s from %(start)s; end "
                                            "that sponsorship first.") % {
            "student": student.full_name, "sponsor": clash.sponsor, "start": clash.starts_on}}, code="overlap")
    sponsorship = Sponsorship.objects.create(sponsor=sponsor, student=student, percent=percent, starts_on=starts_on,
                                             ends_on=ends_on)
    sponsorship.categories.set(list(categories or []))
    audit_record(action="finance.sponsorship_add", actor=actor, target=sponsor, request=request, detail={
        "student": student.pk, "percent": str(percent), "starts_on": str(starts_on),
        "categories": [c.code for c in categories or []]})
    return sponsorship


@transaction.atomic
def sponsorship_end(*, sponsorship: Sponsorship, ends_on: datetime.date, actor, request=None) -> Sponsorship:
    """The sponsor stops paying after `ends_on` (invoices already issued stay as they are)."""
    sponsorship = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
    if not isinstance(ends_on, datetime.date):
        raise ValidationError({"ends_on": _("Give the last day of the sponsorship.")}, code="no_date")
    if ends_on < sponsorship.starts_on:
        raise ValidationError({"ends_on": _("The sponsorship cannot end before it starts (%(start)s).") % {
            "start": sponsorship.starts_on}}, code="before_start")
    before = sponsorship.ends_on
    sponsorship.ends_on = ends_on
    sponsorship.save(update_fields=["ends_on"])
    audit_record(action="finance.sponsorship_end", actor=actor, target=sponsorship.sponsor, request=request,
                 detail={"student": sponsorship.student_id}, changes={"ends_on": [str(before), str(ends_on)]})
    return sponsorship


# --- late-fee rules --------------------------------------------------------------------------------------

LATE_FEE_FIELDS = ("name", "days_after_due", "value_type", "value", "category", "is_active")


@transaction.atomic
def late_fee_rule_save(*, actor, rule: LateFeeRule | None = None, request=None, **fields) -> LateFeeRule:
    """Create a late-fee rule, or change one (`rule`); charges already made stay."""
    created = rule is None
    rule = LateFeeRule() if created else LateFeeRule.objects.select_for_update().get(pk=rule.pk)
    before = {} if created else {name: str(getattr(rule, name)) for name in LATE_FEE_FIELDS}
    for name, value in fields.items():
        if name in LATE_FEE_FIELDS:
            setattr(rule, name, value)
    errors: dict[str, list] = {}
    rule.name = (rule.name or "").strip()[:80]
    if not rule.name:
        errors.setdefault("name", []).append(_("Give the rule a name."))
    if rule.days_after_due is None or int(rule.days_after_due) < 0:
        errors.setdefault("days_after_due", []).append(_("Give the number of days after the due date."))
    _value_check(rule, errors)
    if rule.category_id is None or not rule.category.is_active:
        errors.setdefault("category", []).append(_("Choose the active fee category the late fee is income of."))
    if errors:
        raise ValidationError(errors)
    rule.save()
    after = {name: str(getattr(rule, name)) for name in LATE_FEE_FIELDS}
    audit_record(action="finance.late_fee_rule_create" if created else "finance.late_fee_rule_update",
                 actor=actor, target=rule, request=request,
                 changes={k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]})
    return rule
