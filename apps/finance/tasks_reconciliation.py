"""Celery tasks: reconciliation (thin: take ids, call a service, idempotent)."""
