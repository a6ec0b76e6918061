"""Reconciliation: turning what providers and banks report (payment events, statement lines) into
payments. Sure matches (a valid control number of an open invoice, a student's permanent reference, a
number in a narrative) are recorded at once; less sure ones become suggestions the accountant confirms;
the rest wait to be assigned by hand, split across siblings, or set aside as not a fee payment. Every
decision can be undone (the payments are reversed and the line or event waits again).

A statement is reconciled set-based: every line's text is read in Python in one pass and the references
of all lines are resolved with one query per rule (apps.finance.matching); only recording a payment is
per line."""

import datetime
import logging
import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Student
from apps.audit.services import audit_record
from apps.core.bulk import rows_update
from apps.finance import matching
from apps.finance.models import (
    ZERO, Channel, Invoice, MatchSuggestion, Payment, PaymentEvent, Statement, StatementLine,
)
from apps.finance.services_payments import Received, payment_record, payment_reverse, payments_record_many
from apps.ledger.models import Account
from apps.ledger.services import amount as money_amount

logger = logging.getLogger(__name__)

Rule = MatchSuggestion.Rule
EventStatus = PaymentEvent.Status
LineStatus = StatementLine.Status
BATCH = 2000  # lines read and resolved together
RECORD_BATCH = 1000  # sure matches recorded in one transaction


# --- helpers ---------------------------------------------------------------------------------------------

def _invoice(pk: int | None) -> Invoice | None:
    return None if pk is None else Invoice.objects.select_related("sponsor").get(pk=pk)


def _line_channel(line: StatementLine) -> str:
    """The channel a statement line's money came through: its account's provider (crdb, nmb, mpesa...),
    else a bank deposit."""
    provider = getattr(line.account, "provider", "") or ""
    return provider if provider in Channel.values and provider not in (Channel.CASH, Channel.CHEQUE) \
        else Channel.BANK_SLIP


def _record(*, source, student_id: int, invoice: Invoice | None, amount: Decimal, rule: str,
            confidence: int | None, actor, request=None) -> Payment:
    """One payment from an event or a statement line (the rest of the money goes as payment_record
    decides: the student's other open invoices, then credit)."""
    sponsor = invoice.sponsor if invoice is not None else None
    student = Student(pk=student_id)
    if isinstance(source, PaymentEvent):
        return payment_record(
            student=student, amount=amount, channel=source.provider, account=source.account, invoice=invoice,
            reference=source.transaction_id, payer_name=source.payer_name, payer_phone=source.payer_phone,
            received_on=timezone.localdate(source.paid_at), event=source, match_rule=rule, confidence=confidence,
            sponsor=sponsor, actor=actor, request=request)
    return payment_record(
        student=student, amount=amount, channel=_line_channel(source), account=source.account, invoice=invoice,
        reference=(source.bank_reference or source.dedupe_key)[:80], payer_name=source.payer_name,
        payer_phone=matching.phone_e164(source.payer_phone) if source.payer_phone else "",
        received_on=min(source.date, timezone.localdate()), statement_line=source, match_rule=rule,
        confidence=confidence, sponsor=sponsor, actor=actor, request=request)


def _mark(source, *, status: str, rule: str = "", confidence: int | None = None, actor=None) -> None:
    now = timezone.now()
    source.status, source.match_rule, source.confidence = status, rule[:30], confidence
    if isinstance(source, PaymentEvent):
        source.processed_at = now
        source.save(update_fields=["status", "match_rule", "confidence", "processed_at"])
    else:
        source.matched_by = actor if getattr(actor, "pk", None) else None
        source.matched_at = now if status in (LineStatus.MATCHED, LineStatus.RECORDED, LineStatus.IGNORED) else None
        source.save(update_fields=["status", "match_rule", "confidence", "matched_by", "matched_at",
                                   "payment_event"])


