"""The journal in beancount's plain-text format, so an auditor can cross-check our books with an
independent tool: one `open` per posting account, one transaction per entry (its JE reference as a
link), debits positive and credits negative."""

import datetime
import re

from django.db import connection

from apps.ledger.models import Account, JournalLine

ROOTS = {
    Account.Type.ASSET: ("Assets", "A"),
    Account.Type.LIABILITY: ("Liabilities", "L"),
    Account.Type.EQUITY: ("Equity", "E"),
    Account.Type.INCOME: ("Income", "I"),
    Account.Type.EXPENSE: ("Expenses", "X"),
}


def _words(text: str) -> str:
    """Letters, digits and single dashes only (what a beancount account component may hold)."""
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9]", "-", text)).strip("-")


def account_name(account: Account) -> str:
    """`Assets:A1110-Cash-on-hand`: the type's root, then a component that starts with a capital letter,
    made of the code and the name."""
    root, letter = ROOTS[account.type]
    name = _words(account.name)[:60].strip("-")
    return f"{root}:{letter}{_words(account.code)}" + (f"-{name}" if name else "")


def _quote(text: str) -> str:
    return '"' + " ".join((text or "").split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def currency() -> str:
    code = getattr(getattr(connection, "tenant", None), "currency", "") or "TZS"
    return code.upper()


def journal_beancount(*, date_to: datetime.date | None = None) -> str:
    """The whole journal (up to `date_to`) as a beancount file. Three queries; the lines are read
    with a server-side cursor in entry order."""
    unit = currency()
    lines = JournalLine.objects.all()
    if date_to:
        lines = lines.filter(date__lte=date_to)
    first = lines.order_by("date").values_list("date", flat=True).first() or datetime.date.today()
    names, seen = {}, set()
    for account in Account.objects.order_by("code"):  # groups too: they open without harm
        name = account_name(account)
        if name in seen:  # two codes that read the same once cleaned
            name = f"{name}-{account.pk}"
        seen.add(name)
        names[account.pk] = name
    out = [f'option "title" {_quote(getattr(getattr(connection, "tenant", None), "name", "") or "School")}',
           f'option "operating_currency" "{unit}"', ""]
    for name in names.values():
        out.append(f"{first.isoformat()} open {name} {unit}")
    out.append("")
    rows = (lines.order_by("date", "entry_id", "id")
            .values_list("entry_id", "date", "entry__memo", "entry__source", "entry__reverses_id", "account_id",
                         "debit", "credit", "description")
            .iterator(chunk_size=5000))
    current = None
    for entry_id, date, memo, source, reverses_id, account_id, debit, credit, description in rows:
        if entry_id != current:
            if current is not None:
                out.append("")
            current = entry_id
            out.append(f"{date.isoformat()} * {_quote(memo)} ^JE-{entry_id:06d}")
            out.append(f'  source: "{source}"')
            if reverses_id:
                out.append(f'  reverses: "JE-{reverses_id:06d}"')
        value = debit - credit
        posting = f"  {names[account_id]}  {value} {unit}"
        out.append(posting)
        if description:
            out.append(f"    description: {_quote(description)}")
    out.append("")
    return "\n".join(out)



