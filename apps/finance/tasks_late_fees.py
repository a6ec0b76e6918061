"""Celery task of the nightly late-fee run (thin: it calls the service, which is idempotent)."""

import datetime

from django.db import connection
from django.utils import timezone

from apps.finance.services_late_fees import late_fees_apply
from config.celery import app


@app.task(schema_scope="tenant")
def apply_late_fees_task(on: str | None = None) -> dict | None:
    """Charge the late fees due today (or on `on`, an ISO date) in the current school; nothing when the
    school has the fees module switched off."""
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and hasattr(tenant, "module_enabled") and not tenant.module_enabled("finance"):
        return None
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return late_fees_apply(on=day)