def _suggest(source, found: list[matching.Candidate]) -> list[MatchSuggestion]:
    """Open suggestions for a line or event, one per target not already suggested."""
    key = {"event": source} if isinstance(source, PaymentEvent) else {"line": source}
    known = set(MatchSuggestion.objects.filter(status=MatchSuggestion.Status.OPEN, **key)
                .values_list("invoice_id", flat=True))
    rows = [MatchSuggestion(invoice_id=c.invoice_id, amount=source.amount, rule=c.rule, confidence=c.confidence, **key)
            for c in found if c.invoice_id is not None and c.invoice_id not in known]
    return MatchSuggestion.objects.bulk_create(rows)


def _item_for_event(event: PaymentEvent) -> matching.Item:
    return matching.Item(key=event.pk, amount=event.amount, reference=event.reference, phone=event.payer_phone)


def _item_for_line(line: StatementLine) -> matching.Item:
    # a narrative that is nothing but the number counts as the number typed in a reference field
    return matching.Item(key=line.pk, amount=line.amount, reference=line.narrative, narrative=line.bank_reference,
                         phone=line.payer_phone)


# --- payment events (from webhooks) ----------------------------------------------------------------------

@transaction.atomic
def event_reconcile(*, event: PaymentEvent, actor=None) -> PaymentEvent:
    """Match one provider event: record the payment when the match is sure, suggest when it is not,
    leave it unmatched when nothing fits. Runs once per event however often it is called (the event row
    is locked; a matched or ignored event is returned as it is)."""
    event = PaymentEvent.objects.select_for_update().select_related("account").get(pk=event.pk)
    if event.status in (EventStatus.MATCHED, EventStatus.IGNORED):
        return event
    if event.payments.filter(status=Payment.Status.POSTED).exists():
        _mark(event, status=EventStatus.MATCHED, rule=event.match_rule, confidence=event.confidence)
        return event
    item = _item_for_event(event)
    found = matching.match_items([item])[event.pk]
    # a match someone undid is not made again by the machine: it waits for a person
    best = None if event.payments.exists() else matching.sure(found)
    if best is not None:
        _record(source=event, student_id=best.student_id, invoice=_invoice(best.invoice_id), amount=event.amount,
                rule=best.rule, confidence=best.confidence, actor=actor)
        _mark(event, status=EventStatus.MATCHED, rule=best.rule, confidence=best.confidence)
    elif found:
        _suggest(event, found)
        _mark(event, status=EventStatus.SUGGESTED, rule=found[0].rule, confidence=found[0].confidence)
    else:
        _mark(event, status=EventStatus.UNMATCHED)
    audit_record(action="finance.event_reconcile", actor=actor, target=event, detail={
        "status": event.status, "rule": event.match_rule, "confidence": event.confidence,
        "suggestions": len(found) if best is None else 0})
    return event


# --- statements (set-based) ------------------------------------------------------------------------------

def _repeats(lines: list[StatementLine], items: dict) -> dict[int, PaymentEvent]:
    """line id -> the provider event it repeats: the same transaction id as the line's bank reference
    (same account), or the same account, amount, day and control number. Two queries for all lines."""
    if not lines:
        return {}
    accounts = {line.account_id for line in lines}
    refs = {line.bank_reference for line in lines if line.bank_reference}
    first, last = min(line.date for line in lines), max(line.date for line in lines)
    taken = StatementLine.objects.filter(payment_event=OuterRef("pk"))
    events = list(PaymentEvent.objects.filter(account_id__in=accounts).exclude(status=EventStatus.IGNORED)
                  .filter(Q(transaction_id__in=refs) | Q(paid_at__date__gte=first - datetime.timedelta(days=1),
                                                          paid_at__date__lte=last + datetime.timedelta(days=1)))
                  .annotate(taken=Exists(taken)).filter(taken=False)
                  .only("pk", "account_id", "transaction_id", "amount", "reference", "paid_at", "status"))
    by_txn = {(e.account_id, e.transaction_id): e for e in events}
    by_details = {}
    for event in events:
        reference = matching.reference_normalise(event.reference)
        by_details[(event.account_id, event.amount, timezone.localdate(event.paid_at), reference)] = event
    used, out = set(), {}
    for line in lines:
        event = by_txn.get((line.account_id, line.bank_reference)) if line.bank_reference else None
        if event is None:
            item = items[line.pk]
            for number in item.exact + item.found + item.misses:
                event = by_details.get((line.account_id, line.amount, line.date, number))
                if event is not None:
                    break
        if event is not None and event.pk not in used:
            used.add(event.pk)
            out[line.pk] = event
    return out


