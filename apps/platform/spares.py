"""Spare school schemas: clones of the template made ahead of time by the worker.

Copying the template costs about a millisecond of file creation per table, index and sequence
(~80 per school), more on a busy disk. Provisioning takes a ready spare instead and renames it,
which touches only the catalog; with none ready it clones as before. A spare is stamped with the
template's migration history and is never used once the template has moved on: the replenishing
task drops such spares and clones new ones.
"""

import logging
import uuid

from django.conf import settings
from django.db import connection, transaction

from apps.platform.cloning import schema_clone, template_version
from apps.platform.models import SpareSchema

logger = logging.getLogger(__name__)

SPARE_PREFIX = "spare_"  # slugs may not start with "spare-", so no school's schema looks like this


def spare_schema_claim(*, new_name: str) -> bool:
    """In the caller's transaction, rename a ready spare to `new_name`; False when none is ready.
    SKIP LOCKED: two provisionings at once never take the same spare, nor wait for each other."""
    version = template_version(settings.TENANT_BASE_SCHEMA)
    spare = (SpareSchema.objects.select_for_update(skip_locked=True)
             .filter(template_version=version).order_by("created_at").first())
    if spare is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute("ALTER SCHEMA %s RENAME TO %s" % (connection.ops.quote_name(spare.schema_name),
                                                         connection.ops.quote_name(new_name)))
    spare.delete()
    return True


def spare_schemas_replenish(*, target: int | None = None) -> dict:
    """Drop spares cloned from an older template, then clone until `target` are ready."""
    target = settings.SPARE_SCHEMAS if target is None else target
    version = template_version(settings.TENANT_BASE_SCHEMA)
    dropped = 0
    for pk in SpareSchema.objects.exclude(template_version=version).values_list("pk", flat=True):
        with transaction.atomic():
            spare = SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if spare is None:
                continue  # being claimed right now
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA IF EXISTS %s CASCADE" % connection.ops.quote_name(spare.schema_name))
            spare.delete()
            dropped += 1
    made = 0
    if version is not None:
        missing = target - SpareSchema.objects.filter(template_version=version).count()
        for _ in range(max(0, missing)):
            name = f"{SPARE_PREFIX}{uuid.uuid4().hex[:20]}"
            with transaction.atomic():
                schema_clone(settings.TENANT_BASE_SCHEMA, name)
                SpareSchema.objects.create(schema_name=name, template_version=version)
            made += 1
    if dropped or made:
        logger.info("spare schemas replenished", extra={"dropped": dropped, "made": made})
    return {"dropped": dropped, "made": made}
