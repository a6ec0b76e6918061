"""Control numbers: 12 digits, Luhn-checked, so a changed digit or two swapped neighbours is caught; the
school's number leads; each school's numbers are its own."""

import pytest
from django_tenants.utils import schema_context

from apps.finance import control_numbers
from apps.finance.control_numbers import control_number_for, is_valid, luhn_digit, school_of


def test_luhn_known_value():
    assert luhn_digit("7992739871") == "3"
    assert is_valid("12345678901" + luhn_digit("12345678901"))
    assert not is_valid("12345678901" + str((int(luhn_digit("12345678901")) + 1) % 10))


def test_changed_digit_caught(in_school_a):
    number = control_number_for(1234567)
    assert is_valid(number) and len(number) == 12 and number.isdigit()
    for position in range(12):
        for digit in "0123456789":
            if digit != number[position]:
                assert not is_valid(number[:position] + digit + number[position + 1:])


def test_swapped_neighbours_caught(in_school_a):
    for invoice_id in (1, 42, 1234567, 9080706):
        number = control_number_for(invoice_id)
        for position in range(11):
            a, b = number[position], number[position + 1]
            if a != b and {a, b} != {"0", "9"}:  # Luhn's one blind spot: 09 <-> 90
                assert not is_valid(number[:position] + b + a + number[position + 2:])


def test_shape_and_school(school_a, school_b):
    assert not is_valid("12345") and not is_valid("abcdefghijkl") and not is_valid("")
    with schema_context(school_a.schema_name):
        a = control_number_for(7)
    with schema_context(school_b.schema_name):
        b = control_number_for(7)
    assert a != b and school_of(a) == school_a.pk % 10000 and school_of(b) == school_b.pk % 10000
    assert is_valid(a[:4] + " " + a[4:8] + " " + a[8:])  # spaces as people write it
    assert school_of(a[:-1] + str((int(a[-1]) + 1) % 10)) is None


@pytest.mark.parametrize("student_id", [1, 999999])
def test_student_reference(in_school_a, student_id):
    reference = control_numbers.student_reference(student_id)
    assert is_valid(reference) and reference[4] == "9"
