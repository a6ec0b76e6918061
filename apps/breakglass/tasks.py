from config.celery import app

from apps.breakglass.services import break_glass_expire_due


@app.task(schema_scope="public")
def expire_break_glass_sessions_task() -> int:
    return break_glass_expire_due()
