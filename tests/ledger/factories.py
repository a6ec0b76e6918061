"""Helpers for ledger tests: accounts of the school's seeded chart, and posting through the service.
They write in whatever schema the connection is in."""

import datetime
from decimal import Decimal

import factory

from apps.ledger import models
from apps.ledger.services import Line, entry_post


def account(code: str) -> models.Account:
    """An account of the seeded chart by its code (1110 cash, 1121 CRDB, 1131 M-Pesa, 1200 fee receivables,
    2100 supplier payables, 3100 capital fund, 4110 tuition fees, 4900 other income, 5210 teaching
    materials, 5220 food, 5290 other expenses...)."""
    return models.Account.objects.get(code=code)


def post(debit: str, credit: str, value, *, date: datetime.date | None = None, memo: str = "Test entry",
         actor=None, **kwargs) -> models.JournalEntry:
    """Post `value` from the account coded `debit` to the one coded `credit` through entry_post."""
    value = Decimal(str(value))
    return entry_post(date=date or datetime.date.today(), memo=memo, actor=actor,
                      lines=[Line(account=account(debit), debit=value), Line(account=account(credit), credit=value)],
                      **kwargs)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Supplier

    name = factory.Sequence(lambda n: f"Supplier {n} Ltd")
    phone = "+255712000111"
