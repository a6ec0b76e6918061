"""Writing the books: the one posting service every app posts through (`entry_post`), reversals,
accounting periods and the chart of accounts. Every service runs in a transaction and refuses bad
input with a ValidationError that says what is wrong (and changes nothing)."""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.bulk import ids_next, rows_copy
from apps.ledger.models import ZERO, Account, BudgetLine, JournalEntry, JournalLine, Period, PeriodBalance

CENT = Decimal("0.01")


@dataclass
class Line:
    """One side of an entry to post: an account and an amount to its debit or its credit."""

    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    description: str = ""
    student: object = None
    staff: object = None
    supplier: object = None


def amount(value, *, field: str = "amount") -> Decimal:
    """A money amount from what was given (Decimal, int, str), to the cent; refuses floats and junk."""
    if isinstance(value, float):
        raise ValidationError({field: _("Give money as a decimal, not a float.")}, code="float_money")
    try:
        result = Decimal(str(value if value not in (None, "") else "0"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("“%(value)s” is not an amount.") % {"value": value}},
                              code="not_an_amount") from None
    if not result.is_finite():
        raise ValidationError({field: _("“%(value)s” is not an amount.") % {"value": value}}, code="not_an_amount")
    if result != result.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError({field: _("Amounts have at most two decimal places.")}, code="too_precise")
    if abs(result) >= Decimal("1e12"):
        raise ValidationError({field: _("That amount is too large.")}, code="too_large")
    return result.quantize(CENT)


# --- periods -----------------------------------------------------------------------------------------

def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def period_for(day: datetime.date) -> Period:
    """The month's period, made (open) the first time anything is posted into it."""
    first, last = month_bounds(day)
    period, _created = Period.objects.get_or_create(starts_on=first, defaults={"ends_on": last})
    return period


def _period_open_for_posting(day: datetime.date) -> Period:
    period = period_for(day)
    # FOR SHARE: postings into a month run side by side but wait for (and are refused after) its closing
    locked = list(Period.objects.raw("SELECT * FROM ledger_period WHERE id = %s FOR SHARE", [period.pk]))[0]
    if locked.is_closed:
        raise ValidationError(
            _("%(period)s is closed: nothing can be posted dated %(date)s. Post it in an open month, or ask a "
              "school admin to reopen %(period)s.") % {"period": locked, "date": day.isoformat()},
            code="period_closed")
    return locked


@transaction.atomic
def period_close(*, period: Period, actor, request=None) -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(_("%(period)s is already closed.") % {"period": period}, code="already_closed")
    period.status, period.closed_at, period.closed_by = Period.Status.CLOSED, timezone.now(), actor
    period.save(update_fields=["status", "closed_at", "closed_by"])
    # the month's lines are final now (postings hold the period FOR SHARE; this holds it FOR UPDATE): its
    # balances per account are summed once, for the reports
    PeriodBalance.objects.filter(period=period).delete()
    PeriodBalance.objects.bulk_create([
        PeriodBalance(period=period, account_id=row["account_id"], debit=row["d"], credit=row["c"])
        for row in (JournalLine.objects.filter(date__gte=period.starts_on, date__lte=period.ends_on).order_by()
                    .values("account_id").annotate(d=Sum("debit"), c=Sum("credit")))])
    audit_record(action="ledger.period_close", actor=actor, target=period, detail={"period": str(period)},
                 request=request)
    return period


@transaction.atomic
def period_reopen(*, period: Period, reason: str, actor, request=None) -> Period:
    from apps.ledger.access import require_school_admin

    require_school_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the month is reopened.")}, code="reason_required")
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not period.is_closed:
        raise ValidationError(_("%(period)s is not closed.") % {"period": period}, code="not_closed")
    period.status, period.closed_at, period.closed_by = Period.Status.OPEN, None, None
    period.save(update_fields=["status", "closed_at", "closed_by"])
    PeriodBalance.objects.filter(period=period).delete()  # its lines may change again: reports read them
    audit_record(action="ledger.period_reopen", actor=actor, target=period,
                 detail={"period": str(period), "reason": reason}, request=request)
    return period


