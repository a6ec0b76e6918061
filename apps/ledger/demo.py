"""The demo school's books (the seed_demo command): six months of a school's accounting, written through
the ledger's services as a bursar and a school admin would.

- opening balances: the capital fund into CRDB Bank and cash;
- a term of fees: invoices (Dr 1200 Fee receivables / Cr 4110 Tuition, 4120 Boarding) per student for
  some students (the student on the lines) and one for the rest of the school, collected month by month
  through M-Pesa, Airtel Money, CRDB and cash (Dr the wallet or bank / Cr 1200);
- monthly salaries (Dr 5110 / Cr 1121 CRDB);
- suppliers and a dozen expenses entered by the bursar (the large ones approved by the admin, maker-checker),
  most of them paid, one waiting for approval and one approved but unpaid;
- the year's budget (income and expense accounts);
- one mistaken entry and its reversal;
- the two oldest months closed.

Idempotent: when the opening-balances entry is there, nothing is done again."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.ledger.models import Account, JournalEntry, Period, Supplier

OPENING_MEMO = "Opening balances: capital fund paid into CRDB Bank and the cash box"
SUPPLIERS = [
    {"name": "Mwanza Stationers Ltd", "contact_person": "Rehema Juma", "phone": "+255754100200",
     "tin": "101-234-567", "address": "Kenyatta Road, Mwanza"},
    {"name": "Kilimo Foods Supplies", "contact_person": "Baraka Mollel", "phone": "+255713300400",
     "tin": "102-345-678", "address": "Kariakoo, Dar es Salaam"},
    {"name": "TANESCO", "address": "Ubungo, Dar es Salaam"},
    {"name": "DAWASA", "address": "Dar es Salaam"},
    {"name": "Upendo Builders & Repairs", "contact_person": "Daudi Mushi", "phone": "+255765500600"},
    {"name": "Puma Energy Station Mikocheni", "phone": "+255222700800"},
]
# (months after the first, day, category, supplier index or None, description, amount, tax, paid from or None)
EXPENSES = [
    (0, 8, "5210", 0, "Exercise books and chalk for the term", "1850000", "0", "1121"),
    (0, 20, "5220", 1, "Maize flour, beans and rice for the boarding kitchen", "3200000", "0", "1121"),
    (1, 4, "5230", 2, "Electricity units", "420000", "75600", "1131"),
    (1, 6, "5230", 3, "Water bill", "185000", "0", "1131"),
    (1, 18, "5240", 4, "Roof repair of the Form 3 block", "2750000", "0", "1121"),
    (2, 9, "5250", 5, "Diesel for the school bus", "640000", "0", "1110"),
    (2, 22, "5220", 1, "Kitchen supplies", "2900000", "0", "1121"),
    (3, 5, "5260", 0, "Printer paper and toner", "310000", "55800", "1110"),
    (3, 15, "5270", None, "Mock examination papers printing", "880000", "0", "1121"),
    (4, 3, "5230", 2, "Electricity units", "455000", "81900", "1131"),
    (4, 19, "5240", 4, "Desks and chairs repaired", "1250000", "0", None),  # approved, not paid yet
    (5, 2, "5250", 5, "Diesel for the school bus", "700000", "0", "pending"),  # waits for the admin
]
BUDGET = {"4110": "540000000", "4120": "180000000", "4130": "24000000", "4140": "9000000", "5110": "156000000",
          "5210": "12000000", "5220": "40000000", "5230": "7500000", "5240": "15000000", "5250": "9000000",
          "5260": "3000000", "5270": "6000000", "5280": "1200000", "5290": "2000000"}
TUITION, BOARDING = Decimal("450000.00"), Decimal("600000.00")
MONTHLY_SALARIES = Decimal("12800000.00")


def _month(first: datetime.date, months: int) -> datetime.date:
    index = first.month - 1 + months
    return datetime.date(first.year + index // 12, index % 12 + 1, 1)


def _day(month: datetime.date, day: int, today: datetime.date) -> datetime.date:
    """`day` of `month`, never after today."""
    import calendar

    return min(month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1])), today)


def seed_ledger_demo(*, admin, accountant=None, today: datetime.date) -> dict:
    """Write the demo books (six months up to `today`) unless they are there; returns what was done."""
    from apps.academics.models import Student
    from apps.ledger.services import Line, entry_post, entry_reverse, period_close
    from apps.ledger.services_budget import budget_set
    from apps.ledger.services_expenses import expense_approve, expense_create, expense_pay, supplier_create

    if JournalEntry.objects.filter(memo=OPENING_MEMO).exists():
        return {"skipped": True}
    bursar = accountant or admin
    codes = {a.code: a for a in Account.objects.filter(is_group=False)}
    first = _month(today.replace(day=1), -5)
    months = [_month(first, n) for n in range(6)]
    counts = {"entries": 0, "expenses": 0, "suppliers": 0, "budget_lines": 0, "closed": 0}

    def post(date, memo, lines, source=JournalEntry.Source.MANUAL, actor=None):
        counts["entries"] += 1
        return entry_post(date=date, memo=memo, lines=lines, actor=actor or bursar, source=source)

    with transaction.atomic():
        # opening balances
        post(months[0], OPENING_MEMO, [Line(account=codes["1121"], debit=Decimal("38000000")),
                                       Line(account=codes["1110"], debit=Decimal("1500000")),
                                       Line(account=codes["3100"], credit=Decimal("39500000"))], actor=admin)

        # a term of fees: invoices for some students by name, one for the rest of the school
        students = list(Student.objects.filter(status=Student.Status.ACTIVE).order_by("pk")[:24])
        invoice_day = _day(months[0], 6, today)
        for n, student in enumerate(students):
            lines = [Line(account=codes["4110"], credit=TUITION, description="Tuition, term fees")]
            if n % 3 == 0:
                lines.append(Line(account=codes["4120"], credit=BOARDING, description="Boarding, term fees"))
            total = sum(line.credit for line in lines)
            post(invoice_day, f"Term fees: {student.first_name} {student.last_name} ({student.admission_number})",
                 [Line(account=codes["1200"], debit=total, student=student), *lines],
                 source=JournalEntry.Source.INVOICE)
        post(invoice_day, "Term fees: the rest of the school", [
            Line(account=codes["1200"], debit=Decimal("216000000")),
            Line(account=codes["4110"], credit=Decimal("162000000")),
            Line(account=codes["4120"], credit=Decimal("48000000")),
            Line(account=codes["4140"], credit=Decimal("6000000"))], source=JournalEntry.Source.INVOICE)

        # collections: each named student pays in instalments through a wallet, the bank or cash
        channels = ["1131", "1132", "1121", "1110"]
        for n, student in enumerate(students):
            owed = TUITION + (BOARDING if n % 3 == 0 else Decimal("0"))
            instalments = 1 + n % 3
            if n % 8 == 7:
                instalments -= 1  # has not paid all of it yet
            for k in range(instalments):
                value = (owed / (1 + n % 3)).quantize(Decimal("0.01"))
                channel = codes[channels[(n + k) % len(channels)]]
                post(_day(months[min(k * 2, 5)], 10 + n % 15, today),
                     f"Fee payment via {channel.name}: {student.first_name} {student.last_name}",
                     [Line(account=channel, debit=value), Line(account=codes["1200"], credit=value, student=student)],
                     source=JournalEntry.Source.PAYMENT)
        for n, month in enumerate(months):
            for channel, share in (("1131", Decimal("0.55")), ("1121", Decimal("0.35")), ("1110", Decimal("0.10"))):
                value = (Decimal("30000000") * share * (Decimal("1.6") if n == 0 else 1)).quantize(Decimal("0.01"))
                post(_day(month, 28, today), f"Fee collections, {month:%B %Y}, via {codes[channel].name}",
                     [Line(account=codes[channel], debit=value), Line(account=codes["1200"], credit=value)],
                     source=JournalEntry.Source.PAYMENT)

        # monthly salaries, paid on the 25th
        for month in months:
            day = _day(month, 25, today)
            if day.day == 25:
                post(day, f"Salaries for {month:%B %Y}", [Line(account=codes["5110"], debit=MONTHLY_SALARIES),
                                                          Line(account=codes["1121"], credit=MONTHLY_SALARIES)],
                     source=JournalEntry.Source.PAYROLL)

        # suppliers and expenses (entered by the bursar; above the threshold the admin approves them)
        suppliers = []
        for spec in SUPPLIERS:
            supplier = Supplier.objects.filter(name__iexact=spec["name"]).first()
            if supplier is None:
                supplier = supplier_create(actor=bursar, **spec)
                counts["suppliers"] += 1
            suppliers.append(supplier)
        for months_after, day, category, supplier, description, value, tax, paid_from in EXPENSES:
            incurred = _day(months[months_after], day, today)
            expense = expense_create(category=codes[category], description=description, incurred_on=incurred,
                                     amount=value, tax=tax, actor=bursar,
                                     supplier=suppliers[supplier] if supplier is not None else None,
                                     reference=f"INV-{incurred:%y%m}-{counts['expenses'] + 101}")
            counts["expenses"] += 1
            if expense.status == expense.Status.PENDING and paid_from != "pending" and bursar.pk != admin.pk:
                expense = expense_approve(expense=expense, actor=admin)
            if paid_from and paid_from != "pending" and expense.status == expense.Status.APPROVED:
                expense_pay(expense=expense, paid_from=codes[paid_from], paid_on=_day(incurred, incurred.day + 3, today),
                            actor=bursar, reference=f"PAY-{expense.pk:05d}")
        counts["entries"] += JournalEntry.objects.filter(source=JournalEntry.Source.EXPENSE).count()

        # the year's budget
        for code, value in BUDGET.items():
            budget_set(year=today.year, account=codes[code], amount=value, actor=admin)
            counts["budget_lines"] += 1

        # a mistake and its correction
        mistake = post(_day(months[4], 12, today), "Bank charges for the month (posted twice by mistake)",
                       [Line(account=codes["5280"], debit=Decimal("38500")),
                        Line(account=codes["1121"], credit=Decimal("38500"))])
        entry_reverse(entry=mistake, actor=bursar, date=_day(months[4], 14, today),
                      memo=f"Reversal of JE-{mistake.pk:06d}: bank charges were posted twice")
        counts["entries"] += 1

        # the two oldest months closed
        for month in months[:2]:
            period = Period.objects.filter(starts_on=month).first()
            if period is not None and not period.is_closed:
                period_close(period=period, actor=admin)
                counts["closed"] += 1
    return counts


def seed_ledger_demo_school(*, slug: str, write=print, today: datetime.date | None = None) -> dict:
    """For the seed_demo command, in the school's schema: the demo books with the school's admin and its
    demo bursar (accountant). Errors are reported, not raised: the rest of the demo goes on."""
    from django.utils import timezone

    from apps.accounts.roles import Role

    User = get_user_model()
    admin = User.objects.filter(role=Role.SCHOOL_ADMIN, is_active=True).order_by("pk").first()
    accountant = (User.objects.filter(email__iexact=f"bursar@{slug}.school").first()
                  or User.objects.filter(role=Role.ACCOUNTANT, is_active=True).order_by("pk").first())
    if admin is None:
        write(f"  {slug}: no school admin, so no demo books")
        return {"skipped": True}
    try:
        outcome = seed_ledger_demo(admin=admin, accountant=accountant, today=today or timezone.localdate())
    except Exception as error:  # noqa: BLE001  (the demo starts without its books; say why)
        write(f"  {slug}: the demo books could not be written: {error.__class__.__name__}: {error}")
        return {"failed": str(error)}
    if not outcome.get("skipped"):
        write(f"  {slug}: demo books: {outcome['entries']} journal entries, {outcome['expenses']} expenses, "
              f"{outcome['suppliers']} suppliers, {outcome['budget_lines']} budget lines, "
              f"{outcome['closed']} months closed")
    return outcome
