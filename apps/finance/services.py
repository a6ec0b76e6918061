"""Fee setup and invoices: fee categories, a class's fee structure for a term (items and instalment plan),
issuing a student's invoice (posted: Dr fee receivables / Cr each category's income account, the student
named on every line) and voiding one (its entry reversed). Every service runs in a transaction, is audited
and refuses bad input with a ValidationError that says what is wrong, writing nothing."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import SchoolClass, Student, StudentGuardian, Term
from apps.audit.services import audit_record
from apps.finance.control_numbers import control_number_for, invoice_ids_next
from apps.finance.selectors_invoices import class_students
from apps.finance.models import (
    ZERO, FeeCategory, FeeItem, FeeStructure, Installment, Invoice, InvoiceInstallment, InvoiceLine, StudentFeeOption,
)
from apps.ledger.charts import account_for
from apps.ledger.models import Account, JournalEntry
from apps.ledger.services import Line, amount, entry_post, entry_reverse

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


# --- fee categories --------------------------------------------------------------------------------------

def _income_account(account) -> Account:
    if not isinstance(account, Account) or account.type != Account.Type.INCOME or account.is_group \
            or not account.is_active:
        raise ValidationError({"income_account": _("Choose an active income account (not a group).")},
                              code="bad_income_account")
    return account


@transaction.atomic
def fee_category_create(*, code: str, name: str, income_account: Account, actor, is_optional: bool = False,
                        order: int = 0, request=None) -> FeeCategory:
    code, name = (code or "").strip().lower(), (name or "").strip()
    if not code or not all(c.isalnum() or c in "-_" for c in code) or len(code) > 30:
        raise ValidationError({"code": _("A code is up to 30 letters, digits, dashes or underscores.")},
                              code="bad_code")
    if FeeCategory.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another fee category has the code %(code)s.") % {"code": code}},
                              code="code_taken")
    if not name:
        raise ValidationError({"name": _("Give the fee category a name.")}, code="no_name")
    category = FeeCategory.objects.create(code=code, name=name[:80], income_account=_income_account(income_account),
                                          is_optional=bool(is_optional), order=order or 0)
    audit_record(action="finance.fee_category_create", actor=actor, target=category,
                 detail={"code": code, "name": category.name, "income_account": income_account.code}, request=request)
    return category


@transaction.atomic
def fee_category_update(*, category: FeeCategory, actor, request=None, **changes) -> FeeCategory:
    category = FeeCategory.objects.select_for_update().get(pk=category.pk)
    before = {"name": category.name, "income_account": category.income_account_id,
              "is_optional": category.is_optional, "order": category.order, "is_active": category.is_active}
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("Give the fee category a name.")}, code="no_name")
        category.name = name[:80]
    if "income_account" in changes:
        category.income_account = _income_account(changes["income_account"])
    for field in ("is_optional", "is_active"):
        if field in changes:
            setattr(category, field, bool(changes[field]))
    if "order" in changes:
        category.order = int(changes["order"] or 0)
    category.save()
    after = {"name": category.name, "income_account": category.income_account_id,
             "is_optional": category.is_optional, "order": category.order, "is_active": category.is_active}
    audit_record(action="finance.fee_category_update", actor=actor, target=category,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]}, request=request)
    return category


# --- fee structures --------------------------------------------------------------------------------------

@dataclass
class ItemSpec:
    category: FeeCategory
    amount: Decimal
    label: str = ""
    is_optional: bool | None = None  # None: the category's own setting


@dataclass
class InstallmentSpec:
    percent: Decimal
    due_on: datetime.date


@transaction.atomic
def fee_structure_save(*, term: Term, school_class: SchoolClass, items: list, installments: list, actor,
                       notes: str = "", request=None) -> FeeStructure:
    """Set a class's fees for a term: its items (a category and an amount each; optional items are charged
    only to the students who take them) and its instalments (percentages totalling 100 %, due dates in
    order). Replaces what was there; invoices already issued keep what they were issued with."""
    items = [ItemSpec(**i) if isinstance(i, dict) else i for i in items]
    installments = [InstallmentSpec(**i) if isinstance(i, dict) else i for i in installments]
    if not items:
        raise ValidationError({"items": _("A fee structure needs at least one item.")}, code="no_items")
    seen = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item.category, FeeCategory) or not item.category.is_active:
            raise ValidationError({"items": _("Item %(n)s: choose an active fee category.") % {"n": number}},
                                  code="bad_category")
        item.amount = amount(item.amount, field="items")
        if item.amount <= 0:
            raise ValidationError({"items": _("Item %(n)s: the amount must be more than zero.") % {"n": number}},
                                  code="not_positive")
        item.label = (item.label or "").strip()[:80]
        key = (item.category.pk, item.label.lower())
        if key in seen:
            raise ValidationError({"items": _("Item %(n)s repeats %(category)s; give each a different label (a "
                                              "route, a dormitory).") % {"n": number, "category": item.category}},
                                  code="duplicate_item")
        seen.add(key)
    if not installments:
        raise ValidationError({"installments": _("Give at least one instalment (100 % and its due date).")},
                              code="no_installments")
    total, previous = ZERO, None
    for number, part in enumerate(installments, start=1):
        try:
            part.percent = Decimal(str(part.percent)).quantize(CENT)
        except ArithmeticError:
            raise ValidationError({"installments": _("Instalment %(n)s: the percentage is not a number.") % {
                "n": number}}, code="bad_percent") from None
        if not (ZERO < part.percent <= HUNDRED):
            raise ValidationError({"installments": _("Instalment %(n)s: a percentage is more than 0 and at most "
                                                     "100.") % {"n": number}}, code="bad_percent")
        if not isinstance(part.due_on, datetime.date):
            raise ValidationError({"installments": _("Instalment %(n)s needs a due date.") % {"n": number}},
                                  code="no_due_date")
        if previous and part.due_on <= previous:
            raise ValidationError({"installments": _("Instalment %(n)s is due before the one before it.") % {
                "n": number}}, code="dates_out_of_order")
        previous = part.due_on
        total += part.percent
    if total != HUNDRED:
        raise ValidationError({"installments": _("The instalments total %(total)s %%; they must total 100 %%.") % {
            "total": total}}, code="not_hundred")
    structure, created = FeeStructure.objects.select_for_update().get_or_create(
        term=term, school_class=school_class, defaults={"notes": (notes or "").strip()[:250]})
    if not created:
        structure.notes = (notes or "").strip()[:250]
        structure.save(update_fields=["notes", "updated_at"])
    kept_options = {(o.item.category_id, o.item.label.lower()): o.student_id
                    for o in StudentFeeOption.objects.filter(item__structure=structure).select_related("item")}
    structure.items.all().delete()
    structure.installments.all().delete()
    new_items = FeeItem.objects.bulk_create([
        FeeItem(structure=structure, category=i.category, label=i.label, amount=i.amount,
                is_optional=i.category.is_optional if i.is_optional is None else bool(i.is_optional)) for i in items])
    Installment.objects.bulk_create([Installment(structure=structure, number=n, percent=p.percent, due_on=p.due_on)
                                     for n, p in enumerate(installments, start=1)])
    # students who took an optional item keep it when the item is still there
    by_key = {(i.category_id, i.label.lower()): i for i in new_items if i.is_optional}
    StudentFeeOption.objects.bulk_create([StudentFeeOption(student_id=student, item=by_key[key])
                                          for key, student in kept_options.items() if key in by_key],
                                         ignore_conflicts=True)
    audit_record(action="finance.fee_structure_save", actor=actor, target=structure, request=request, detail={
        "term": str(term), "class": str(school_class), "total": str(sum(i.amount for i in items if not
                                                                          (i.is_optional or i.category.is_optional))),
        "items": len(items), "installments": [str(p.percent) for p in installments]})
    return structure


@transaction.atomic
def fee_option_set(*, student: Student, item: FeeItem, taken: bool, actor, request=None) -> None:
    """A student takes (or stops taking) an optional item (a transport route, boarding)."""
    if not item.is_optional:
        raise ValidationError(_("%(item)s is charged to every student of the class.") % {"item": item},
                              code="not_optional")
    if taken:
        StudentFeeOption.objects.get_or_create(student=student, item=item)
    else:
        StudentFeeOption.objects.filter(student=student, item=item).delete()
    audit_record(action="finance.fee_option_set", actor=actor, target=student, request=request,
                 detail={"item": str(item), "taken": taken})


# --- invoices --------------------------------------------------------------------------------------------

def installment_amounts(total: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """`total` split by `percents` to the cent, the last instalment taking what rounding left over."""
    parts = [(total * p / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP) for p in percents[:-1]]
    return [*parts, total - sum(parts, ZERO)]


def _payer(student: Student):
    link = (StudentGuardian.objects.filter(student=student).select_related("guardian")
            .order_by("-is_primary", "id").first())
    return link.guardian if link else None


@transaction.atomic
def invoices_issue(*, student: Student, term: Term, actor, issued_on: datetime.date | None = None,
                   request=None) -> list[Invoice]:
    """Issue a student's invoices for a term from the fee structure of the student's class: every item of
    the class, plus the optional items the student takes, less the discounts in force on the issue day
    (apps.finance.services_discounts.discounts_for). When a sponsor covers the student, the sponsor's
    share of the covered categories is invoiced to the sponsor and the rest to the primary guardian (the
    discounts apply before the split); otherwise one invoice to the primary guardian. Instalments split
    each invoice's net total by the structure's plan. Each posts Dr fee receivables (the net) and fee
    discounts (the discounts) / Cr each category's income account (the fees), the student on every line.
    Returns the invoices issued, the guardian's first. Refuses (writing nothing) when the discounts cover
    everything."""
    from apps.finance.services_discounts import FeeLine, discounts_for, split_for_sponsor, sponsorship_for

    if student.status != Student.Status.ACTIVE:
        raise ValidationError(_("%(student)s is not an active student.") % {"student": student.full_name},
                              code="inactive_student")
    if student.stream_id is None:
        raise ValidationError(_("%(student)s has no stream, so no class fees apply.") % {
            "student": student.full_name}, code="no_stream")
    school_class = student.stream.school_class
    structure = (FeeStructure.objects.filter(term=term, school_class=school_class)
                 .prefetch_related("items__category__income_account", "installments").first())
    if structure is None or not structure.items.all():
        raise ValidationError(_("There are no fees set for %(class)s in %(term)s yet.") % {
            "class": school_class, "term": term}, code="no_structure")
    already = _("%(student)s already has an invoice for %(term)s.") % {"student": student.full_name, "term": term}
    if Invoice.objects.filter(student=student, term=term).exclude(status=Invoice.Status.VOID).exists():
        raise ValidationError(already, code="already_invoiced")
    taken = set(StudentFeeOption.objects.filter(student=student, item__structure=structure)
                .values_list("item_id", flat=True))
    items = [i for i in structure.items.all() if not i.is_optional or i.pk in taken]
    if not items:
        raise ValidationError(_("Nothing in %(class)s's fees applies to %(student)s.") % {
            "class": school_class, "student": student.full_name}, code="nothing_to_invoice")
    plan = list(structure.installments.all())
    issued_on = issued_on or timezone.localdate()
    fees = [FeeLine(category=i.category, amount=i.amount,
                    description=f"{i.category.name}{f' ({i.label})' if i.label else ''}"[:120]) for i in items]
    discounts = discounts_for(student=student, lines=fees, on=issued_on)
    lines = fees + discounts
    if sum((line.amount for line in lines), ZERO) <= 0:
        raise ValidationError(_("%(student)s's fees for %(term)s are fully covered by %(rules)s; there is nothing "
                                "to invoice.") % {"student": student.full_name, "term": term,
                                                  "rules": ", ".join(sorted({d.discount_rule.name for d in discounts}))},
                              code="fully_covered")
    sponsorship = sponsorship_for(student=student, on=issued_on)
    parts = [(None, lines)]
    if sponsorship is not None:
        ours, theirs = split_for_sponsor(lines, sponsorship)
        parts = [(None, theirs), (sponsorship.sponsor, ours)]
    parts = [(sponsor, part) for sponsor, part in parts if sum((line.amount for line in part), ZERO) > 0]
    invoices = []
    for (sponsor, part), invoice_id in zip(parts, invoice_ids_next(len(parts)), strict=True):
        total = sum((line.amount for line in part), ZERO)
        try:
            with transaction.atomic():
                invoice = Invoice.objects.create(
                    id=invoice_id, student=student, term=term, structure=structure, sponsor=sponsor,
                    guardian=None if sponsor else _payer(student),
                    control_number=control_number_for(invoice_id), issued_on=issued_on, total=total,
                    due_on=plan[-1].due_on if plan else issued_on, created_by=actor)
        except IntegrityError:  # another invoice for this student and term was issued at the same moment
            raise ValidationError(already, code="already_invoiced") from None
        _invoice_fill(invoice=invoice, lines=part, plan=plan, actor=actor, request=request)
        audit_record(action="finance.invoice_issue", actor=actor, target=invoice, request=request, detail={
            "student": student.pk, "term": term.pk, "total": str(total), "control_number": invoice.control_number,
            "sponsor": sponsor.pk if sponsor else None,
            "discounts": {d.discount_rule.name: str(d.amount) for d in part if d.discount_rule}})
        invoices.append(invoice)
    # an overpayment the student carries settles the new invoices at once
    from apps.finance.services_payments import credit_apply

    if credit_apply(student=student, actor=actor, request=request):
        for invoice in invoices:
            invoice.refresh_from_db()
    return invoices


def _invoice_fill(*, invoice: Invoice, lines: list, plan: list, actor, request=None) -> None:
    """Write an issued invoice's lines and instalments and post its entry."""
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, category=line.category, amount=line.amount, kind=line.kind,
                    discount_rule=line.discount_rule, description=line.description) for line in lines])
    amounts = installment_amounts(invoice.total, [p.percent for p in plan]) if plan else [invoice.total]
    InvoiceInstallment.objects.bulk_create([
        InvoiceInstallment(invoice=invoice, number=n, due_on=(plan[n - 1].due_on if plan else invoice.due_on),
                           amount=value) for n, value in enumerate(amounts, start=1)])
    student = invoice.student
    income: dict = {}
    discount = ZERO
    for line in lines:
        if line.amount < 0:
            discount -= line.amount
        else:
            income[line.category.income_account] = income.get(line.category.income_account, ZERO) + line.amount
    posting = [Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), debit=invoice.total,
                    student=student, description=invoice.control_number)]
    if discount:
        posting.append(Line(account=account_for(purpose=Account.Purpose.FEE_DISCOUNT), debit=discount,
                            student=student, description=invoice.reference))
    posting += [Line(account=account, credit=value, student=student, description=invoice.reference)
                for account, value in income.items()]
    who = f"{student.full_name} / {invoice.sponsor.name}" if invoice.sponsor_id else student.full_name
    invoice.issue_entry = entry_post(
        date=invoice.issued_on, memo=_("Fees %(term)s: %(student)s (%(ref)s)") % {
            "term": invoice.term, "student": who, "ref": invoice.reference},
        source=JournalEntry.Source.INVOICE, source_object=invoice, actor=actor, request=request, lines=posting)
    invoice.save(update_fields=["issue_entry"])


