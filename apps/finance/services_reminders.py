"""Fee reminders: one message per guardian naming each of his children who owes (balance, next due date,
control number), written to the communication outbox (a later change delivers it). Queueing twice on the
same day queues nothing new for a guardian already reminded that day."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.academics.models import SchoolClass, SchoolProfile, StudentGuardian, Term
from apps.audit.services import audit_record
from apps.communication.services import outbox_queue
from apps.finance.models import ZERO, Invoice, InvoiceInstallment
from apps.ledger.access import require_bookkeeper

KIND = "finance.fee_reminder"
OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)


def reminder_dedupe_key(*, guardian_id: int, day: datetime.date) -> str:
    return f"{KIND}:{guardian_id}:{day.isoformat()}"


def _clean(*, min_balance) -> Decimal:
    try:
        value = Decimal(str(min_balance if min_balance not in (None, "") else "0"))
    except ArithmeticError:
        raise ValidationError({"min_balance": _("Enter an amount.")}, code="bad_amount") from None
    if not value.is_finite() or value < 0:
        raise ValidationError({"min_balance": _("The minimum balance cannot be negative.")}, code="negative")
    return value


def _open_invoices(*, term: Term | None, school_class: SchoolClass | None, overdue_only: bool,
                   today: datetime.date):
    invoices = (Invoice.objects.filter(status__in=OPEN, sponsor__isnull=True)
                .annotate(next_due=Min("installments__due_on", filter=Q(installments__paid__lt=F("installments__amount"))))
                .select_related("student", "guardian__user")
                .order_by("student__first_name", "student__last_name", "due_on", "id"))
    if term is not None:
        invoices = invoices.filter(term=term)
    if school_class is not None:
        invoices = invoices.filter(Q(structure__school_class=school_class)
                                   | Q(structure__isnull=True, student__stream__school_class=school_class))
    if overdue_only:
        invoices = invoices.filter(pk__in=InvoiceInstallment.objects.filter(
            due_on__lt=today, paid__lt=F("amount")).values("invoice_id"))
    return invoices


def fee_reminder_targets(*, term: Term | None = None, school_class: SchoolClass | None = None,
                         min_balance=ZERO, overdue_only: bool = False, today: datetime.date | None = None) -> list[dict]:
    """Who would be reminded: [{"guardian", "invoices": [...]}], one per guardian (the invoice's payer, else
    the student's primary guardian), each invoice with a balance of at least `min_balance`. Three queries."""
    minimum = _clean(min_balance=min_balance)
    today = today or timezone.localdate()
    invoices = [invoice for invoice in _open_invoices(term=term, school_class=school_class, overdue_only=overdue_only,
                                                      today=today)
                if invoice.balance > 0 and invoice.balance >= minimum]
    without_payer = {invoice.student_id for invoice in invoices if invoice.guardian_id is None}
    primary = {}
    if without_payer:
        for link in (StudentGuardian.objects.select_related("guardian__user").filter(student_id__in=without_payer)
                     .order_by("student_id", "-is_primary", "id")):
            primary.setdefault(link.student_id, link.guardian)
    by_guardian, guardians = defaultdict(list), {}
    for invoice in invoices:
        guardian = invoice.guardian or primary.get(invoice.student_id)
        if guardian is None:
            continue
        guardians[guardian.pk] = guardian
        by_guardian[guardian.pk].append(invoice)
    return [{"guardian": guardians[pk], "invoices": by_guardian[pk]} for pk in by_guardian]


def _language(guardian) -> str:
    """The guardian's language when the school knows it, else the school's."""
    return getattr(guardian.user, "language", "") or settings.LANGUAGE_CODE


def _money(value: Decimal, currency: str) -> str:
    return f"{currency} {value:,.0f}" if value == value.to_integral_value() else f"{currency} {value:,.2f}"


def reminder_body(*, invoices: list[Invoice], school_name: str, currency: str) -> str:
    lines = [_("Fee reminder from %(school)s.") % {"school": school_name}]
    for invoice in invoices:
        due = invoice.next_due or invoice.due_on
        lines.append(_("%(child)s: balance %(amount)s, next due %(date)s, control number %(number)s.") % {
            "child": invoice.student.full_name, "amount": _money(invoice.balance, currency),
            "date": date_format(due, "j M Y"), "number": invoice.control_number})
    lines.append(_("Quote the control number when you pay. Thank you."))
    return "\n".join(lines)


def _school() -> tuple[str, str]:
    profile = SchoolProfile.objects.first()
    tenant = getattr(connection, "tenant", None)
    name = (profile.name if profile and profile.name else getattr(tenant, "name", "")) or _("the school")
    return name, getattr(tenant, "currency", "") or "TZS"


@transaction.atomic
def fee_reminders_queue(*, actor, term: Term | None = None, school_class: SchoolClass | None = None,
                        min_balance=ZERO, overdue_only: bool = False, today: datetime.date | None = None,
                        request=None) -> dict:
    """Queue one reminder per guardian whose children owe; returns the counts: guardians found, queued, already
    reminded today, without a phone; children and the balance they owe."""
    require_bookkeeper(actor)
    today = today or timezone.localdate()
    targets = fee_reminder_targets(term=term, school_class=school_class, min_balance=min_balance,
                                   overdue_only=overdue_only, today=today)
    school_name, currency = _school()
    counts = {"guardians": len(targets), "queued": 0, "already": 0, "no_phone": 0,
              "children": len({invoice.student_id for target in targets for invoice in target["invoices"]}),
              "balance": sum((invoice.balance for target in targets for invoice in target["invoices"]), ZERO)}
    for target in targets:
        guardian = target["guardian"]
        if not guardian.phone or not guardian.user.is_active:
            counts["no_phone"] += 1
            continue
        with translation.override(_language(guardian)):
            body = reminder_body(invoices=target["invoices"], school_name=school_name, currency=currency)
        message = outbox_queue(kind=KIND, recipient_user=guardian.user, to=guardian.phone, body=body,
                               object_type="academics.guardian", object_id=str(guardian.pk),
                               dedupe_key=reminder_dedupe_key(guardian_id=guardian.pk, day=today))
        counts["queued" if message is not None else "already"] += 1
    audit_record(action="finance.fee_reminders_queue", actor=actor, target=term, request=request,
                 detail={"term": getattr(term, "pk", None), "school_class": getattr(school_class, "pk", None),
                         "min_balance": str(_clean(min_balance=min_balance)), "overdue_only": overdue_only,
                         **{key: (str(value) if isinstance(value, Decimal) else value)
                            for key, value in counts.items()}})
    return counts
