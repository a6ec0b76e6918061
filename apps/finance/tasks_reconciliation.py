"""Celery task of the nightly reconciliation (thin: it calls the services, which are idempotent)."""

from django.db import connection

from apps.finance.services_reconciliation import events_reconcile_open, statement_reconcile
from apps.finance.services_statements import held_files_purge, statements_discard_stale
from config.celery import app


@app.task(schema_scope="tenant")
def reconcile_open_items_task() -> dict | None:
    """Match again what still waits in the current school: unmatched statement lines of every statement
    (an invoice may have been issued since) and provider events that are new or unmatched; and discard
    statement previews left unconfirmed for a week and files left waiting a day for their columns (the
    files are deleted)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is not None and hasattr(tenant, "module_enabled") and not tenant.module_enabled("finance"):
        return None
    return {"statements": statement_reconcile(), "events": events_reconcile_open(),
            "previews_discarded": statements_discard_stale(), "held_files_deleted": held_files_purge()}
