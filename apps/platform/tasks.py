"""Platform work for the worker."""

from config.celery import app

from apps.platform.spares import spare_schemas_replenish


@app.task(schema_scope="public")
def replenish_spare_schemas_task() -> dict:
    return spare_schemas_replenish()
