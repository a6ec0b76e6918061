"""Reading payments for bookkeepers (a filtered list with what it shows joined in, its totals, one payment
with its allocations) and what students owe: `student_balances`, the one place a balance is computed
(the payment pages, the dashboard, the parent portal and the API read it)."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, F, Q, QuerySet, Sum

from apps.academics.models import Student
from apps.finance.models import ZERO, Invoice, Payment
from apps.ledger.access import get_for_bookkeeper, keeps_books


def payments_for_user(*, user, search: str = "", channel: str = "", date_from: datetime.date | None = None,
                      date_to: datetime.date | None = None, student: Student | None = None,
                      status: str = "") -> QuerySet[Payment]:
    """Payments newest first; `search` matches the student's names or admission number, the receipt number,
    the reference or the payer's name or phone."""
    if not keeps_books(user):
        return Payment.objects.none()
    payments = Payment.objects.select_related("student__stream__school_class", "account", "guardian__user",
                                              "sponsor")
    if channel:
        payments = payments.filter(channel=channel)
    if date_from is not None:
        payments = payments.filter(received_on__gte=date_from)
    if date_to is not None:
        payments = payments.filter(received_on__lte=date_to)
    if student is not None:
        payments = payments.filter(student=student)
    if status:
        payments = payments.filter(status=status)
    search = (search or "").strip()
    if search:
        payments = payments.filter(
            Q(student__first_name__icontains=search) | Q(student__last_name__icontains=search) |
            Q(student__middle_name__icontains=search) | Q(student__admission_number__icontains=search) |
            Q(receipt_number__icontains=search) | Q(reference__icontains=search) |
            Q(payer_name__icontains=search) | Q(payer_phone__icontains=search.replace(" ", "")))
    return payments.order_by("-received_on", "-id")


def payments_totals(payments: QuerySet[Payment]) -> dict:
    """Count and sums of a list: received (posted payments), allocated, credit left, and reversed ones."""
    posted = Q(status=Payment.Status.POSTED)
    sums = payments.order_by().aggregate(
        n=Count("id"), n_posted=Count("id", filter=posted), n_reversed=Count("id", filter=~posted),
        received=Sum("amount", filter=posted), on_invoices=Sum("allocated", filter=posted),
        left=Sum(F("amount") - F("allocated") - F("refunded"), filter=posted))
    return {"count": sums["n"], "posted": sums["n_posted"], "reversed": sums["n_reversed"],
            "total": sums["received"] or ZERO, "allocated": sums["on_invoices"] or ZERO, "credit": sums["left"] or ZERO}


def payment_get_for_user(*, user, pk) -> Payment:
    return get_for_bookkeeper(
        Payment.objects.select_related("student__stream__school_class", "account", "guardian__user", "sponsor",
                                       "entry", "reversal_entry", "created_by", "reversed_by")
        .prefetch_related("allocations__invoice", "allocations__installment"), user=user, pk=pk)


def student_balances(students: Iterable) -> dict[int, dict]:
    """{student_id: {"invoiced", "paid", "credited", "credit", "balance"}} for students (or their ids), in two
    queries whatever their number:

    invoiced  the total of the student's invoices that are not void
    paid      money received for the student: posted payments, less what was refunded
    credited  credit notes and approved write-offs on the invoices
    credit    the part of `paid` not (yet) on an invoice: carried to the next invoice
    balance   what is still owed: invoiced - paid - credited (negative: the school holds credit)
    """
    ids = [getattr(s, "pk", s) for s in students]
    result = {pk: {"invoiced": ZERO, "paid": ZERO, "credited": ZERO, "credit": ZERO, "balance": ZERO} for pk in ids}
    if not ids:
        return result
    for row in (Invoice.objects.filter(student_id__in=ids).exclude(status=Invoice.Status.VOID)
                .values("student_id").order_by().annotate(invoiced=Sum("total"), credited=Sum("credited"))):
        result[row["student_id"]].update(invoiced=row["invoiced"] or ZERO, credited=row["credited"] or ZERO)
    for row in (Payment.objects.filter(student_id__in=ids, status=Payment.Status.POSTED)
                .values("student_id").order_by()
                .annotate(paid=Sum(F("amount") - F("refunded")), credit=Sum(F("amount") - F("allocated") - F("refunded")))):
        result[row["student_id"]].update(paid=row["paid"] or ZERO, credit=row["credit"] or ZERO)
    for row in result.values():
        row["balance"] = row["invoiced"] - row["paid"] - row["credited"]
    return result


def student_open_invoices(student) -> QuerySet[Invoice]:
    """The student's invoices still to be paid, oldest first (the order a payment settles them)."""
    return (Invoice.objects.filter(student=student, status__in=(Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID))
            .select_related("term__year").order_by("issued_on", "id"))


def students_matching(search: str, *, limit: int = 10) -> list[Student]:
    """Students whose name or admission number contains `search` (for picking the payer's child)."""
    search = (search or "").strip()
    if len(search) < 2:
        return []
    return list(Student.objects.filter(
        Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(middle_name__icontains=search) |
        Q(admission_number__icontains=search)).select_related("stream__school_class")
        .order_by("last_name", "first_name", "id")[:limit])


def student_for_payment(*, user, pk) -> Student | None:
    """The student a payment is being entered for, from an id in the request (None when it names none)."""
    if not keeps_books(user) or not str(pk or "").isdigit():
        return None
    return Student.objects.select_related("stream__school_class").filter(pk=int(pk)).first()


def invoice_for_payment(*, user, pk) -> Invoice | None:
    """The invoice a payment is being entered from, from an id in the request (None when it names none)."""
    if not keeps_books(user) or not str(pk or "").isdigit():
        return None
    return Invoice.objects.select_related("student__stream__school_class", "guardian__user").filter(pk=int(pk)).first()
