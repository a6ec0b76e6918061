"""The demo school's fees (the seed_demo command), written through the finance services as a bursar would:

- the current term's fee structure for every class (tuition, meals, examination for exam classes; transport
  and boarding optional, taken by some students), in three instalments;
- the staff-child discount (10 % of tuition), and one guardian who works at the school: the demo teacher is
  the mother of a Form 1 student, whose invoice shows the discount;
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


STAFF_CHILD_PERCENT = "10"


def seed_staff_child(*, admin, bursar, staff, starts_on: datetime.date, not_guardians=()) -> dict:
    """The staff-child discount rule (10 % of tuition) unless there is one, and `staff` (the demo teacher)
    linked to a guardian unless he already is one: the primary guardian, a mother where there is one, of the
    lowest class's first active student by admission number, never one of the users in `not_guardians` (the
    demo parent keeps her plain invoices). Returns the rule and the guardian."""
    from apps.academics.models import Guardian, Student, StudentGuardian
    from apps.academics.services import guardian_update
    from apps.finance.models import DiscountRule, FeeCategory
    from apps.finance.services_discounts import discount_rule_create

    rule = DiscountRule.objects.filter(kind=DiscountRule.Kind.STAFF_CHILD).order_by("pk").first()
    if rule is None:
        rule = discount_rule_create(actor=bursar, name="Staff children", kind=DiscountRule.Kind.STAFF_CHILD,
                                    value_type=DiscountRule.ValueType.PERCENT, value=Decimal(STAFF_CHILD_PERCENT),
                                    starts_on=starts_on, categories=list(FeeCategory.objects.filter(code="tuition")))
    guardian = Guardian.objects.filter(staff_member=staff).first() if staff is not None else None
    if staff is not None and guardian is None:
        links = (StudentGuardian.objects.filter(is_primary=True, student__status=Student.Status.ACTIVE,
                                                student__stream__isnull=False, guardian__staff_member__isnull=True)
                 .exclude(guardian__user__in=list(not_guardians)).select_related("guardian")
                 .order_by("student__stream__school_class__level", "student__stream__name",
                           "student__admission_number", "pk"))
        link = links.filter(relationship=StudentGuardian.Relationship.MOTHER).first() or links.first()
        if link is not None:
            guardian = guardian_update(guardian=link.guardian, staff_member=staff, actor=admin)
    return {"rule": rule, "guardian": guardian}


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
    """Cash, cheques and deposit slips taken at the bursar's office for every sixth student: some pay the
    first instalment, some all of it, a few a little more (credit for next term)."""
    from apps.finance.services_payments import payment_record

    made = 0
    for n, invoice in enumerate(invoices):
        if n % 6:
            continue
        first = invoice.installments.all()[0].amount
        amount = {0: first, 1: invoice.total, 2: invoice.total + Decimal("50000"), 3: Decimal("100000")}[n // 6 % 4]
        channel = ("cash", "cheque", "bank_slip")[n // 6 % 3]
        received = min(invoice.issued_on + datetime.timedelta(days=5 + n % 40), today)
        payment_record(student=invoice.student, invoice=invoice, amount=amount, channel=channel, actor=actor,
                       received_on=received, reference="" if channel == "cash" else f"{100200 + n}",
                       payer_name=invoice.guardian.user.get_full_name() if invoice.guardian_id else "")
        made += 1
    return made


PROVIDERS = ["mpesa", "airtel", "tigopesa", "nmb", "crdb", "nbc"]
BUSINESS_NUMBERS = {"mpesa": "400200", "airtel": "400250", "tigopesa": "400300", "nmb": "20110034567",
                    "crdb": "0150234567800", "nbc": "011103045678"}


def _slip(number: str) -> str:
    """A control number as a hurried parent types it: a zero typed as the letter O, or two digits swapped."""
    if "0" in number[4:]:
        at = number.index("0", 4)
        return number[:at] + "O" + number[at + 1:]
    return number[:6] + number[7] + number[6] + number[8:]


def seed_channels() -> dict:
    """Switch every provider's channel on, each with its own signing secret and the school's numbers."""
    import secrets

    from apps.finance.models import PaymentChannel

    secrets_by_provider = {}
    for channel in PaymentChannel.objects.all():
        if channel.provider in BUSINESS_NUMBERS:
            channel.business_number = channel.business_number or BUSINESS_NUMBERS[channel.provider]
            channel.account_name = channel.account_name or "School fees collection account"
        channel.is_enabled = True
        channel.secret = channel.secret or secrets.token_urlsafe(32)
        channel.save()
        secrets_by_provider[channel.provider] = channel.secret
    return secrets_by_provider


def _notify(*, provider: str, secret: str, **sample) -> None:
    """A provider's notification through the same steps as the webhook: verify, store raw, process."""
    from apps.finance.providers import provider_get
    from apps.finance.providers.samples import body_for
    from apps.finance.services_events import inbound_event_process, inbound_event_store

    adapter = provider_get(provider)
    body = body_for(provider, **sample)
    headers = {adapter.signature_header: adapter.sign(body, secret)}
    adapter.verify(body, headers, secret)
    inbound, _ = inbound_event_store(adapter=adapter, body=body, headers=headers, remote_addr="127.0.0.1")
    inbound_event_process(inbound_id=inbound.pk)