def statement_reconcile(*, statement: Statement | None = None, actor=None, progress=None) -> dict:
    """Match every unmatched line of money in (of one statement, or of all): lines repeating a provider
    event become "already recorded" (no second payment), sure matches are recorded as payments, less
    sure ones get suggestions, the rest stay unmatched. Reading and resolving the lines is a handful of
    queries whatever their number; recording a payment is one short transaction per line, so a failure
    on one line (recorded as a suggestion instead) does not undo the others. Returns the counts."""
    started = time.perf_counter()
    lines_qs = StatementLine.objects.filter(status=LineStatus.UNMATCHED, amount__gt=0)
    if statement is not None:
        lines_qs = lines_qs.filter(statement=statement)
    # only what matching reads, and the few accounts once rather than joined to every line
    lines = list(lines_qs.annotate(undone=Exists(Payment.objects.filter(statement_line=OuterRef("pk"))))
                 .only("statement_id", "account_id", "line_number", "date", "amount", "narrative", "bank_reference",
                       "payer_name", "payer_phone", "dedupe_key", "status", "payment_event_id")
                 .order_by("date", "line_number", "pk"))
    accounts = Account.objects.in_bulk({line.account_id for line in lines})
    for line in lines:
        line.account = accounts[line.account_id]
    summary = {"lines": len(lines), "recorded": 0, "matched": 0, "suggested": 0, "unmatched": 0, "failed": 0,
               "payments": 0, "amount_matched": ZERO}
    if progress is not None:
        progress.set_total(len(lines))
    if not lines:
        return _summary_done(summary, statement, actor)
    items = {line.pk: _item_for_line(line) for line in lines}
    found = matching.match_items(list(items.values()))
    repeats = _repeats(lines, items)
    summary["seconds_matching"] = round(time.perf_counter() - started, 3)
    started = time.perf_counter()
    now = timezone.now()
    matcher = actor if getattr(actor, "pk", None) else None

    # 1. lines repeating an event: one update
    repeated = []
    for line in lines:
        event = repeats.get(line.pk)
        if event is not None:
            line.status, line.payment_event, line.matched_at, line.matched_by = LineStatus.RECORDED, event, now, matcher
            line.match_rule, line.confidence = "event", 100
            repeated.append(line)
    with transaction.atomic():
        rows_update(StatementLine, repeated, ["status", "payment_event", "matched_at", "matched_by", "match_rule",
                                              "confidence"])
    summary["recorded"] = len(repeated)

    # 2. sure matches: recorded in batches; 3. the rest: suggestions, written together
    to_suggest: list[tuple[StatementLine, list]] = []
    sure: list[tuple[StatementLine, matching.Candidate]] = []
    for line in lines:
        if line.pk in repeats:
            continue
        candidates = found[line.pk]
        best = None if line.undone else matching.sure(candidates)
        if best is not None:
            sure.append((line, best))
        elif candidates:
            to_suggest.append((line, candidates))
        else:
            summary["unmatched"] += 1
    done = len(lines) - len(sure)
    if progress is not None:
        progress.step(_("%(done)s of %(total)s lines") % {"done": done, "total": len(lines)}, amount=done)
    for start in range(0, len(sure), RECORD_BATCH):
        batch = sure[start:start + RECORD_BATCH]
        recorded, failed = _lines_record(batch, statement=statement, actor=actor, now=now, matcher=matcher)
        for line, _best in batch:
            if line.pk in recorded:
                summary["matched"] += 1
                summary["payments"] += 1
                summary["amount_matched"] += line.amount
            elif line.pk in failed:
                summary["failed"] += 1
                to_suggest.append((line, found[line.pk]))
        if progress is not None:
            progress.step(_("%(done)s of %(total)s lines") % {"done": done + start + len(batch), "total": len(lines)},
                          amount=len(batch))
    with transaction.atomic():
        rows = [MatchSuggestion(line=line, invoice_id=c.invoice_id, amount=line.amount, rule=c.rule,
                                confidence=c.confidence)
                for line, candidates in to_suggest for c in candidates if c.invoice_id is not None]
        MatchSuggestion.objects.bulk_create(rows, batch_size=2000)
        by_best: dict[tuple, list[int]] = {}
        for line, candidates in to_suggest:
            by_best.setdefault((candidates[0].rule, candidates[0].confidence), []).append(line.pk)
        for (rule, confidence), pks in by_best.items():
            StatementLine.objects.filter(pk__in=pks, status=LineStatus.UNMATCHED).update(
                status=LineStatus.SUGGESTED, match_rule=rule, confidence=confidence)
    summary["suggested"] = len(to_suggest)
    summary["seconds_writing"] = round(time.perf_counter() - started, 3)
    return _summary_done(summary, statement, actor)


