"""Finding the invoice a payment is for: control numbers read as payers type them (spaces, dashes, a
letter O for a nought), found in a bank's free-text narrative, corrected when one digit is wrong or two
neighbours are swapped, a student's permanent reference, and, failing all of them, the payer's phone
and the amount owed.

Everything here works on many payments at once: `references_in` reads one text in Python, and
`candidates_for` resolves the references of every item with one query per rule, so a 100,000-line
statement costs a handful of queries, not one per line."""

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from apps.finance import control_numbers
from apps.finance.models import Invoice, InvoiceInstallment, MatchSuggestion

Rule = MatchSuggestion.Rule
OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)

# how sure each rule is (0-100); a candidate at or above AUTO_CONFIRM is recorded without asking
CONFIDENCE = {
    Rule.CONTROL_NUMBER: 100,
    Rule.STUDENT_REFERENCE: 95,
    Rule.NARRATIVE: 90,
    Rule.FUZZY_REFERENCE: 70,
    Rule.PHONE_AMOUNT: 60,
}
CLOSED_INVOICE_CONFIDENCE = 80  # a valid control number of an invoice already paid or void: ask
AUTO_CONFIRM = getattr(settings, "FINANCE_RECONCILE_AUTO_CONFIRM", 90)

# letters people type for digits when they sit among digits
SLIPS = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "i": "1", "L": "1", "|": "1",
                       "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2"})
# a run of digits, slip letters, and the separators people put inside a number
_RUN = re.compile(r"[0-9OoQDIlLi|SsBZz](?:[0-9OoQDIlLi|SsBZz \-./_]*[0-9OoQDIlLi|SsBZz])?")
_SEPARATORS = re.compile(r"[ \-./_]")


def reference_normalise(value: str) -> str:
    """A reference as typed ("0001-0000 O427", "ctrl 000100000427 ") reduced to its digits when it is a
    number with slips and separators only; otherwise the text stripped and upper-cased."""
    text = (value or "").strip()
    squeezed = _SEPARATORS.sub("", text)
    if squeezed and all(ch.isdigit() or ch in "OoQDIlLi|SsBZz" for ch in squeezed) and any(
            ch.isdigit() for ch in squeezed):
        return squeezed.translate(SLIPS)
    return text.upper()


def references_in(text: str) -> list[str]:
    """The 12-digit numbers in a free text, in order, each once: runs of digits (with slip letters counted
    as digits when they sit among at least as many real digits) and separators. A run longer than 12
    digits is read as 12-digit windows only when it is not itself one number (a bank's own 16-digit id is
    not a control number)."""
    found: list[str] = []
    for match in _RUN.finditer(text or ""):
        raw = match.group(0)
        # split the run at separators into groups; join neighbouring groups while they make <= 12 digits
        groups = [g for g in _SEPARATORS.split(raw) if g]
        groups = [g for g in groups if _digit_like(g)]
        digits = [g.translate(SLIPS) for g in groups]
        for start in range(len(digits)):
            joined = ""
            for part in digits[start:]:
                joined += part
                if len(joined) >= 12:
                    break
            if len(joined) == 12 and joined not in found:
                found.append(joined)
    return found


def _digit_like(group: str) -> bool:
    """A group of characters counts as digits when it holds real digits and its slip letters are few
    (a word like "SO" or "BILL" is not a number)."""
    real = sum(ch.isdigit() for ch in group)
    return real > 0 and real >= len(group) - real and real * 2 >= len(group)


def is_valid(number: str) -> bool:
    return control_numbers.is_valid(number)


_DOUBLE = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]  # what Luhn makes of a doubled digit
_UNDOUBLE = {value: digit for digit, value in enumerate(_DOUBLE)}


def _luhn_sum(number: str) -> int:
    return sum(_DOUBLE[int(ch)] if (11 - i) % 2 else int(ch) for i, ch in enumerate(number))


