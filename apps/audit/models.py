"""The append-only audit log, one per schema (each school's, and the platform's in public).

PostgreSQL refuses UPDATE, DELETE and TRUNCATE on it (triggers, migration 0002), and each row
carries the hash of the one before it, so a removed or edited row breaks the chain
(`manage.py verify_audit_chain`).
"""

from django.db import models


class AuditEvent(models.Model):
    created_at = models.DateTimeField(db_index=True)
    # who did it: the signed-in user, or during break-glass the platform owner behind the session
    actor_id = models.BigIntegerField(null=True, blank=True)  # not a foreign key: the log outlives users
    actor = models.CharField(max_length=254, blank=True)
    # during break-glass: the school user whose session the owner is using
    acting_as_id = models.BigIntegerField(null=True, blank=True)
    acting_as = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {"field": [before, after]}
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor_id", "-id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action} {self.object_repr}"