# --- posting ---------------------------------------------------------------------------------------------

def _clean_lines(lines) -> list[Line]:
    cleaned = []
    for number, line in enumerate(lines, start=1):
        if isinstance(line, dict):
            line = Line(**line)
        account = line.account
        if not isinstance(account, Account):
            raise ValidationError({"lines": _("Line %(n)s has no account.") % {"n": number}}, code="no_account")
        if account.is_group:
            raise ValidationError({"lines": _("Line %(n)s: %(account)s is a group account; post to one of the "
                                              "accounts under it.") % {"n": number, "account": account}},
                                  code="group_account")
        if not account.is_active:
            raise ValidationError({"lines": _("Line %(n)s: %(account)s is inactive.") % {"n": number,
                                                                                         "account": account}},
                                  code="inactive_account")
        debit, credit = amount(line.debit, field="lines"), amount(line.credit, field="lines")
        if debit < 0 or credit < 0:
            raise ValidationError({"lines": _("Line %(n)s: amounts cannot be negative.") % {"n": number}},
                                  code="negative")
        if (debit > 0) == (credit > 0):
            raise ValidationError({"lines": _("Line %(n)s needs an amount in either the debit or the credit "
                                              "column, not both.") % {"n": number}}, code="one_side")
        line.debit, line.credit = debit, credit
        line.description = (line.description or "").strip()[:200]
        cleaned.append(line)
    if len(cleaned) < 2:
        raise ValidationError({"lines": _("An entry needs at least two lines.")}, code="too_few_lines")
    debits, credits = sum(line.debit for line in cleaned), sum(line.credit for line in cleaned)
    if debits != credits:
        raise ValidationError({"lines": _("Debits (%(debits)s) and credits (%(credits)s) must be equal; the "
                                          "difference is %(diff)s.") % {"debits": debits, "credits": credits,
                                                                       "diff": abs(debits - credits)}},
                              code="unbalanced")
    return cleaned


def _check_entry(*, date, memo: str, source: str, lines) -> tuple[str, list[Line]]:
    """An entry's memo and cleaned lines, or a ValidationError saying what is wrong with it."""
    if not isinstance(date, datetime.date):
        raise ValidationError({"date": _("Give the entry's date.")}, code="no_date")
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError({"memo": _("Say what the entry is for.")}, code="no_memo")
    if source not in JournalEntry.Source.values:
        raise ValidationError({"source": _("Unknown source.")}, code="bad_source")
    return memo[:300], _clean_lines(lines)


def _source_of(source_object) -> dict:
    if source_object is None:
        return {"source_type": "", "source_id": None}
    return {"source_type": f"{source_object._meta.app_label}.{source_object._meta.model_name}",
            "source_id": source_object.pk}


def _journal_lines(entry: JournalEntry, lines: list[Line]) -> list[JournalLine]:
    return [JournalLine(entry=entry, account=line.account, date=entry.date, debit=line.debit, credit=line.credit,
                        description=line.description, student=line.student, staff=line.staff,
                        supplier=line.supplier) for line in lines]


@transaction.atomic
def entry_post(*, date: datetime.date, memo: str, lines, actor, source: str = JournalEntry.Source.MANUAL,
               source_object=None, reverses: JournalEntry | None = None, request=None) -> JournalEntry:
    """Post one balanced entry: the only way anything is written to the journal (entries_post_many
    posts many the same way). `lines` are `Line`s (or dicts of their fields). `source_object` (an
    invoice, a payment, an expense...) is linked as the entry's source document. Refused, with nothing
    written, when the entry does not balance, names a group or inactive account, or falls in a closed
    month. The database checks the balance again at commit."""
    memo, cleaned = _check_entry(date=date, memo=memo, source=source, lines=lines)
    period = _period_open_for_posting(date)
    entry = JournalEntry.objects.create(date=date, memo=memo, source=source, period=period, posted_by=actor,
                                        reverses=reverses, **_source_of(source_object))
    JournalLine.objects.bulk_create(_journal_lines(entry, cleaned))
    if source in (JournalEntry.Source.MANUAL, JournalEntry.Source.REVERSAL):
        audit_record(action=f"ledger.entry_{'reverse' if reverses else 'post'}", actor=actor, target=entry,
                     detail={"memo": entry.memo, "total": str(sum(line.debit for line in cleaned)),
                             "reverses": reverses.pk if reverses else None}, request=request)
    return entry


