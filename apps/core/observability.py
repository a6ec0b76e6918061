"""Sentry, only when SENTRY_DSN is set; events are tagged with the school and the user."""

from django.conf import settings

from apps.core.logging import current_context


def _tag_event(event, hint):
    context = current_context()
    tags = event.setdefault("tags", {})
    tags["tenant"] = context["tenant"] or "public"
    if context["request_id"]:
        tags["request_id"] = context["request_id"]
    if context["user"]:
        event.setdefault("user", {})["id"] = context["user"]
    return event


def sentry_init() -> bool:
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=_tag_event,
        send_default_pii=False,
        traces_sample_rate=float(getattr(settings, "SENTRY_TRACES_SAMPLE_RATE", 0.0)),
    )
    return True
