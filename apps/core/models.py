"""Rows the cross-cutting machinery keeps in every schema."""

from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a write sent with an Idempotency-Key, replayed for repeats."""

    key = models.CharField(max_length=255)
    # who sent it (a hash of the credentials) and what they sent, so a key is never shared
    caller = models.CharField(max_length=64)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)  # null while in progress
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="core_idempotency_caller_key_unique"),
        ]
