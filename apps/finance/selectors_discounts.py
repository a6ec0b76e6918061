"""Reading discount rules, sponsors with their sponsorships and invoices, and late-fee rules for bookkeepers
(the fee setup pages); nothing for anyone else, 404 for another school's id."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.finance.models import DiscountRule, Invoice, LateFeeRule, Sponsor, Sponsorship
from apps.ledger.access import get_for_bookkeeper, keeps_books


def discount_rules_for_user(*, user) -> QuerySet[DiscountRule]:
    """Every rule with how many invoice lines it has made, by kind and name."""
    if not keeps_books(user):
        return DiscountRule.objects.none()
    return (DiscountRule.objects.select_related("student").prefetch_related("categories")
            .annotate(used=Count("invoice_lines")).order_by("kind", "name"))


def discount_rule_get_for_user(*, user, pk) -> DiscountRule:
    return get_for_bookkeeper(DiscountRule.objects.all(), user=user, pk=pk)


def sponsors_for_user(*, user) -> QuerySet[Sponsor]:
    """Every sponsor with how many of its sponsorships run today, by name."""
    if not keeps_books(user):
        return Sponsor.objects.none()
    today = timezone.localdate()
    running = Q(sponsorships__starts_on__lte=today) & (
        Q(sponsorships__ends_on__isnull=True) | Q(sponsorships__ends_on__gte=today))
    return Sponsor.objects.annotate(current=Count("sponsorships", filter=running)).order_by("name")


def sponsor_get_for_user(*, user, pk) -> Sponsor:
    return get_for_bookkeeper(Sponsor.objects.all(), user=user, pk=pk)


def sponsorships_of(sponsor: Sponsor) -> QuerySet[Sponsorship]:
    """A sponsor's sponsorships (the sponsor read through sponsor_get_for_user), newest first."""
    return (Sponsorship.objects.filter(sponsor=sponsor).select_related("student__stream__school_class")
            .prefetch_related("categories").order_by("-starts_on", "-id"))


def sponsor_invoices(sponsor: Sponsor, *, limit: int = 50) -> QuerySet[Invoice]:
    return sponsor.invoices.select_related("student", "term").order_by("-issued_on", "-id")[:limit]


def late_fee_rules_for_user(*, user) -> QuerySet[LateFeeRule]:
    """Every late-fee rule with how many charges it has made, earliest first."""
    if not keeps_books(user):
        return LateFeeRule.objects.none()
    return LateFeeRule.objects.select_related("category").annotate(charged=Count("charges")).order_by(
        "days_after_due", "name")


def late_fee_rule_get_for_user(*, user, pk) -> LateFeeRule:
    return get_for_bookkeeper(LateFeeRule.objects.all(), user=user, pk=pk)
