"""Celery tasks: receipts (thin: take ids, call a service, idempotent)."""