def invoice_issue(*, student: Student, term: Term, actor, issued_on: datetime.date | None = None,
                  request=None) -> Invoice:
    """Issue a student's invoices for a term (see `invoices_issue`) and return the guardian's, or the
    sponsor's when the sponsor pays everything."""
    return invoices_issue(student=student, term=term, actor=actor, issued_on=issued_on, request=request)[0]


def invoices_issue_for_class(*, term, school_class, actor, request=None, reporter=None) -> dict:
    """Issue the term's invoices of every student of the class who has no live one: what was issued, and who
    was skipped and why (already invoiced, inactive, a refusal of `invoices_issue`). Each student's invoices
    are issued in their own transaction, so one student's refusal does not undo the others'. `reporter`
    (a job's progress reporter) is told after each student."""
    students = list(class_students(school_class))
    invoiced = set(Invoice.objects.filter(term=term, student__in=students).exclude(status=Invoice.Status.VOID)
                   .values_list("student_id", flat=True))
    if reporter is not None:
        reporter.set_total(len(students))
    issued, skipped = [], []
    for student in students:
        if student.pk in invoiced:
            skipped.append((student, _("already has an invoice for this term")))
        elif student.status != student.Status.ACTIVE:
            skipped.append((student, _("not active (%(status)s)") % {"status": student.get_status_display()}))
        else:
            try:
                issued.extend(invoices_issue(student=student, term=term, actor=actor, request=request))
            except ValidationError as error:
                skipped.append((student, " ".join(error.messages)))
        if reporter is not None:
            reporter.step(student.full_name)
    return {"issued": issued, "skipped": skipped, "term": term, "school_class": school_class}


