"""Reading the reconciliation console for a bookkeeper: a page of a tab's lines and provider notifications
(suggested, unmatched, matched, set aside) with their open suggestions and payments, the count of each tab,
each imported account's bank-against-books summary, and the open invoices money can be assigned to.
Nobody else sees any of it."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, DateTimeField, F, Prefetch, Value
from django.db.models.functions import Cast, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.finance.models import Invoice, MatchSuggestion, Payment, PaymentEvent, Statement, StatementLine
from apps.finance.selectors_invoices import invoices_for_user
from apps.finance.services_payments import OPEN
from apps.finance.services_reconciliation import account_reconciliation_summary
from apps.ledger.access import get_for_bookkeeper, keeps_books
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
        return {"kind": "event", "row": f"event-{source.pk}", "source": source, "date": timezone.localdate(source.paid_at),
                "text": source.reference, "origin": source.get_provider_display(), "ref": source.transaction_id}
    return {"kind": "line", "row": f"line-{source.pk}", "source": source, "date": source.date, "text": source.narrative,
            "origin": source.statement.filename, "ref": source.bank_reference}


def reconciliation_item(*, user, source) -> dict | None:
    """One line's or event's row again, after a decision on it."""
    if not keeps_books(user):
        return None
    source = type(source).objects.prefetch_related(_suggestions(), _payments()).select_related(
        *(["statement", "payment_event"] if isinstance(source, StatementLine) else [])).get(pk=source.pk)
    return _item(source)


def _tab_keys(tab: str):
    """The tab's lines and events as one ordered list of (kind, pk) rows, so a page of it is cut in the
    database: waiting ones oldest first (by the day the money came), decided ones newest decision first."""
    line_statuses, event_statuses = TABS[tab]
    decided = tab in ("matched", "ignored")
    no_time = Cast(Value(None), DateTimeField())
    lines = StatementLine.objects.filter(status__in=line_statuses, amount__gt=0).annotate(
        kind=Value("line"), ident=F("pk"), day=F("date"), at=F("matched_at") if decided else no_time,
        number=F("line_number"))
    events = PaymentEvent.objects.filter(status__in=event_statuses).annotate(
        kind=Value("event"), ident=F("pk"), day=TruncDate("paid_at"), at=F("processed_at" if decided else "paid_at"),
        number=Value(0))
    columns = ("kind", "ident", "day", "at", "number")
    keys = lines.order_by().values_list(*columns).union(events.order_by().values_list(*columns), all=True)
    if decided:
        return keys.order_by(F("at").desc(nulls_last=True), F("day").desc(), "kind", F("ident").desc())
    return keys.order_by("day", "kind", "at", "number", "ident")


def reconciliation_page(*, user, tab: str, number=None) -> Page:
    """Page `number` of a tab: its items (as `_item`), with their suggestions and payments, in a fixed number
    of queries however many rows the tab holds."""
    if not keeps_books(user):
        return Paginator([], PAGE_SIZE).get_page(1)
    page = Paginator(_tab_keys(tab), PAGE_SIZE).get_page(number)
    keys = [(kind, pk) for kind, pk, *_ in page.object_list]
    wanted = {kind: [pk for k, pk in keys if k == kind] for kind in ("line", "event")}
    found = {("line", s.pk): s for s in StatementLine.objects.filter(pk__in=wanted["line"]).select_related(
        "statement", "payment_event").prefetch_related(_suggestions(), _payments())} if wanted["line"] else {}
    if wanted["event"]:
        found.update({("event", s.pk): s for s in PaymentEvent.objects.filter(pk__in=wanted["event"])
                      .prefetch_related(_suggestions(), _payments())})
    page.object_list = [_item(found[key]) for key in keys if key in found]
    return page


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


def assignable_invoices(*, user, search: str, limit: int = 8) -> list[Invoice]:
    """Open invoices whose student's name or admission number, or whose control number, holds `search` (two
    characters at least): what an accountant picks when assigning or splitting money by hand."""
    search = (search or "").strip()
    if len(search) < 2:
        return []
    return list(invoices_for_user(user=user, search=search).filter(status__in=OPEN)
                .order_by("student__last_name", "student__first_name", "issued_on", "pk")[:limit])


def assignable_invoice_get(*, user, pk: int) -> Invoice:
    """One open invoice the accountant picked from that list (404 if it is not theirs or no longer open)."""
    return get_object_or_404(invoices_for_user(user=user).filter(status__in=OPEN), pk=pk)


def reconciliation_summaries(*, user) -> list[dict]:
    if not keeps_books(user):
        return []
    today = timezone.localdate()
    accounts = Account.objects.filter(statements__status=Statement.Status.IMPORTED).distinct().order_by("code")
    return [account_reconciliation_summary(account=account, as_of=today) for account in accounts]


def statements_to_match(*, user, limit: int = 20):
    """The latest imported statements, newest first: what "Match now" can be run on."""
    if not keeps_books(user):
        return Statement.objects.none()
    return Statement.objects.filter(status=Statement.Status.IMPORTED).order_by("-imported_at", "-pk")[:limit]


def match_suggestions_for_user(*, user):
    """Match suggestions with their invoice, student and line or event (the API's list and one row)."""
    if not keeps_books(user):
        return MatchSuggestion.objects.none()
    return MatchSuggestion.objects.select_related("invoice__student", "line", "event")


def match_suggestion_get_for_user(*, user, pk) -> MatchSuggestion:
    return get_for_bookkeeper(MatchSuggestion.objects.select_related("invoice__student", "line", "event"), user=user,
                              pk=pk)
