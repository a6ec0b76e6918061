"""The bursar's fees overview: money collected (today, this week, this term), what the term invoiced and
what is still owed, by class, by age and by channel, and what waits for the accountant. A fixed number of
queries whatever the size of the school (each figure is one aggregate)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from apps.academics.models import Term
from apps.finance.models import ZERO, Channel, CreditNote, Invoice, InvoiceInstallment, Payment, PaymentEvent, StatementLine
from apps.ledger.access import keeps_books

OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)
RECENT = 10
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(expression, **filters):
    return Coalesce(Sum(expression, filter=Q(**filters) if filters else None), Value(ZERO), output_field=MONEY)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole as a percentage with one decimal; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def aging_buckets() -> list[tuple[str, str]]:
    """(key, label) of the aging buckets, in order."""
    return [("not_due", _("Not yet due")), ("d0_30", _("0–30 days")), ("d31_60", _("31–60 days")),
            ("d61_90", _("61–90 days")), ("d90", _("Over 90 days"))]


def _collected(*, term: Term | None, today: datetime.date) -> dict:
    week_start = today - datetime.timedelta(days=today.weekday())
    aggregates = {"today": _sum("amount", received_on=today),
                  "week": _sum("amount", received_on__gte=week_start, received_on__lte=today)}
    if term is not None:
        aggregates["term"] = _sum("amount", received_on__gte=term.starts_on, received_on__lte=term.ends_on)
    # reversed payments are not money collected: only posted ones count
    sums = Payment.objects.filter(status=Payment.Status.POSTED).aggregate(**aggregates)
    sums.setdefault("term", ZERO)
    sums["week_start"] = week_start
    return sums


def _term_invoices(term: Term | None):
    return Invoice.objects.none() if term is None else Invoice.objects.filter(term=term).exclude(
        status=Invoice.Status.VOID)


def _term_totals(term: Term | None) -> dict:
    sums = _term_invoices(term).aggregate(
        count=Count("id"), invoiced=_sum("total"), paid=_sum("paid"), credited=_sum("credited"),
        open_count=Count("id", filter=Q(status__in=OPEN)))
    sums["outstanding"] = sums["invoiced"] - sums["paid"] - sums["credited"]
    sums["collection_rate"] = percent(sums["paid"], sums["invoiced"] - sums["credited"])
    return sums


def _by_class(term: Term | None) -> list[dict]:
    """The term's invoices by class (the class of the fee structure, else the student's class)."""
    rows = (_term_invoices(term)
            .annotate(class_id=Coalesce("structure__school_class_id", "student__stream__school_class_id"),
                      class_name=Coalesce("structure__school_class__name", "student__stream__school_class__name"),
                      class_level=Coalesce("structure__school_class__level", "student__stream__school_class__level"))
            .values("class_id", "class_name", "class_level")
            .annotate(count=Count("id"), invoiced=_sum("total"), paid=_sum("paid"), credited=_sum("credited"))
            .order_by("class_level", "class_name"))
    result = []
    for row in rows:
        row["balance"] = row["invoiced"] - row["paid"] - row["credited"]
        row["rate"] = percent(row["paid"], row["invoiced"] - row["credited"])
        row["class_name"] = row["class_name"] or _("No class")
        result.append(row)
    return result


def _aging(today: datetime.date) -> list[dict]:
    """Unpaid instalments of every open invoice (all terms: a debt does not stop ageing when a term ends),
    by days past their due date."""
    unpaid = ExpressionWrapper(F("amount") - F("paid"), output_field=MONEY)
    day = datetime.timedelta
    ranges = {
        "not_due": Q(due_on__gt=today),
        "d0_30": Q(due_on__lte=today, due_on__gte=today - day(days=30)),
        "d31_60": Q(due_on__lt=today - day(days=30), due_on__gte=today - day(days=60)),
        "d61_90": Q(due_on__lt=today - day(days=60), due_on__gte=today - day(days=90)),
        "d90": Q(due_on__lt=today - day(days=90)),
    }
    aggregates = {}
    for key, condition in ranges.items():
        aggregates[f"{key}_amount"] = Coalesce(Sum(unpaid, filter=condition), Value(ZERO), output_field=MONEY)
        aggregates[f"{key}_count"] = Count("id", filter=condition)
    sums = (InvoiceInstallment.objects.filter(invoice__status__in=OPEN, paid__lt=F("amount"))
            .aggregate(**aggregates))
    return [{"key": key, "label": label, "amount": sums[f"{key}_amount"], "count": sums[f"{key}_count"]}
            for key, label in aging_buckets()]


def _by_channel(term: Term | None) -> list[dict]:
    if term is None:
        return []
    rows = list(Payment.objects.filter(status=Payment.Status.POSTED, received_on__gte=term.starts_on,
                                       received_on__lte=term.ends_on)
                .values("channel").annotate(amount=Sum("amount"), count=Count("id")).order_by("-amount", "channel"))
    total = sum((row["amount"] for row in rows), ZERO)
    labels = dict(Channel.choices)
    for row in rows:
        row["label"] = labels.get(row["channel"], row["channel"])
        row["share"] = percent(row["amount"], total)
    return rows


def _waiting() -> dict:
    """What waits for the accountant: statement lines and provider payments not yet matched to an invoice,
    write-offs waiting for a school admin's approval."""
    lines = StatementLine.objects.filter(status__in=[StatementLine.Status.UNMATCHED, StatementLine.Status.SUGGESTED])
    events = PaymentEvent.objects.filter(status__in=[PaymentEvent.Status.NEW, PaymentEvent.Status.SUGGESTED,
                                                     PaymentEvent.Status.UNMATCHED])
    write_offs = CreditNote.objects.filter(kind=CreditNote.Kind.WRITE_OFF, status=CreditNote.Status.PENDING)
    return {"lines": lines.count(), "events": events.count(), "write_offs": write_offs.count()}


def fees_dashboard(*, user, term: Term | None, today: datetime.date) -> dict:
    """Every figure of the fees overview for `term` (None: the figures that need no term) as of `today`."""
    if not keeps_books(user):
        raise PermissionDenied
    totals = _term_totals(term)
    recent = list(Payment.objects.select_related("student__stream__school_class")
                  .order_by("-received_on", "-id")[:RECENT])
    return {"term": term, "today": today, "collected": _collected(term=term, today=today), "totals": totals,
            "by_class": _by_class(term), "aging": _aging(today), "by_channel": _by_channel(term),
            "recent": recent, "waiting": _waiting()}


def chart_rows(rows: list[dict], label: str, value: str) -> list[list]:
    """[[label, number], ...] for the charts (a float is fine for drawing; the tables carry the exact sums)."""
    return [[str(row[label]), float(row[value])] for row in rows]
