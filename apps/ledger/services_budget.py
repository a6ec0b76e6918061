"""Entering the year's budget per income or expense account (read back by reports.budget_vs_actual)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.ledger.models import Account, BudgetLine
from apps.ledger.services import amount as parse_amount


def _check(*, year, account: Account) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Give a year such as 2026.")}, code="bad_year") from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")}, code="bad_year")
    if account.is_group or account.type not in (Account.Type.INCOME, Account.Type.EXPENSE):
        raise ValidationError({"account": _("Budgets are set on income and expense accounts that take postings.")},
                              code="bad_account")
    return year


@transaction.atomic
def budget_set(*, year: int, account: Account, amount, actor, request=None) -> BudgetLine:
    """Set (or change) the budget of `account` for `year`; amounts are zero or more."""
    year = _check(year=year, account=account)
    value = parse_amount(amount)
    if value < 0:
        raise ValidationError({"amount": _("A budget cannot be negative.")}, code="negative")
    line = BudgetLine.objects.filter(year=year, account=account).first()
    before = line.amount if line else None
    if line is None:
        line = BudgetLine.objects.create(year=year, account=account, amount=value)
    elif line.amount != value:
        line.amount = value
        line.save(update_fields=["amount"])
    if before != value:
        audit_record(action="ledger.budget_set", actor=actor, target=line, request=request,
                     changes={"amount": [str(before) if before is not None else None, str(value)]},
                     detail={"year": year, "account": account.code})
    return line