@dataclass
class Entry:
    """One entry of a batch for entries_post_many: what entry_post takes for one."""

    date: datetime.date
    memo: str
    lines: list
    source: str
    source_object: object = None


@transaction.atomic
def entries_post_many(entries: list[Entry], *, actor) -> list[JournalEntry]:
    """Post many source documents' entries at once (a bank statement's payments): each is checked as
    entry_post checks one, and all are written with one COPY of entries and one of lines. Refused as
    a whole, with nothing written, when any one is refused. Hand-made entries and reversals go through
    entry_post one by one (each is audited)."""
    checked, periods = [], {}
    for entry in entries:
        if entry.source in (JournalEntry.Source.MANUAL, JournalEntry.Source.REVERSAL):
            raise ValidationError(_("Hand-made entries and reversals are posted one at a time."), code="bad_source")
        memo, lines = _check_entry(date=entry.date, memo=entry.memo, source=entry.source, lines=entry.lines)
        month = (entry.date.year, entry.date.month)
        if month not in periods:
            periods[month] = _period_open_for_posting(entry.date)
        checked.append((JournalEntry(date=entry.date, memo=memo, source=entry.source, period=periods[month],
                                     posted_by=actor, **_source_of(entry.source_object)), lines))
    for (row, _lines), pk in zip(checked, ids_next(JournalEntry, len(checked))):
        row.pk = pk
    rows_copy(JournalEntry, [row for row, _lines in checked])
    rows_copy(JournalLine, [line for row, lines in checked for line in _journal_lines(row, lines)])
    return [row for row, _lines in checked]


@transaction.atomic
def entry_reverse(*, entry: JournalEntry, actor, date: datetime.date | None = None, memo: str = "",
                  request=None) -> JournalEntry:
    """Post the entry's mirror image (debits and credits swapped), dated `date` (today when not given),
    linked to it. An entry is reversed once; a reversal is not reversed again (post a new entry)."""
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.source == JournalEntry.Source.REVERSAL:
        raise ValidationError(_("%(ref)s is itself a reversal; post a new entry instead.") % {"ref": entry.reference},
                              code="reversal_of_reversal")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("%(ref)s has already been reversed.") % {"ref": entry.reference},
                              code="already_reversed")
    lines = [Line(account=line.account, debit=line.credit, credit=line.debit, description=line.description,
                  student=line.student, staff=line.staff, supplier=line.supplier)
             for line in entry.lines.select_related("account")]
    try:
        return entry_post(date=date or timezone.localdate(), memo=memo or _("Reversal of %(ref)s: %(memo)s") % {
            "ref": entry.reference, "memo": entry.memo}, lines=lines, actor=actor,
            source=JournalEntry.Source.REVERSAL, reverses=entry, request=request)
    except IntegrityError:  # reversed at the same moment by someone else
        raise ValidationError(_("%(ref)s has already been reversed.") % {"ref": entry.reference},
                              code="already_reversed") from None


# --- the chart of accounts -------------------------------------------------------------------------------

