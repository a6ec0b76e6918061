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


class SchoolDetailSerializer(SchoolSerializer):
    limits = serializers.SerializerMethodField()
    own_limits = serializers.SerializerMethodField()
    modules = serializers.SerializerMethodField()
    suspended_at = serializers.DateTimeField(read_only=True)
    suspension_reason = serializers.CharField(read_only=True)
    figures = serializers.SerializerMethodField()

    class Meta(SchoolSerializer.Meta):
        fields = [*SchoolSerializer.Meta.fields, "limits", "own_limits", "modules", "suspended_at",
                  "suspension_reason", "figures"]

    def get_limits(self, school) -> dict:
        from apps.platform import limits

        return limits.values(school)

    def get_own_limits(self, school) -> dict:
        from apps.platform.limits import LIMITS

        return {key: getattr(school, limit.school_field) for key, limit in LIMITS.items()}

    def get_modules(self, school) -> dict:
        from apps.platform.modules import MODULES

        return {key: school.module_enabled(key) for key in MODULES}

    def get_figures(self, school) -> dict | None:
        snapshot = getattr(school, "snapshot", None)
        if snapshot is None:
            return None
        return {"users_total": snapshot.users_total, "users_by_role": snapshot.users_by_role,
                "active_7d": snapshot.active_7d, "active_30d": snapshot.active_30d,
                "counters": snapshot.counters, "computed_at": snapshot.computed_at}


class SchoolUpdateSerializer(serializers.Serializer):
    """Any of: plan (code), limits ({"students": 500, "staff": null = the plan's}), modules ({"lms": false})."""

    plan = serializers.CharField(required=False)
    limits = serializers.DictField(child=serializers.IntegerField(min_value=0, allow_null=True), required=False)
    modules = serializers.DictField(child=serializers.BooleanField(), required=False)


class SchoolSuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
