"""Helpers for invoice tests: a class with a stream and students, and its fee structure for a term set
through fee_structure_save (tuition 400,000 + meals 150,000 compulsory, transport 120,000 optional;
instalments 50 / 30 / 20 %). They write in whatever schema the connection is in."""

import datetime
from decimal import Decimal

from apps.finance.models import FeeCategory
from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save
from tests.academics.factories import StreamFactory, StudentFactory, StudentGuardianFactory, TermFactory

DUES = [datetime.date(2026, 1, 20), datetime.date(2026, 3, 2), datetime.date(2026, 4, 13)]


def category(code: str) -> FeeCategory:
    return FeeCategory.objects.get(code=code)


def fee_setup(*, actor, level: int = 1, students: int = 2, term=None) -> dict:
    """A term, a class (level `level`) with stream A and `students` active students (each with a primary
    guardian), and the class's fee structure for the term."""
    term = term or TermFactory()
    stream = StreamFactory(school_class__level=level)
    pupils = [StudentFactory(stream=stream) for _ in range(students)]
    guardians = [StudentGuardianFactory(student=pupil).guardian for pupil in pupils]
    structure = fee_structure_save(
        term=term, school_class=stream.school_class, actor=actor,
        items=[ItemSpec(category("tuition"), Decimal("400000")), ItemSpec(category("meals"), Decimal("150000")),
               ItemSpec(category("transport"), Decimal("120000"), label="Route 1", is_optional=True)],
        installments=[InstallmentSpec(Decimal("50"), DUES[0]), InstallmentSpec(Decimal("30"), DUES[1]),
                      InstallmentSpec(Decimal("20"), DUES[2])])
    return {"term": term, "stream": stream, "school_class": stream.school_class, "students": pupils,
            "guardians": guardians, "structure": structure,
            "transport": structure.items.get(category__code="transport")}


def transposed(number: str) -> str:
    """A control number as a payer slips: two neighbouring digits of its serial swapped, or, when no pair
    can be (a 0 and a 9 swapped keep the Luhn sum), its last serial digit mistyped. Luhn no longer holds."""
    for i in range(5, 11):
        if number[i] != number[i + 1] and {number[i], number[i + 1]} != {"0", "9"}:
            return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    return number[:10] + str((int(number[10]) + 1) % 10) + number[11]