@functools.lru_cache(maxsize=200_000)
def near_misses(number: str, prefix: str = "") -> tuple[str, ...]:
    """The valid 12-digit numbers one slip away from an invalid one (two neighbours swapped or one digit
    changed), only those starting with `prefix` (the school's number). Luhn catches every changed digit and
    every swap but that of a 0 and a 9 (a number with 09 typed as 90 is itself valid: it is read as
    that number, not as a near miss). One changed digit has exactly one valid replacement per position,
    worked out rather than tried."""
    if len(number) != 12 or not number.isdigit() or is_valid(number):
        return ()
    if prefix and sum(a != b for a, b in zip(number, prefix)) > 2:
        return ()
    out = []
    for i in range(11):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            if swapped.startswith(prefix) and is_valid(swapped) and swapped not in out:
                out.append(swapped)
    total = _luhn_sum(number)
    for i, ch in enumerate(number):
        doubled = (11 - i) % 2
        old = _DOUBLE[int(ch)] if doubled else int(ch)
        want = (old - total) % 10
        digit = str(_UNDOUBLE[want] if doubled else want)
        if digit != ch:
            changed = number[:i] + digit + number[i + 1:]
            if changed.startswith(prefix) and changed not in out:
                out.append(changed)
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def phone_e164(value: str) -> str:
    """The payer's phone in E.164, "" when there is none or it cannot be read."""
    from apps.academics.phones import phone_normalise

    try:
        return phone_normalise(value)
    except ValidationError:
        return ""


def student_of_reference(number: str, school: str) -> int | None:
    """The student id a permanent student reference of this school names (ssss 9 nnnnnn c), or None."""
    if len(number) == 12 and number[4] == "9" and number.startswith(school) and is_valid(number):
        return int(number[5:11])
    return None


# --- the work on many items at once -----------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """One way an item could be matched: the invoice (None: the student's credit, for a student
    reference with nothing open), the student, the rule that found it and how sure it is."""

    student_id: int
    invoice_id: int | None
    rule: str
    confidence: int

    @property
    def target(self) -> tuple:
        return (self.student_id, self.invoice_id)


@dataclass
class Item:
    """What the matcher needs to know of a statement line or payment event."""

    key: object  # the caller's handle (a line's or event's id)
    amount: Decimal
    reference: str = ""  # what the payer typed in the reference field, if the source has one
    narrative: str = ""  # free text that may hold a reference
    phone: str = ""
    # filled by read_items
    exact: list[str] = field(default_factory=list)  # valid numbers typed as the whole reference
    found: list[str] = field(default_factory=list)  # valid numbers found in free text
    misses: list[str] = field(default_factory=list)  # invalid 12-digit runs (for the near-miss rule)


def read_items(items: list[Item]) -> None:
    """Read every item's text (Python only, no queries)."""
    for item in items:
        whole = reference_normalise(item.reference)
        if len(whole) == 12 and whole.isdigit() and is_valid(whole):
            item.exact.append(whole)
        for text in (item.reference, item.narrative):
            for number in references_in(text):
                if number in item.exact or number in item.found or number in item.misses:
                    continue
                (item.found if is_valid(number) else item.misses).append(number)


@dataclass
class Resolved:
    """What the database said about the numbers and phones of a batch of items."""

    school: str = ""  # this school's number on the platform, 4 digits
    invoices: dict = field(default_factory=dict)  # control number -> (id, student id, is open)
    students: dict = field(default_factory=dict)  # student reference -> (student id, oldest open invoice id)
    by_phone: dict = field(default_factory=dict)  # E.164 -> [(invoice id, student id, balance, next instalment)]


