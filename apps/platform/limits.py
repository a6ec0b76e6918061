"""Limits per school: the plan's, unless the platform owner set one for that school. Services call
`check(school, "students", adding=1)` before adding; it raises LimitReached (a ValidationError)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context

from apps.platform import counters


@dataclass(frozen=True)
class Limit:
    key: str
    label: str | Promise  # "students": the thing counted, in a sentence
    plan_field: str  # Plan's default
    school_field: str  # Tenant's own value (None: the plan's)


LIMITS: dict[str, Limit] = {limit.key: limit for limit in [
    Limit("students", _("students"), "max_students", "limit_students"),
    Limit("staff", _("staff members"), "max_staff", "limit_staff"),
    Limit("sms_per_month", _("SMS messages this month"), "sms_per_month", "limit_sms_per_month"),
    Limit("storage_mb", _("MB of storage"), "storage_mb", "limit_storage_mb"),
]}


class LimitReached(ValidationError):
    """Adding would take the school over one of its limits. API code `limit_reached`."""

    envelope_code = "limit_reached"

    def __init__(self, *, key: str, limit: int, current: int):
        self.key, self.limit, self.current = key, limit, current
        super().__init__(
            _("This school has reached its limit of %(limit)s %(what)s (it has %(current)s). "
              "The platform owner can raise the limit."),
            code="limit_reached",
            params={"limit": limit, "what": LIMITS[key].label, "current": current},
        )


def _limit(key: str) -> Limit:
    try:
        return LIMITS[key]
    except KeyError:
        raise LookupError(f"no limit {key!r} (declared in apps.platform.limits)") from None


def plan_value(school, key: str) -> int | None:
    plan = school.plan
    return getattr(plan, _limit(key).plan_field) if plan is not None else None


def value(school, key: str) -> int | None:
    """The limit in force for `school`: its own, else its plan's; None means no limit."""
    own = getattr(school, _limit(key).school_field)
    return own if own is not None else plan_value(school, key)


def values(school) -> dict[str, int | None]:
    return {key: value(school, key) for key in LIMITS}


def check(school, key: str, *, adding: int = 1, current: int | None = None) -> None:
    """Raise LimitReached if `adding` more would exceed the limit. `current` defaults to the
    registered counter, read in the school's schema."""
    limit = value(school, key)
    if limit is None:
        return
    if current is None:
        if connection.schema_name == school.schema_name:
            current = counters.count(key)
        else:
            with schema_context(school.schema_name):
                current = counters.count(key)
    if current + adding > limit:
        raise LimitReached(key=key, limit=limit, current=current)