@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, actor, request=None) -> Invoice:
    """Cancel an invoice issued in error, saying why: its entry is reversed (dated today) and the student can
    be invoiced again for the term."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the invoice is void.")}, code="reason_required")
    if invoice.paid or invoice.credited:
        raise ValidationError(_("Payments or credit notes are on %(ref)s; reverse them before voiding it.") % {
            "ref": invoice.reference}, code="has_payments")
    if invoice.status != Invoice.Status.ISSUED:
        raise ValidationError(_("%(ref)s is %(status)s and cannot be voided.") % {
            "ref": invoice.reference, "status": invoice.get_status_display().lower()}, code="not_issued")
    invoice.void_entry = entry_reverse(entry=invoice.issue_entry, actor=actor, request=request,
                                       memo=_("Void %(ref)s: %(reason)s") % {"ref": invoice.reference,
                                                                             "reason": reason[:200]})
    invoice.status, invoice.void_reason = Invoice.Status.VOID, reason[:300]
    invoice.voided_at, invoice.voided_by = timezone.now(), actor
    invoice.save(update_fields=["void_entry", "status", "void_reason", "voided_at", "voided_by"])
    audit_record(action="finance.invoice_void", actor=actor, target=invoice, request=request,
                 detail={"reason": invoice.void_reason, "total": str(invoice.total)})
    return invoice
