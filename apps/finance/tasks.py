"""The finance app's Celery tasks, one module per subject; imported here so the worker registers them."""

from apps.finance import tasks_events, tasks_late_fees, tasks_receipts, tasks_reconciliation  # noqa: F401