def _received_for_line(line: StatementLine, best: matching.Candidate, sponsors: dict) -> Received:
    return Received(
        student_id=best.student_id, amount=line.amount, channel=_line_channel(line), account=line.account,
        received_on=min(line.date, timezone.localdate()), invoice_id=best.invoice_id,
        sponsor_id=sponsors.get(best.invoice_id), reference=(line.bank_reference or line.dedupe_key)[:80],
        payer_name=line.payer_name, payer_phone=matching.phone_e164(line.payer_phone) if line.payer_phone else "",
        statement_line_id=line.pk, match_rule=best.rule, confidence=best.confidence)


def _lines_record(batch: list[tuple[StatementLine, matching.Candidate]], *, statement, actor, now,
                  matcher) -> tuple[set[int], set[int]]:
    """Record a batch of sure matches in one transaction (payments_record_many). When the batch is
    refused (a closed month, an invoice changed meanwhile...), each line is tried alone so that one bad
    line does not hold back the others; a refused line is kept for a person. Returns the ids of the
    lines recorded and of those refused (a line matched meanwhile by someone else is in neither)."""
    recorded, failed = set(), set()
    sponsors = dict(Invoice.objects.filter(pk__in={best.invoice_id for _line, best in batch}, sponsor__isnull=False)
                    .values_list("pk", "sponsor_id"))
    try:
        with transaction.atomic():
            still_open = set(StatementLine.objects.select_for_update().filter(
                pk__in=[line.pk for line, _best in batch], status=LineStatus.UNMATCHED).values_list("pk", flat=True))
            todo = [(line, best) for line, best in batch if line.pk in still_open]
            payments_record_many([_received_for_line(line, best, sponsors) for line, best in todo], actor=actor,
                                 target=statement)
            by_rule: dict[tuple, list[int]] = {}
            for line, best in todo:
                by_rule.setdefault((best.rule, best.confidence), []).append(line.pk)
            for (rule, confidence), pks in by_rule.items():
                StatementLine.objects.filter(pk__in=pks).update(
                    status=LineStatus.MATCHED, match_rule=rule, confidence=confidence, matched_by=matcher,
                    matched_at=now)
            return still_open, failed
    except (ValidationError, IntegrityError) as error:
        logger.info("statement batch recorded line by line", extra={"lines": len(batch), "error": str(error)})
    for line, best in batch:
        try:
            with transaction.atomic():
                if not StatementLine.objects.select_for_update().filter(pk=line.pk, status=LineStatus.UNMATCHED)\
                        .exists():
                    continue
                _record(source=line, student_id=best.student_id, invoice=_invoice(best.invoice_id),
                        amount=line.amount, rule=best.rule, confidence=best.confidence, actor=actor)
                _mark(line, status=LineStatus.MATCHED, rule=best.rule, confidence=best.confidence, actor=actor)
            recorded.add(line.pk)
        except (ValidationError, IntegrityError) as error:
            logger.warning("statement line not recorded", extra={"line": line.pk, "error": str(error)})
            failed.add(line.pk)
    return recorded, failed


def _summary_done(summary: dict, statement, actor) -> dict:
    summary["amount_matched"] = str(summary["amount_matched"])
    audit_record(action="finance.statement_reconcile", actor=actor, target=statement, detail=summary)
    return summary