def _check_parent(*, parent: Account | None, type_: str, account: Account | None = None):
    if parent is None:
        return
    if not parent.is_group:
        raise ValidationError({"parent": _("%(parent)s is not a group account.") % {"parent": parent}},
                              code="parent_not_group")
    if parent.type != type_:
        raise ValidationError({"parent": _("%(parent)s holds %(type)s accounts.") % {
            "parent": parent, "type": parent.get_type_display().lower()}}, code="parent_type")
    node = parent
    while node is not None and account is not None:
        if node.pk == account.pk:
            raise ValidationError({"parent": _("An account cannot sit under itself.")}, code="parent_cycle")
        node = node.parent


def _check_code(code: str, *, account: Account | None = None) -> str:
    code = (code or "").strip()
    if not code or len(code) > 20 or not all(c.isalnum() or c in "-." for c in code):
        raise ValidationError({"code": _("A code is up to 20 letters, digits, dots or dashes.")}, code="bad_code")
    clash = Account.objects.filter(code__iexact=code)
    if account is not None:
        clash = clash.exclude(pk=account.pk)
    if clash.exists():
        raise ValidationError({"code": _("Another account has the code %(code)s.") % {"code": code}},
                              code="code_taken")
    return code


@transaction.atomic
def account_create(*, code: str, name: str, type: str, actor, parent: Account | None = None,
                   is_group: bool = False, purpose: str = "", provider: str = "", request=None) -> Account:
    code = _check_code(code)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the account a name.")}, code="no_name")
    if type not in Account.Type.values:
        raise ValidationError({"type": _("Choose the account's type.")}, code="bad_type")
    if purpose not in Account.Purpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")}, code="bad_purpose")
    _check_parent(parent=parent, type_=type)
    account = Account.objects.create(code=code, name=name[:120], type=type, parent=parent, is_group=is_group,
                                     purpose=purpose, provider=(provider or "").strip()[:30])
    audit_record(action="ledger.account_create", actor=actor, target=account,
                 detail={"code": code, "name": account.name, "type": type}, request=request)
    return account


@transaction.atomic
def account_update(*, account: Account, actor, request=None, **changes) -> Account:
    """Rename, recode, move or (de)activate an account. Its type changes only while it has no postings."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    before = {"code": account.code, "name": account.name, "type": account.type, "parent": account.parent_id,
              "is_active": account.is_active}
    if "code" in changes:
        account.code = _check_code(changes["code"], account=account)
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            raise ValidationError({"name": _("Give the account a name.")}, code="no_name")
        account.name = name[:120]
    if "type" in changes and changes["type"] != account.type:
        if changes["type"] not in Account.Type.values:
            raise ValidationError({"type": _("Choose the account's type.")}, code="bad_type")
        if account.lines.exists() or account.children.exists():
            raise ValidationError({"type": _("%(account)s has postings or accounts under it: its type cannot "
                                             "change.") % {"account": account}}, code="type_locked")
        account.type = changes["type"]
    if "parent" in changes:
        _check_parent(parent=changes["parent"], type_=account.type, account=account)
        account.parent = changes["parent"]
    if "is_active" in changes:
        account.is_active = bool(changes["is_active"])
    account.save()
    after = {"code": account.code, "name": account.name, "type": account.type, "parent": account.parent_id,
             "is_active": account.is_active}
    audit_record(action="ledger.account_update", actor=actor, target=account,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]}, request=request)
    return account


@transaction.atomic
def account_delete(*, account: Account, actor, request=None) -> None:
    """Remove an account nothing refers to; one with postings, accounts under it, expenses or a budget
    is refused (deactivate it instead)."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.lines.exists():
        raise ValidationError(_("%(account)s has postings and cannot be deleted; deactivate it instead.") % {
            "account": account}, code="has_postings")
    if account.children.exists():
        raise ValidationError(_("%(account)s has accounts under it.") % {"account": account}, code="has_children")
    if account.expenses.exists() or BudgetLine.objects.filter(account=account).exists():
        raise ValidationError(_("%(account)s is used by expenses or a budget; deactivate it instead.") % {
            "account": account}, code="in_use")
    audit_record(action="ledger.account_delete", actor=actor, target=account,
                 detail={"code": account.code, "name": account.name}, request=request)
    account.delete()
