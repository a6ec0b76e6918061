from rest_framework import serializers

from apps.jobs.api.serializers import JobSerializer
from apps.platform.models import Tenant


class SchoolSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", default=None)
    host = serializers.CharField(source="primary_host")

    class Meta:
        model = Tenant
        fields = ["slug", "name", "status", "ready", "plan", "host", "country", "currency", "created_at"]


class SchoolCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    admin_email = serializers.EmailField()
    admin_password = serializers.CharField(write_only=True, trim_whitespace=False)
    plan = serializers.CharField(required=False, default="standard")


class SchoolCreateAcceptedSerializer(serializers.Serializer):
    job = JobSerializer()
