"""Reading invoices for bookkeepers: a filtered list with what it shows joined in, its totals, one invoice
with its lines and instalments, and the students of a class an invoice run would cover."""

from django.db.models import Count, Q, QuerySet, Sum

from apps.academics.models import SchoolClass, Student, Term
from apps.finance.models import ZERO, Invoice
from apps.ledger.access import get_for_bookkeeper, keeps_books


def invoices_for_user(*, user, term: Term | None = None, school_class: SchoolClass | None = None,
                      status: str = "", student: Student | None = None, search: str = "") -> QuerySet[Invoice]:
    """Invoices newest first; `search` matches the student's names, admission number or the control number."""
    if not keeps_books(user):
        return Invoice.objects.none()
    invoices = Invoice.objects.select_related("student__stream__school_class", "term__year", "guardian__user")
    if term is not None:
        invoices = invoices.filter(term=term)
    if school_class is not None:
        invoices = invoices.filter(structure__school_class=school_class)
    if status:
        invoices = invoices.filter(status=status)
    if student is not None:
        invoices = invoices.filter(student=student)
    search = (search or "").strip()
    if search:
        digits = search.replace(" ", "")
        invoices = invoices.filter(
            Q(student__first_name__icontains=search) | Q(student__last_name__icontains=search) |
            Q(student__middle_name__icontains=search) | Q(student__admission_number__icontains=search) |
            Q(control_number__contains=digits))
    return invoices.order_by("-issued_on", "-id")


def invoice_totals(invoices: QuerySet[Invoice]) -> dict:
    """Count and sum of a list, and of its live (not void) invoices."""
    sums = invoices.order_by().aggregate(
        count=Count("id"), live=Count("id", filter=~Q(status=Invoice.Status.VOID)),
        total=Sum("total", filter=~Q(status=Invoice.Status.VOID)))
    return {"count": sums["count"], "live": sums["live"], "total": sums["total"] or ZERO}


def invoice_get_for_user(*, user, pk) -> Invoice:
    return get_for_bookkeeper(
        Invoice.objects.select_related("student__stream__school_class", "term__year", "guardian__user",
                                       "structure__school_class",
                                       "issue_entry", "void_entry", "created_by", "voided_by")
        .prefetch_related("lines__category", "installments"), user=user, pk=pk)


def class_students(school_class: SchoolClass) -> QuerySet[Student]:
    """Every student in a stream of the class (active or not: an invoice run reports who it skipped)."""
    return (Student.objects.filter(stream__school_class=school_class).select_related("stream__school_class")
            .order_by("last_name", "first_name", "id"))