def events_reconcile_open(*, actor=None) -> dict:
    """Try again the provider events still waiting (new or unmatched): a control number may have been
    issued since. Each in its own transaction."""
    counts = {"events": 0, "matched": 0, "suggested": 0, "unmatched": 0}
    for pk in PaymentEvent.objects.filter(status__in=[EventStatus.NEW, EventStatus.UNMATCHED]).order_by("pk")\
            .values_list("pk", flat=True):
        event = event_reconcile(event=PaymentEvent(pk=pk), actor=actor)
        counts["events"] += 1
        counts[event.status] = counts.get(event.status, 0) + 1
    return counts


# --- the accountant's decisions ----------------------------------------------------------------------------

def _source_locked(*, line=None, event=None):
    if (line is None) == (event is None):
        raise ValidationError(_("Name one statement line or one payment event."), code="no_source")
    if line is not None:
        return StatementLine.objects.select_for_update().select_related("account").get(pk=line.pk)
    return PaymentEvent.objects.select_for_update().select_related("account").get(pk=event.pk)


def _open_statuses(source) -> tuple:
    if isinstance(source, PaymentEvent):
        return (EventStatus.NEW, EventStatus.SUGGESTED, EventStatus.UNMATCHED)
    return (LineStatus.UNMATCHED, LineStatus.SUGGESTED)


def _require_open(source) -> None:
    if source.status not in _open_statuses(source):
        raise ValidationError(_("This payment is already dealt with (%(status)s).") % {
            "status": source.get_status_display()}, code="not_open")


def _close_suggestions(source, *, status: str, actor, keep=None) -> None:
    key = {"event": source} if isinstance(source, PaymentEvent) else {"line": source}
    rows = MatchSuggestion.objects.filter(status=MatchSuggestion.Status.OPEN, **key)
    if keep is not None:
        rows = rows.exclude(pk=keep.pk)
    rows.update(status=status, decided_by=actor, decided_at=timezone.now())


def _matched_status(source) -> str:
    return EventStatus.MATCHED if isinstance(source, PaymentEvent) else LineStatus.MATCHED


@transaction.atomic
def suggestion_confirm(*, suggestion: MatchSuggestion, actor, request=None) -> Payment:
    """The accountant agrees with a suggestion: the payment is recorded for that invoice's student and the
    line's or event's other suggestions are closed."""
    suggestion = MatchSuggestion.objects.select_for_update().select_related("invoice").get(pk=suggestion.pk)
    if suggestion.status != MatchSuggestion.Status.OPEN:
        raise ValidationError(_("This suggestion is already decided."), code="decided")
    source = _source_locked(line=suggestion.line, event=suggestion.event)
    _require_open(source)
    invoice = _invoice(suggestion.invoice_id)
    payment = _record(source=source, student_id=invoice.student_id, invoice=invoice, amount=source.amount,
                      rule=suggestion.rule, confidence=suggestion.confidence, actor=actor, request=request)
    suggestion.status, suggestion.decided_by, suggestion.decided_at = (MatchSuggestion.Status.CONFIRMED, actor,
                                                                       timezone.now())
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    _close_suggestions(source, status=MatchSuggestion.Status.REJECTED, actor=actor, keep=suggestion)
    _mark(source, status=_matched_status(source), rule=suggestion.rule, confidence=suggestion.confidence, actor=actor)
    audit_record(action="finance.suggestion_confirm", actor=actor, target=source, request=request, detail={
        "suggestion": suggestion.pk, "invoice": invoice.pk, "receipt": payment.receipt_number,
        "rule": suggestion.rule})
    return payment


