"""Messages to people: the outbox every notification is written to (in the same transaction as what
caused it), delivered later by a channel provider, and the notices a school posts for parents and staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("Email")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(max_length=60, db_index=True)  # "attendance.absence"
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SMS)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="outbox_messages")
    to = models.CharField(max_length=254)  # E.164 phone or email address
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # what it is about, for "already told?" checks and the parent's message list
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # the same event never notifies the same person twice (a register saved again)
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="communication_outbox_dedupe")]
        indexes = [models.Index(fields=["recipient", "-created_at"])]


class Notice(models.Model):
    """A school announcement, shown in the parent portal and on staff dashboards."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        PARENTS = "parents", _("Parents")
        STAFF = "staff", _("Staff")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    # a notice for one stream's families only (e.g. a Form 4 parents' meeting); none: the whole school
    stream = models.ForeignKey("academics.Stream", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="notices")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    expires_on = models.DateField(_("shown until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(title__regex=r"\S"), name="communication_notice_title")]

    def __str__(self):
        return self.title
