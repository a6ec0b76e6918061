"""Reconciliation: turning what providers and banks report (payment events, statement lines) into
payments. Sure matches (a valid control number of an open invoice, a student's permanent reference, a
number in a narrative) are recorded at once; less sure ones become suggestions the accountant confirms;
the rest wait to be assigned by hand, split across siblings, or set aside as not a fee payment. Every
decision can be undone (the payments are reversed and the line or event waits again).

A statement is reconciled set-based: every line's text is read in Python in one pass and the references
of all lines are resolved with one query per rule (apps.finance.matching); only recording a payment is
per line."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.academics.models import Student
from apps.audit.services import audit_record
from apps.finance import matching
from apps.finance.models import (
    Channel, Invoice, MatchSuggestion, Payment, PaymentEvent, StatementLine,
)
from apps.finance.services_payments import payment_record

Rule = MatchSuggestion.Rule
EventStatus = PaymentEvent.Status
LineStatus = StatementLine.Status
BATCH = 2000  # lines read and resolved together


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
    return matching.Item(key=line.pk, amount=line.amount, reference="", narrative=" ".join(
        t for t in (line.narrative, line.bank_reference) if t), phone=line.payer_phone)


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
    best = matching.sure(found)
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
