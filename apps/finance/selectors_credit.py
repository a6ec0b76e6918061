"""Reading credit notes, write-offs and refunds for bookkeepers: lists (pending write-offs first) and one
row, with what the pages show joined in; 404 for anyone else or another school's id."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from apps.academics.models import Guardian, Student
from apps.finance.models import CreditNote, Refund
from apps.ledger.access import get_for_bookkeeper, keeps_books


def credit_notes_for_user(*, user, kind: str = "", status: str = "", invoice=None) -> QuerySet[CreditNote]:
    if not keeps_books(user):
        return CreditNote.objects.none()
    notes = CreditNote.objects.select_related("invoice__student", "category", "requested_by", "decided_by", "entry")
    if kind:
        notes = notes.filter(kind=kind)
    if status:
        notes = notes.filter(status=status)
    if invoice is not None:
        notes = notes.filter(invoice=invoice)
    waiting = Case(When(status=CreditNote.Status.PENDING, then=Value(0)), default=Value(1),
                   output_field=IntegerField())
    return notes.annotate(waiting=waiting).order_by("waiting", "-requested_at", "-id")


def credit_note_get_for_user(*, user, pk) -> CreditNote:
    return get_for_bookkeeper(CreditNote.objects.select_related(
        "invoice__student", "invoice__term__year", "category", "requested_by", "decided_by", "entry"), user=user, pk=pk)


def refunds_for_user(*, user, student: Student | None = None) -> QuerySet[Refund]:
    if not keeps_books(user):
        return Refund.objects.none()
    refunds = Refund.objects.select_related("student", "account", "created_by", "entry")
    if student is not None:
        refunds = refunds.filter(student=student)
    return refunds.order_by("-paid_on", "-id")


def refund_get_for_user(*, user, pk) -> Refund:
    return get_for_bookkeeper(Refund.objects.select_related("student", "account", "created_by", "entry"),
                              user=user, pk=pk)


def student_get_for_user(*, user, pk) -> Student:
    return get_for_bookkeeper(Student.objects.select_related("stream__school_class"), user=user, pk=pk)


def guardian_get_for_user(*, user, pk) -> Guardian:
    return get_for_bookkeeper(Guardian.objects.select_related("user"), user=user, pk=pk)
