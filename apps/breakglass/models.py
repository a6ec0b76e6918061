"""Break-glass sessions: the platform owner acting inside a school, with a reason and an expiry.
Rows live in the public schema; a school's pages read them (the search path ends in public)."""

import uuid

from django.db import models
from django.utils import timezone

MAX_MINUTES = 60


class BreakGlassSession(models.Model):
    class EndReason(models.TextChoices):
        ENDED = "ended", "ended by the owner"
        EXPIRED = "expired", "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # ids and emails rather than foreign keys: the owner is a public user, the acted-as user lives in
    # the school's schema, and a foreign key would resolve in whichever schema is current
    owner_id = models.BigIntegerField()
    owner_email = models.EmailField()
    school = models.ForeignKey("platform.Tenant", on_delete=models.PROTECT, related_name="break_glass_sessions")
    acting_as_id = models.BigIntegerField()
    acting_as_email = models.EmailField()
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    entered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("started_at")),
                                   name="breakglass_expires_after_start"),
        ]

    def __str__(self):
        return f"{self.owner_email} as {self.acting_as_email} in {self.school_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and timezone.now() < self.expires_at

    @property
    def actor_label(self) -> str:
        return f"platform owner {self.owner_email}"
