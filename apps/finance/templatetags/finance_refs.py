"""Template filters of fees: a student's permanent payment reference (for schools that prefer one per child
to a control number per invoice)."""

from django import template

from apps.finance.control_numbers import student_reference as reference_for

register = template.Library()


@register.filter
def student_reference(student) -> str:
    """The student's permanent reference (12 digits, check digit included), "" without a student."""
    pk = getattr(student, "pk", student)
    return reference_for(int(pk)) if pk else ""
