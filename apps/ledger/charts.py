"""The chart of accounts a school starts with, per country (Tanzania first), and the lookups other apps
use to find an account by what it is for (`account_for(purpose=..., provider=...)`)."""

from django.core.exceptions import ImproperlyConfigured

# (code, name, type, parent code, is_group, purpose, provider)
TZ_CHART = [
    ("1000", "Assets", "asset", None, True, "", ""),
    ("1100", "Cash and cash equivalents", "asset", "1000", True, "", ""),
    ("1110", "Cash on hand", "asset", "1100", False, "cash", ""),
    ("1120", "Bank accounts", "asset", "1100", True, "", ""),
    ("1121", "CRDB Bank", "asset", "1120", False, "bank", "crdb"),
    ("1122", "NMB Bank", "asset", "1120", False, "bank", "nmb"),
    ("1123", "NBC Bank", "asset", "1120", False, "bank", "nbc"),
    ("1130", "Mobile-money wallets", "asset", "1100", True, "", ""),
    ("1131", "M-Pesa", "asset", "1130", False, "wallet", "mpesa"),
    ("1132", "Airtel Money", "asset", "1130", False, "wallet", "airtel"),
    ("1133", "Mixx by Yas (Tigo Pesa)", "asset", "1130", False, "wallet", "tigopesa"),
    ("1134", "HaloPesa", "asset", "1130", False, "wallet", "halopesa"),
    ("1200", "Fee receivables", "asset", "1000", False, "fee_receivable", ""),
    ("1500", "Furniture and equipment", "asset", "1000", False, "", ""),
    ("2000", "Liabilities", "liability", None, True, "", ""),
    ("2100", "Supplier payables", "liability", "2000", False, "supplier_payable", ""),
    ("2200", "Fees received in advance", "liability", "2000", False, "deferred_income", ""),
    ("2300", "Salaries payable", "liability", "2000", False, "salaries_payable", ""),
    ("2400", "Statutory liabilities", "liability", "2000", True, "", ""),
    ("2410", "PAYE payable (TRA)", "liability", "2400", False, "statutory", "paye"),
    ("2420", "NSSF payable", "liability", "2400", False, "statutory", "nssf"),
    ("2430", "SDL payable (TRA)", "liability", "2400", False, "statutory", "sdl"),
    ("2440", "WCF payable", "liability", "2400", False, "statutory", "wcf"),
    ("2450", "HESLB loan repayments payable", "liability", "2400", False, "statutory", "heslb"),
    ("3000", "Equity", "equity", None, True, "", ""),
    ("3100", "Capital fund", "equity", "3000", False, "equity", ""),
    ("3200", "Retained earnings", "equity", "3000", False, "retained_earnings", ""),
    ("4000", "Income", "income", None, True, "", ""),
    ("4100", "Fee income", "income", "4000", True, "", ""),
    ("4110", "Tuition fees", "income", "4100", False, "fee_income", "tuition"),
    ("4120", "Boarding fees", "income", "4100", False, "fee_income", "boarding"),
    ("4130", "Transport fees", "income", "4100", False, "fee_income", "transport"),
    ("4140", "Examination fees", "income", "4100", False, "fee_income", "examination"),
    ("4150", "Other fees", "income", "4100", False, "fee_income", "other"),
    ("4190", "Fee discounts and scholarships", "income", "4100", False, "fee_discount", ""),
    ("4900", "Other income", "income", "4000", False, "", ""),
    ("5000", "Expenses", "expense", None, True, "", ""),
    ("5100", "Payroll", "expense", "5000", True, "", ""),
    ("5110", "Salaries and wages", "expense", "5100", False, "payroll_expense", "salaries"),
    ("5120", "Employer NSSF contributions", "expense", "5100", False, "payroll_expense", "nssf"),
    ("5130", "Skills and Development Levy", "expense", "5100", False, "payroll_expense", "sdl"),
    ("5140", "Workers Compensation Fund", "expense", "5100", False, "payroll_expense", "wcf"),
    ("5200", "Operating expenses", "expense", "5000", True, "", ""),
    ("5210", "Teaching and learning materials", "expense", "5200", False, "expense", ""),
    ("5220", "Food and catering", "expense", "5200", False, "expense", ""),
    ("5230", "Electricity and water", "expense", "5200", False, "expense", ""),
    ("5240", "Repairs and maintenance", "expense", "5200", False, "expense", ""),
    ("5250", "Transport and fuel", "expense", "5200", False, "expense", ""),
    ("5260", "Office and stationery", "expense", "5200", False, "expense", ""),
    ("5270", "Examination costs", "expense", "5200", False, "expense", ""),
    ("5280", "Bank and mobile-money charges", "expense", "5200", False, "expense", ""),
    ("5290", "Other expenses", "expense", "5200", False, "expense", ""),
    ("5295", "Bad debts written off", "expense", "5200", False, "bad_debt", ""),
]

CHARTS = {"TZ": TZ_CHART}


def chart_for_country(country: str) -> list[tuple]:
    return CHARTS.get((country or "TZ").upper(), TZ_CHART)


def chart_ensure(*, account_model, country: str = "TZ") -> int:
    """Add the accounts of the country's chart that the school does not have yet (by code); returns how
    many were added. Existing accounts (renamed or not) are left as they are. `account_model` is the
    Account model (the migration passes its historical one)."""
    have = set(account_model.objects.values_list("code", flat=True))
    by_code = {a.code: a for a in account_model.objects.all()}
    added = 0
    for code, name, type_, parent, is_group, purpose, provider in chart_for_country(country):
        if code in have:
            continue
        by_code[code] = account_model.objects.create(
            code=code, name=name, type=type_, parent=by_code.get(parent), is_group=is_group, purpose=purpose,
            provider=provider)
        added += 1
    return added


def account_for(*, purpose: str, provider: str = ""):
    """The school's active posting account for a purpose (and provider), the lowest code first; raises
    ImproperlyConfigured when the school has none (its chart lacks one: add it under Accounts)."""
    from apps.ledger.models import Account

    accounts = Account.objects.filter(purpose=purpose, is_group=False, is_active=True)
    if provider:
        accounts = accounts.filter(provider=provider)
    account = accounts.order_by("code").first()
    if account is None:
        raise ImproperlyConfigured(f"This school's chart has no active account for {purpose} {provider}".strip())
    return account
