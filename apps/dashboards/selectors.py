"""The facts a school's dashboard shows; one query per figure, none per row."""

from django.contrib.auth import get_user_model
from django.db.models import Count

from apps.accounts.roles import Role


def school_summary(*, school) -> dict:
    User = get_user_model()
    by_role = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")))
    return {
        "name": school.name,
        "slug": school.slug,
        "host": school.primary_host,
        "plan": school.plan.name if school.plan else None,
        "country": school.country,
        "currency": school.currency,
        "created_at": school.created_at,
        "users_total": sum(by_role.values()),
        "users_by_role": [(Role(role).label, count) for role, count in sorted(by_role.items()) if role in Role.values],
    }
