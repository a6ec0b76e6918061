"""Celery tasks: late_fees (thin: take ids, call a service, idempotent)."""
