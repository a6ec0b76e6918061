"""Helpers shared by the users tests: signing in, the API as someone, audit rows."""

from django.conf import settings
from django_tenants.utils import schema_context

from tests.conftest import console_login, tokens_in


def sign_in(client, school, user):
    """A console session (with the second factor when OTP is installed)."""
    if "django_otp" in settings.INSTALLED_APPS:
        console_login(client, school, user)
    else:
        with schema_context(school.schema_name):
            client.force_login(user)
        client.defaults["HTTP_HOST"] = school.primary_host
    return client


def api_as(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults = {**getattr(api_client, "defaults", {}), "HTTP_HOST": school.primary_host}
    return api_client


def audit_actions(school, target) -> list[str]:
    from apps.audit.models import AuditEvent

    with schema_context(school.schema_name):
        return list(AuditEvent.objects.filter(object_type="accounts.user", object_id=str(target.pk))
                    .order_by("id").values_list("action", flat=True))
