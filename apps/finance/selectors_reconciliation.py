"""Reading the reconciliation console for a bookkeeper: the lines and provider notifications of a tab
(suggested, unmatched, matched, set aside) with their open suggestions and payments, the count of each tab,
and each imported account's bank-against-books summary. Nobody else sees any of it."""

from django.db.models import Count, Prefetch
from django.utils import timezone

from apps.finance.models import MatchSuggestion, Payment, PaymentEvent, Statement, StatementLine
from apps.finance.services_reconciliation import account_reconciliation_summary
from apps.ledger.access import keeps_books
from apps.ledger.models import Account

PAGE_SIZE = 50
L, E = StatementLine.Status, PaymentEvent.Status
TABS = {
    "suggested": ([L.SUGGESTED], [E.SUGGESTED]),
    "unmatched": ([L.UNMATCHED], [E.NEW, E.UNMATCHED]),
    "matched": ([L.MATCHED, L.RECORDED], [E.MATCHED]),
    "ignored": ([L.IGNORED], [E.IGNORED]),
}


def _suggestions():
    return Prefetch("suggestions", to_attr="open_suggestions", queryset=MatchSuggestion.objects.filter(
        status=MatchSuggestion.Status.OPEN).select_related("invoice__student__stream__school_class"))


def _payments():
    return Prefetch("payments", to_attr="posted_payments", queryset=Payment.objects.filter(
        status=Payment.Status.POSTED).select_related("student").order_by("pk"))


def _item(source) -> dict:
    if isinstance(source, PaymentEvent):
        return {"kind": "event", "source": source, "date": timezone.localdate(source.paid_at),
                "text": source.reference, "origin": source.get_provider_display(), "ref": source.transaction_id}
    return {"kind": "line", "source": source, "date": source.date, "text": source.narrative,
            "origin": source.statement.filename, "ref": source.bank_reference}


def reconciliation_item(*, user, source) -> dict | None:
    """One line's or event's row again, after a decision on it."""
    if not keeps_books(user):
        return None
    source = type(source).objects.prefetch_related(_suggestions(), _payments()).select_related(
        *(["statement", "payment_event"] if isinstance(source, StatementLine) else [])).get(pk=source.pk)
    return _item(source)


def reconciliation_items(*, user, tab: str) -> list[dict]:
    if not keeps_books(user):
        return []
    line_statuses, event_statuses = TABS[tab]
    newest = tab in ("matched", "ignored")
    lines = (StatementLine.objects.filter(status__in=line_statuses, amount__gt=0)
             .select_related("statement", "payment_event").prefetch_related(_suggestions(), _payments())
             .order_by(*(["-matched_at", "-pk"] if newest else ["date", "line_number", "pk"]))[:PAGE_SIZE])
    events = (PaymentEvent.objects.filter(status__in=event_statuses).prefetch_related(_suggestions(), _payments())
              .order_by(*(["-processed_at", "-pk"] if newest else ["paid_at", "pk"]))[:PAGE_SIZE])
    items = [_item(s) for s in lines] + [_item(s) for s in events]
    items.sort(key=lambda i: i["date"], reverse=newest)
    return items


def reconciliation_counts(*, user) -> dict:
    counts = dict.fromkeys(TABS, 0)
    if not keeps_books(user):
        return counts
    for model, index in ((StatementLine, 0), (PaymentEvent, 1)):
        rows = model.objects.all()
        if model is StatementLine:
            rows = rows.filter(amount__gt=0)
        by_status = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
        for tab, statuses in TABS.items():
            counts[tab] += sum(by_status.get(s, 0) for s in statuses[index])
    return counts


def reconciliation_summaries(*, user) -> list[dict]:
    if not keeps_books(user):
        return []
    today = timezone.localdate()
    accounts = Account.objects.filter(statements__status=Statement.Status.IMPORTED).distinct().order_by("code")
    return [account_reconciliation_summary(account=account, as_of=today) for account in accounts]