@transaction.atomic
def suggestion_reject(*, suggestion: MatchSuggestion, actor, request=None) -> MatchSuggestion:
    """The accountant says a suggestion is wrong; when none is left the line or event is unmatched."""
    suggestion = MatchSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != MatchSuggestion.Status.OPEN:
        raise ValidationError(_("This suggestion is already decided."), code="decided")
    source = _source_locked(line=suggestion.line, event=suggestion.event)
    suggestion.status, suggestion.decided_by, suggestion.decided_at = (MatchSuggestion.Status.REJECTED, actor,
                                                                       timezone.now())
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    key = {"event": source} if isinstance(source, PaymentEvent) else {"line": source}
    if source.status in _open_statuses(source) and not MatchSuggestion.objects.filter(
            status=MatchSuggestion.Status.OPEN, **key).exists():
        unmatched = EventStatus.UNMATCHED if isinstance(source, PaymentEvent) else LineStatus.UNMATCHED
        _mark(source, status=unmatched, actor=actor)
    audit_record(action="finance.suggestion_reject", actor=actor, target=source, request=request,
                 detail={"suggestion": suggestion.pk, "invoice": suggestion.invoice_id})
    return suggestion


@transaction.atomic
def line_split(*, parts: list, actor, line: StatementLine | None = None, event: PaymentEvent | None = None,
               request=None) -> list[Payment]:
    """Share one line's or event's money between invoices of different students (siblings paid together):
    one payment per student, all pointing at the same line or event. The parts must add up to the amount
    received."""
    source = _source_locked(line=line, event=event)
    _require_open(source)
    if not parts:
        raise ValidationError({"parts": _("Choose at least one invoice.")}, code="no_parts")
    cleaned, students = [], set()
    for invoice, value in parts:
        value = money_amount(value)
        if value <= 0:
            raise ValidationError({"parts": _("Each part must be more than zero.")}, code="not_positive")
        invoice = Invoice.objects.select_related("sponsor", "student").get(pk=invoice.pk)
        if invoice.status == Invoice.Status.VOID:
            raise ValidationError({"parts": _("Invoice %(ref)s is void.") % {"ref": invoice.control_number}},
                                  code="void")
        if invoice.student_id in students:
            raise ValidationError({"parts": _("Give each student one part.")}, code="same_student")
        students.add(invoice.student_id)
        cleaned.append((invoice, value))
    total = sum((value for _invoice_, value in cleaned), ZERO)
    if total != source.amount:
        raise ValidationError({"parts": _("The parts add up to %(total)s; %(amount)s was received.") % {
            "total": f"{total:,.2f}", "amount": f"{source.amount:,.2f}"}}, code="parts_total")
    rule = Rule.MANUAL
    payments = [_record(source=source, student_id=invoice.student_id, invoice=invoice, amount=value, rule=rule,
                        confidence=None, actor=actor, request=request) for invoice, value in cleaned]
    _close_suggestions(source, status=MatchSuggestion.Status.REJECTED, actor=actor)
    _mark(source, status=_matched_status(source), rule=rule, actor=actor)
    audit_record(action="finance.line_split" if len(cleaned) > 1 else "finance.line_assign", actor=actor,
                 target=source, request=request, detail={
                     "parts": [{"invoice": i.pk, "amount": str(v)} for i, v in cleaned],
                     "receipts": [p.receipt_number for p in payments]})
    return payments


def line_assign(*, invoice: Invoice, actor, amount=None, line: StatementLine | None = None,
                event: PaymentEvent | None = None, request=None) -> Payment:
    """The accountant picks the invoice a line or event pays (all of it: share it with line_split)."""
    source = line if line is not None else event
    value = source.amount if amount in (None, "") else amount
    return line_split(parts=[(invoice, value)], actor=actor, line=line, event=event, request=request)[0]


