"""Results work for the worker: thin tasks that take ids and call the computation."""

from config.celery import app

from apps.results.computation import results_refresh_run


@app.task(schema_scope="tenant")
def compute_term_results_task(term_id: int) -> dict | None:
    """Recompute a term's results after marks changed (queued, debounced, by results_refresh_soon)."""
    return results_refresh_run(term_id=term_id)
