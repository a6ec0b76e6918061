"""Helpers for fee setup tests: seeded categories by code and a class's structure for a term saved through
fee_structure_save (tuition 500,000 compulsory, transport 100,000 optional; instalments 60 / 40 %).
They write in whatever schema the connection is in."""

import datetime
from decimal import Decimal

from apps.finance.models import FeeCategory, FeeStructure
from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save
from tests.academics.factories import SchoolClassFactory, TermFactory

DUE = [datetime.date(2026, 1, 20), datetime.date(2026, 4, 13)]


def category(code: str) -> FeeCategory:
    return FeeCategory.objects.get(code=code)


def structure(*, actor, level: int = 1, term=None) -> FeeStructure:
    term = term or TermFactory()
    school_class = SchoolClassFactory(level=level)
    return fee_structure_save(
        term=term, school_class=school_class, actor=actor,
        items=[ItemSpec(category("tuition"), Decimal("500000")),
               ItemSpec(category("transport"), Decimal("100000"), label="Route 1", is_optional=True)],
        installments=[InstallmentSpec(Decimal("60"), DUE[0]), InstallmentSpec(Decimal("40"), DUE[1])])