def seed_provider_payments(*, invoices, secrets_by_provider: dict, today: datetime.date) -> dict:
    """Parents paying by mobile money and bank for the students who did not pay at the office: most quote
    the control number, some with a typing slip, some the student's permanent reference, a few nothing
    (found by the phone and the amount, or left for the bursar)."""
    from apps.finance.control_numbers import student_reference

    counts = {"notifications": 0}
    for n, invoice in enumerate(invoices):
        if n % 4 != 1:  # paid at the office, or not paid yet
            continue
        provider = PROVIDERS[counts["notifications"] % len(PROVIDERS)]
        first = invoice.installments.all()[0].amount
        amount = invoice.total if n % 3 == 1 else first
        kind = n // 4 % 10
        reference = {3: _slip(invoice.control_number), 5: student_reference(invoice.student_id),
                     8: ""}.get(kind, invoice.control_number)
        phone = (invoice.guardian.phone if invoice.guardian_id else "").lstrip("+") or "255700000000"
        paid_at = datetime.datetime.combine(min(invoice.issued_on + datetime.timedelta(days=3 + n % 50), today),
                                            datetime.time(9 + n % 9, n % 60), tzinfo=datetime.UTC)
        _notify(provider=provider, secret=secrets_by_provider[provider], txn=f"{provider.upper()[:3]}{26000 + n}",
                amount=f"{amount:.2f}", reference=reference, phone=phone,
                name=invoice.guardian.user.get_full_name() if invoice.guardian_id else "Mzazi", paid_at=paid_at)
        counts["notifications"] += 1
    return counts


def seed_bank_statement(*, invoices, actor, today: datetime.date) -> dict:
    """A CRDB statement for the term: lines repeating CRDB's notifications (already recorded), deposits
    quoting a control number, with a slip, or only a phone, and lines that are not fees at all."""
    from django.core.files.base import ContentFile

    from apps.finance.models import InvoiceInstallment, PaymentEvent
    from apps.finance.services_reconciliation import statement_reconcile
    from apps.finance.services_statements import statement_confirm, statement_upload
    from apps.finance.statement_formats import generate_csv
    from apps.ledger.charts import account_for

    crdb = account_for(purpose="bank", provider="crdb")
    lines = []
    for event in PaymentEvent.objects.filter(provider="crdb").order_by("paid_at")[:20]:
        lines.append((event.paid_at.date(), event.amount, f"SIMBANKING {event.reference} {event.payer_name}",
                      event.transaction_id))
    unpaid = [i for n, i in enumerate(invoices) if n % 4 == 3 and n % 6]
    for n, invoice in enumerate(unpaid[:40]):
        invoice.refresh_from_db()
        if not invoice.is_open:
            continue
        first = InvoiceInstallment.objects.filter(invoice=invoice).order_by("number").first().amount
        day = min(invoice.issued_on + datetime.timedelta(days=10 + n), today)
        name = invoice.student.last_name.upper()
        phone = invoice.guardian.phone if invoice.guardian_id else ""
        narrative = {0: f"CASH DEPOSIT SCHOOL FEES {invoice.control_number} {name}",
                     1: f"FEES CTRL NO {_slip(invoice.control_number)} {name}",
                     2: f"CASH DEPOSIT BY 0{phone[-9:]}" if phone else f"DEPOSIT {name}",
                     3: f"SCHOOL FEES {invoice.control_number[:4]} {invoice.control_number[4:8]} "
                        f"{invoice.control_number[8:]}"}[n % 4]
        lines.append((day, first, narrative, f"CRDB{day:%y%m%d}{n:04d}"))
    start = min(i.issued_on for i in invoices)
    lines += [(start + datetime.timedelta(days=9), Decimal("2500000.00"), "TRANSFER FROM UPENDO PARISH DONATION",
               "CRDBTRF0001"),
              (start + datetime.timedelta(days=30), Decimal("-38500.00"), "MONTHLY LEDGER FEE", "CRDBCHG0001"),
              (start + datetime.timedelta(days=33), Decimal("175000.00"), "DEPOSIT JUMA", "CRDBDEP0099")]
    lines.sort(key=lambda line: line[0])
    data = generate_csv(lines)
    statement = statement_upload(account=crdb, file=ContentFile(data, name=f"crdb-statement-{today:%Y%m%d}.csv"),
                                 actor=actor)
    statement = statement_confirm(statement=statement, actor=actor)
    summary = statement_reconcile(statement=statement, actor=actor)
    return {"statement_lines": len(lines), **{f"statement_{k}": v for k, v in summary.items()
                                              if isinstance(v, int)}}


def seed_finance_demo(*, admin, accountant=None, staff=None, not_guardians=(), today: datetime.date) -> dict:
    """Write the demo fees for the current term unless its invoices are there; returns what was done.
    `staff` (the demo teacher) becomes a guardian's staff user (see seed_staff_child)."""
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
        staff_child = seed_staff_child(admin=admin, bursar=bursar, staff=staff, starts_on=term.starts_on,
                                       not_guardians=not_guardians)
        outcome["staff_guardians"] = int(staff_child["guardian"] is not None)
        invoices = seed_invoices(term=term, actor=bursar, issued_on=issued_on)
        outcome["invoices"] = len(invoices)
        outcome["counter_payments"] = seed_counter_payments(invoices=invoices, actor=bursar, today=today)
        outcome.update(seed_provider_payments(invoices=invoices, secrets_by_provider=seed_channels(), today=today))
        outcome.update(seed_bank_statement(invoices=invoices, actor=bursar, today=today))
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
        outcome = seed_finance_demo(admin=admin, accountant=accountant, today=today or timezone.localdate(),
                                    staff=User.objects.filter(email__iexact=f"teacher@{slug}.school",
                                                              is_active=True).first(),
                                    not_guardians=User.objects.filter(email__iexact=f"parent@{slug}.school"))
    except Exception as error:  # noqa: BLE001  (the demo starts without its fees; say why)
        write(f"  {slug}: the demo fees could not be written: {error.__class__.__name__}: {error}")
        return {"failed": str(error)}
    if not outcome.get("skipped"):
        write(f"  {slug}: demo fees: " + ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in outcome.items()))
    return outcome
