from rest_framework import serializers

from apps.audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "actor_id", "acting_as", "acting_as_id", "action", "object_type",
                  "object_id", "object_repr", "changes", "detail", "ip", "request_id", "prev_hash", "hash"]
