"""Celery tasks: receipts (thin: take ids, call a service, idempotent)."""

from config.celery import app

from apps.finance.receipts import receipt_render_if_needed


@app.task(schema_scope="tenant")
def render_receipt_task(payment_id: int) -> bool:
    """Render and store a payment's receipt PDF (routed to the pdf queue by its name); does nothing when
    the current receipt is stored already, so a repeat is harmless."""
    return receipt_render_if_needed(payment_id=payment_id)
