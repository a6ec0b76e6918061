from rest_framework import serializers

from apps.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="display_title", read_only=True)
    started_by = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "title", "status", "progress", "total", "percent", "message", "result", "error",
                  "started_by", "created_at", "started_at", "finished_at"]

    def get_started_by(self, job) -> str | None:
        return job.started_by.email if job.started_by else None
