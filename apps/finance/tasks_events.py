"""Celery tasks: events (thin: take ids, call a service, idempotent)."""
