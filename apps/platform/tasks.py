"""Platform work for the worker."""

from config.celery import app

from apps.platform.spares import spare_schemas_replenish


@app.task(schema_scope="public")
def replenish_spare_schemas_task() -> dict:
    return spare_schemas_replenish()


@app.task(schema_scope="public")
def refresh_school_stats_task() -> dict:
    """Beat, hourly: every school's figures into the public schema (apps.platform.analytics)."""
    from apps.platform.analytics import school_stats_refresh

    return school_stats_refresh()
