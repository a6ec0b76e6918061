"""The Celery app: tenant-aware (a task runs in the schema it was queued from) and strict about it.

Every task declares `schema_scope`: "tenant" tasks refuse to run without a school's schema,
"public" tasks refuse to run inside one, "any" tasks (jobs) run wherever they were queued from
but still refuse a message that carries no schema at all.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from celery import signals  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import get_public_schema_name  # noqa: E402
from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task  # noqa: E402
from tenant_schemas_celery.task import TenantTask  # noqa: E402


class MissingSchemaError(RuntimeError):
    """A task arrived without the schema it must run in; running it anywhere would be a guess."""


class OmniTask(TenantTask):
    abstract = True
    schema_scope = "tenant"

    def __call__(self, *args, **kwargs):
        # tenant_schemas_celery switched the schema in task_prerun; check that it was the right kind
        schema = get_schema_name_from_task(self, kwargs)
        public = get_public_schema_name()
        if schema is None:
            raise MissingSchemaError(f"{self.name} arrived without a schema and was refused")
        if self.schema_scope == "tenant" and (schema == public or connection.schema_name == public):
            raise MissingSchemaError(f"{self.name} is a school task and was queued without a school")
        if self.schema_scope == "public" and schema != public:
            raise MissingSchemaError(f"{self.name} is a platform task and was queued inside {schema}")
        return super().__call__(*args, **kwargs)


class OmniCeleryApp(CeleryApp):
    task_cls = "config.celery:OmniTask"


app = OmniCeleryApp("omnicore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Keep Django's JSON logging in workers instead of Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@signals.task_prerun.connect
def log_context_for_task(task=None, **kwargs):
    from apps.core.logging import bind_context

    bind_context(request_id=getattr(task.request, "id", None), tenant=connection.schema_name, user=None)


def for_each_school(task, *args, **kwargs) -> int:
    """Queue `task` once in every ready, active school's schema; how many were queued."""
    from apps.platform.selectors import schools_ready_for_work

    count = 0
    for schema_name in schools_ready_for_work().values_list("schema_name", flat=True):
        task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name})
        count += 1
    return count
