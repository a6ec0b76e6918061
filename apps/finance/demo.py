"""The demo school's fees (the seed_demo command), written through the finance services as a bursar would:

- the current term's fee structure for every class (tuition, meals, examination for exam classes; transport
  and boarding optional, taken by some students), in three instalments;
- an invoice for every active student, issued at the start of the term (or of the first month still open
  in the books);
- a mix of payments: cash, cheques and deposit slips at the bursar's office, mobile money and bank
  payments arriving as provider notifications through the sandbox webhook, a few overpayments (credit);
- a bank statement with lines that match exactly, lines whose reference has a typing slip, lines found by
  the payer's phone, and lines nobody can place yet, reconciled once.

Idempotent: when the term already has invoices, nothing is done again."""

import datetime
import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

logger = logging.getLogger(__name__)

TUITION_BY_LEVEL = {1: "450000", 2: "450000", 3: "480000", 4: "480000", 5: "550000", 6: "550000"}
EXAM_LEVELS = {2, 4, 6}  # national examination classes
MEALS, EXAMINATION, TRANSPORT, BOARDING = "150000", "35000", "120000", "600000"


def _first_open_day(day: datetime.date) -> datetime.date:
    """`day`, or the first day of the first month after it still open in the books."""
    from apps.ledger.models import Period

    closed = set(Period.objects.filter(status=Period.Status.CLOSED).values_list("starts_on", flat=True))
    while day.replace(day=1) in closed:
        month = day.month % 12 + 1
        day = datetime.date(day.year + (day.month == 12), month, 1)
    return day


def seed_fee_structures(*, term, actor) -> int:
    from apps.academics.models import SchoolClass
    from apps.finance.models import FeeCategory, FeeStructure
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save

    categories = {c.code: c for c in FeeCategory.objects.all()}
    start = term.starts_on
    plan = [InstallmentSpec(Decimal("50"), start + datetime.timedelta(days=14)),
            InstallmentSpec(Decimal("30"), start + datetime.timedelta(days=56)),
            InstallmentSpec(Decimal("20"), start + datetime.timedelta(days=98))]
    made = 0
    for school_class in SchoolClass.objects.order_by("level"):
        if FeeStructure.objects.filter(term=term, school_class=school_class).exists():
            continue
        items = [ItemSpec(categories["tuition"], Decimal(TUITION_BY_LEVEL.get(school_class.level, "450000"))),
                 ItemSpec(categories["meals"], Decimal(MEALS)),
                 ItemSpec(categories["transport"], Decimal(TRANSPORT), label="Route 1: Mikocheni", is_optional=True),
                 ItemSpec(categories["boarding"], Decimal(BOARDING), is_optional=True)]
        if school_class.level in EXAM_LEVELS:
            items.append(ItemSpec(categories["examination"], Decimal(EXAMINATION)))
        fee_structure_save(term=term, school_class=school_class, items=items, installments=plan, actor=actor,
                           notes="Set by the bursar for the term")
        made += 1
    return made


def seed_invoices(*, term, actor, issued_on: datetime.date) -> list:
    from apps.academics.models import Student
    from apps.finance.models import FeeItem, StudentFeeOption
    from apps.finance.services import invoice_issue

    students = list(Student.objects.filter(status=Student.Status.ACTIVE, stream__isnull=False)
                    .select_related("stream__school_class").order_by("pk"))
    optional = {}
    for item in FeeItem.objects.filter(structure__term=term, is_optional=True).select_related("category",
                                                                                              "structure"):
        optional[(item.structure.school_class_id, item.category.code)] = item
    StudentFeeOption.objects.bulk_create([
        StudentFeeOption(student=student, item=optional[(student.stream.school_class_id, code)])
        for n, student in enumerate(students)
        for code, every in (("transport", 5), ("boarding", 4))
        if n % every == 0 and (student.stream.school_class_id, code) in optional], ignore_conflicts=True)
    invoices = []
    for student in students:
        try:
            invoices.append(invoice_issue(student=student, term=term, actor=actor, issued_on=issued_on))
        except Exception as error:  # noqa: BLE001  (one student's refusal does not stop the demo)
            logger.info("demo invoice for %s skipped: %s", student, error)
    return invoices


def seed_counter_payments(*, invoices, actor, today: datetime.date) -> int:
    """Cash, cheques and deposit slips taken at the bursar's office for every third student: some pay the
    first instalment, some all of it, a few a little more (credit for next term)."""
    from apps.finance.services_payments import payment_record

    made = 0
    for n, invoice in enumerate(invoices):
        if n % 3:
            continue
        first = invoice.installments.all()[0].amount
        amount = {0: first, 1: invoice.total, 2: invoice.total + Decimal("50000"), 3: Decimal("100000")}[n // 3 % 4]
        channel = ("cash", "cheque", "bank_slip")[n // 3 % 3]
        received = min(invoice.issued_on + datetime.timedelta(days=5 + n % 40), today)
        payment_record(student=invoice.student, invoice=invoice, amount=amount, channel=channel, actor=actor,
                       received_on=received, reference="" if channel == "cash" else f"{100200 + n}",
                       payer_name=invoice.guardian.user.get_full_name() if invoice.guardian_id else "")
        made += 1
    return made


def seed_finance_demo(*, admin, accountant=None, today: datetime.date) -> dict:
    """Write the demo fees for the current term unless its invoices are there; returns what was done."""
    from apps.academics.models import Term
    from apps.finance.models import Invoice

    term = Term.objects.filter(is_current=True).first()
    if term is None:
        return {"skipped": True, "reason": "no current term"}
    if Invoice.objects.filter(term=term).exists():
        return {"skipped": True}
    bursar = accountant or admin
    outcome = {}
    with transaction.atomic():
        outcome["structures"] = seed_fee_structures(term=term, actor=bursar)
        issued_on = min(_first_open_day(term.starts_on), today)
        invoices = seed_invoices(term=term, actor=bursar, issued_on=issued_on)
        outcome["invoices"] = len(invoices)
        outcome["counter_payments"] = seed_counter_payments(invoices=invoices, actor=bursar, today=today)
    return outcome


def seed_finance_demo_school(*, slug: str, write=print, today: datetime.date | None = None) -> dict:
    """For the seed_demo command, in the school's schema. Errors are reported, not raised."""
    from django.utils import timezone

    from apps.accounts.roles import Role

    User = get_user_model()
    admin = User.objects.filter(role=Role.SCHOOL_ADMIN, is_active=True).order_by("pk").first()
    accountant = (User.objects.filter(email__iexact=f"bursar@{slug}.school").first()
                  or User.objects.filter(role=Role.ACCOUNTANT, is_active=True).order_by("pk").first())
    if admin is None:
        write(f"  {slug}: no school admin, so no demo fees")
        return {"skipped": True}
    try:
        outcome = seed_finance_demo(admin=admin, accountant=accountant, today=today or timezone.localdate())
    except Exception as error:  # noqa: BLE001  (the demo starts without its fees; say why)
        write(f"  {slug}: the demo fees could not be written: {error.__class__.__name__}: {error}")
        return {"failed": str(error)}
    if not outcome.get("skipped"):
        write(f"  {slug}: demo fees: " + ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in outcome.items()))
    return outcome