@transaction.atomic
def line_ignore(*, reason: str, actor, line: StatementLine | None = None, event: PaymentEvent | None = None,
                request=None):
    """Set aside a line or event that is not a fee payment (a transfer between the school's accounts,
    a donation, interest); it can be taken back with match_undo."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this is not a fee payment.")}, code="reason_required")
    source = _source_locked(line=line, event=event)
    _require_open(source)
    _close_suggestions(source, status=MatchSuggestion.Status.REJECTED, actor=actor)
    ignored = EventStatus.IGNORED if isinstance(source, PaymentEvent) else LineStatus.IGNORED
    _mark(source, status=ignored, actor=actor)
    source.ignore_reason = reason[:300]
    source.save(update_fields=["ignore_reason"])
    audit_record(action="finance.line_ignore", actor=actor, target=source, request=request,
                 detail={"reason": reason[:300], "amount": str(source.amount)})
    return source


@transaction.atomic
def match_undo(*, reason: str, actor, line: StatementLine | None = None, event: PaymentEvent | None = None,
               request=None):
    """Take back a match (its payments are reversed), an "already recorded" or an ignore: the line or
    event waits to be matched again. The machine will not match it again by itself."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the match is undone.")}, code="reason_required")
    source = _source_locked(line=line, event=event)
    if source.status in _open_statuses(source):
        raise ValidationError(_("There is nothing to undo."), code="not_matched")
    key = {"event": source} if isinstance(source, PaymentEvent) else {"statement_line": source}
    payments = list(Payment.objects.filter(status=Payment.Status.POSTED, **key).order_by("pk"))
    for payment in payments:
        payment_reverse(payment=payment, reason=reason, actor=actor, request=request)
    key = {"event": source} if isinstance(source, PaymentEvent) else {"line": source}
    MatchSuggestion.objects.filter(status=MatchSuggestion.Status.CONFIRMED, **key).update(
        status=MatchSuggestion.Status.UNDONE, decided_by=actor, decided_at=timezone.now())
    if isinstance(source, PaymentEvent):
        _mark(source, status=EventStatus.UNMATCHED)
    else:
        source.payment_event = None
        _mark(source, status=LineStatus.UNMATCHED, actor=actor)
    source.ignore_reason = ""
    source.save(update_fields=["ignore_reason"])
    audit_record(action="finance.match_undo", actor=actor, target=source, request=request, detail={
        "reason": reason[:300], "receipts": [p.receipt_number for p in payments]})
    return source


# --- the account's reconciliation -------------------------------------------------------------------------

def account_reconciliation_summary(*, account: Account, as_of: datetime.date) -> dict:
    """The bank's word against the books for one account: the latest imported statement's closing balance,
    the ledger balance on the same day, and what explains the difference: money in the bank not yet in
    the books (unmatched lines), money in the books not on any statement (cash, or events not yet on a
    statement), and lines set aside as not fees."""
    from apps.ledger.reports import account_sums, natural

    statement = (Statement.objects.filter(account=account, status=Statement.Status.IMPORTED,
                                          period_end__lte=as_of).order_by("-period_end", "-id").first())
    day = statement.period_end if statement is not None else as_of
    debit, credit = account_sums({"day": (None, day)}, where=Q(account_id=account.pk))["day"].get(
        account.pk, (ZERO, ZERO))
    books = natural(account, debit, credit)
    lines = StatementLine.objects.filter(account=account, date__lte=day, statement__status=Statement.Status.IMPORTED)
    money = Sum("amount", default=ZERO)
    waiting = lines.filter(status__in=[LineStatus.UNMATCHED, LineStatus.SUGGESTED]).aggregate(
        into=Sum("amount", default=ZERO, filter=Q(amount__gt=0)), out=Sum("amount", default=ZERO, filter=Q(amount__lt=0)),
        count=Count("pk"))
    ignored = lines.filter(status=LineStatus.IGNORED).aggregate(total=money, count=Count("pk"))
    on_statement = StatementLine.objects.filter(payment_event=OuterRef("event_id"))
    books_only = (Payment.objects.filter(account=account, status=Payment.Status.POSTED, received_on__lte=day,
                                         statement_line__isnull=True)
                  .exclude(Exists(on_statement)).aggregate(total=money, count=Count("pk")))
    bank = statement.closing_balance if statement is not None else None
    explained = waiting["into"] + waiting["out"] + ignored["total"] - books_only["total"]
    difference = None if bank is None else bank - books
    return {
        "account": account, "statement": statement, "as_of": day, "bank": bank, "books": books,
        "difference": difference, "unmatched_in": waiting["into"], "unmatched_out": waiting["out"],
        "unmatched_count": waiting["count"], "ignored": ignored["total"], "ignored_count": ignored["count"],
        "books_only": books_only["total"], "books_only_count": books_only["count"], "explained": explained,
        "unexplained": None if difference is None else difference - explained,
    }
