"""Payment references parents quote at the bank or in mobile money.

A control number is 12 digits: the school's number on the platform (4 digits), the invoice's id in the
school (7 digits) and a Luhn check digit, so a mistyped digit or two swapped neighbours is caught before a payment
is matched to the wrong child, and the number alone says which school it belongs to (one webhook address can
serve every school). A student's permanent reference (for schools that prefer one per child) is the same
shape with the sequence taken from the student's id and a leading 9."""

from django.db import connection


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def is_valid(number: str) -> bool:
    number = "".join(ch for ch in str(number) if not ch.isspace())
    return number.isdigit() and len(number) == 12 and luhn_digit(number[:-1]) == number[-1]


def school_number() -> int:
    """The school's number on the platform (its tenant id), 1-9999."""
    tenant = getattr(connection, "tenant", None)
    pk = getattr(tenant, "pk", None)
    if pk is None:
        from apps.platform.models import Tenant

        pk = Tenant.objects.filter(schema_name=connection.schema_name).values_list("pk", flat=True).first() or 0
    return int(pk) % 10000


def invoice_ids_next(count: int = 1) -> list[int]:
    """Ids for `count` new invoices, drawn from the invoice table's own identity sequence (concurrent
    invoices never share one), so that an invoice's control number can be made from its id before the
    row is written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('finance_invoice', 'id')) FROM generate_series(1, %s)",
                       [count])
        return [row[0] for row in cursor.fetchall()]


def control_number_for(invoice_id: int) -> str:
    """The control number of the invoice with this id in this school."""
    body = f"{school_number():04d}{invoice_id % 10_000_000:07d}"
    return body + luhn_digit(body)


def student_reference(student_id: int) -> str:
    body = f"{school_number():04d}9{student_id % 1_000_000:06d}"
    return body + luhn_digit(body)


def school_of(number: str) -> int | None:
    """The school number a control number names, or None when the number is not valid."""
    return int(number[:4]) if is_valid(number) else None
