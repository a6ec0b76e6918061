"""Reading the fee setup for a bookkeeper (school admins and accountants): fee categories, terms, and each
class's fee structure for a term with its items and instalments. Nobody else sees any of it."""

from django.db.models import Prefetch, QuerySet

from apps.academics.models import SchoolClass, Term
from apps.finance.models import ZERO, FeeCategory, FeeItem, FeeStructure
from apps.ledger.access import keeps_books


def categories_for_user(*, user, active: bool | None = None) -> QuerySet:
    if not keeps_books(user):
        return FeeCategory.objects.none()
    categories = FeeCategory.objects.select_related("income_account").order_by("order", "name")
    if active is not None:
        categories = categories.filter(is_active=active)
    return categories


def terms_for_user(*, user) -> QuerySet:
    if not keeps_books(user):
        return Term.objects.none()
    return Term.objects.select_related("year").order_by("-year__starts_on", "-number")


def current_term(*, user) -> Term | None:
    terms = terms_for_user(user=user)
    return terms.filter(is_current=True).first() or terms.first()


def structures_for_user(*, user, term: Term | int | None = None, school_class: SchoolClass | int | None = None
                        ) -> QuerySet:
    """Fee structures with their term, class, items (and categories) and instalments prefetched."""
    if not keeps_books(user):
        return FeeStructure.objects.none()
    structures = FeeStructure.objects.select_related("term__year", "school_class").prefetch_related(
        Prefetch("items", queryset=FeeItem.objects.select_related("category")), "installments")
    if term:
        structures = structures.filter(term=term)
    if school_class:
        structures = structures.filter(school_class=school_class)
    return structures.order_by("term__starts_on", "school_class__level")


def compulsory_total(structure: FeeStructure):
    """What every student of the class pays: the items that are not optional."""
    return sum((item.amount for item in structure.items.all() if not item.is_optional), ZERO)


def class_rows(*, user, term: Term) -> list[dict]:
    """Every class of the school with its structure for `term` (or None), the structure's compulsory total
    and its instalments. Four queries whatever the number of classes."""
    if not keeps_books(user) or term is None:
        return []
    by_class = {s.school_class_id: s for s in structures_for_user(user=user, term=term)}
    rows = []
    for school_class in SchoolClass.objects.order_by("level"):
        structure = by_class.get(school_class.pk)
        rows.append({"school_class": school_class, "structure": structure,
                     "total": compulsory_total(structure) if structure else None,
                     "installments": list(structure.installments.all()) if structure else []})
    return rows
