"""What makes a school's slug acceptable: it becomes a host name and a schema name."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RESERVED_SLUGS = frozenset({
    "www", "api", "admin", "super-admin", "superadmin", "public", "static", "media", "mail", "smtp",
    "app", "apps", "platform", "status", "help", "support", "docs", "metrics", "healthz", "readyz",
    "login", "logout", "account", "accounts", "dashboard", "test", "template", "school-template",
    "pg", "information-schema", "omnicore",
})


def schema_name_for(slug: str) -> str:
    # hyphens are not allowed in the slug's schema name; underscores are not allowed in slugs
    return slug.replace("-", "_")


def slug_validate(slug: str) -> None:
    """Raise ValidationError with a message a person can act on; checks format and reservation only."""
    if not slug:
        raise ValidationError("A school needs a slug (the first part of its web address).", code="required")
    if slug != slug.lower():
        suggestion = slug.lower().replace("_", "-").replace(" ", "-")
        raise ValidationError(f"“{slug}” has capital letters; use lower case, e.g. “{suggestion}”.",
                              code="upper_case")
    if not 3 <= len(slug) <= 40:
        raise ValidationError("A slug is 3 to 40 characters long.", code="length")
    if not SLUG_PATTERN.match(slug):
        raise ValidationError(
            f"“{slug}” is not a valid slug: use lower-case letters, digits and single hyphens, "
            "starting with a letter.", code="invalid")
    if (slug in RESERVED_SLUGS or schema_name_for(slug) == settings.TENANT_BASE_SCHEMA
            or slug.startswith(("pg-", "spare-"))):
        raise ValidationError(f"“{slug}” is reserved; choose another.", code="reserved")