def resolve(items: list[Item]) -> Resolved:
    """One query per rule for all items: control numbers (exact, in narratives, and the near misses
    of invalid runs), student references, and the open invoices of the guardians whose phones paid."""
    school = f"{control_numbers.school_number():04d}"
    result = Resolved(school=school)
    numbers, misses_fixed, refs, phones = set(), set(), set(), set()
    for item in items:
        for number in item.exact + item.found:
            if student_of_reference(number, school) is not None:
                refs.add(number)
            numbers.add(number)
        for number in item.misses:
            misses_fixed.update(near_misses(number, school))
        if item.phone:
            phone = phone_e164(item.phone)
            if phone:
                phones.add(phone)
    wanted = numbers | misses_fixed
    if wanted:
        for pk, number, student_id, status in Invoice.objects.filter(control_number__in=wanted).values_list(
                "pk", "control_number", "student_id", "status"):
            result.invoices[number] = (pk, student_id, status in OPEN)
    if refs:
        from apps.academics.models import Student

        by_id = {student_of_reference(n, school): n for n in refs}
        found = set(Student.objects.filter(pk__in=by_id).values_list("pk", flat=True))
        oldest: dict[int, int] = {}
        for pk, student_id in (Invoice.objects.filter(student_id__in=found, status__in=OPEN, sponsor__isnull=True)
                               .order_by("issued_on", "pk").values_list("pk", "student_id")):
            oldest.setdefault(student_id, pk)
        for student_id in found:
            result.students[by_id[student_id]] = (student_id, oldest.get(student_id))
    if phones:
        from apps.academics.models import StudentGuardian

        links = list(StudentGuardian.objects.filter(guardian__phone__in=phones)
                     .values_list("guardian__phone", "student_id"))
        students = {s for _p, s in links}
        invoices = {}
        if students:
            for pk, student_id, total, paid, credited in (
                    Invoice.objects.filter(student_id__in=students, status__in=OPEN, sponsor__isnull=True)
                    .values_list("pk", "student_id", "total", "paid", "credited")):
                invoices[pk] = [pk, student_id, total - paid - credited, None]
            for invoice_id, amount, paid in (InvoiceInstallment.objects.filter(invoice_id__in=invoices)
                                             .order_by("invoice_id", "due_on", "number")
                                             .values_list("invoice_id", "amount", "paid")):
                row = invoices[invoice_id]
                if row[3] is None and amount > paid:
                    row[3] = amount - paid
        per_student: dict[int, list] = {}
        for row in invoices.values():
            per_student.setdefault(row[1], []).append(tuple(row))
        for phone, student_id in links:
            result.by_phone.setdefault(phone, []).extend(per_student.get(student_id, []))
    return result


def candidates(item: Item, resolved: Resolved) -> list[Candidate]:
    """The ways this item could be matched, the surest first, each target once."""
    out: dict[tuple, Candidate] = {}

    def add(candidate: Candidate) -> None:
        known = out.get(candidate.target)
        if known is None or known.confidence < candidate.confidence:
            out[candidate.target] = candidate

    for number, rule in [(n, Rule.CONTROL_NUMBER) for n in item.exact] + [(n, Rule.NARRATIVE) for n in item.found]:
        invoice = resolved.invoices.get(number)
        if invoice is not None:
            pk, student_id, is_open = invoice
            add(Candidate(student_id, pk, rule, CONFIDENCE[rule] if is_open else CLOSED_INVOICE_CONFIDENCE))
            continue
        student = resolved.students.get(number)
        if student is not None:
            confidence = CONFIDENCE[Rule.STUDENT_REFERENCE] if rule == Rule.CONTROL_NUMBER else CONFIDENCE[Rule.NARRATIVE]
            add(Candidate(student[0], student[1], Rule.STUDENT_REFERENCE, confidence))
    for number in item.misses:
        for fixed in near_misses(number, resolved.school):
            invoice = resolved.invoices.get(fixed)
            if invoice is not None and invoice[2]:
                add(Candidate(invoice[1], invoice[0], Rule.FUZZY_REFERENCE, CONFIDENCE[Rule.FUZZY_REFERENCE]))
    if not out and item.phone:
        for pk, student_id, balance, next_due in resolved.by_phone.get(phone_e164(item.phone), []):
            if item.amount in (balance, next_due):
                add(Candidate(student_id, pk, Rule.PHONE_AMOUNT, CONFIDENCE[Rule.PHONE_AMOUNT]))
    return sorted(out.values(), key=lambda c: (-c.confidence, c.student_id, c.invoice_id or 0))


def sure(found: list[Candidate]) -> Candidate | None:
    """The one candidate to record without asking: at or above AUTO_CONFIRM and alone at that level (two
    children's numbers in one narrative are a split for the accountant, not a guess)."""
    confident = [c for c in found if c.confidence >= AUTO_CONFIRM]
    return confident[0] if len(confident) == 1 else None


def match_items(items: list[Item]) -> dict:
    """item key -> its candidates, for a batch of items (a handful of queries in all)."""
    read_items(items)
    resolved = resolve(items)
    return {item.key: candidates(item, resolved) for item in items}
