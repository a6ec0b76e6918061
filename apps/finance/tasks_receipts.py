"""Celery tasks: receipts (thin: take ids, call a service, idempotent)."""

from config.celery import app

from apps.finance.receipts import receipt_render_if_needed


@app.task(schema_scope="tenant")
def render_receipt_task(payment_id: int) -> bool:
    """Render and store a payment's receipt PDF (routed to the pdf queue by its name); does nothing when
    the current receipt is stored already, so a repeat is harmless."""
    return receipt_render_if_needed(payment_id=payment_id)


@app.task(schema_scope="tenant")
def render_receipts_task(payment_ids: list[int]) -> int:
    """Render the receipts of a batch of payments (a statement's matches), one after the other; returns
    how many were rendered."""
    return sum(receipt_render_if_needed(payment_id=pk) for pk in payment_ids)
