"""/api/v1/communication/: the notices a user may read, and the school's outbox for its admins."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from apps.accounts.api.permissions import HasRole
from apps.accounts.roles import Role
from apps.communication import selectors
from apps.communication.models import Notice, OutboxMessage


class NoticeSerializer(serializers.ModelSerializer):
    stream_name = serializers.CharField(source="stream.full_name", read_only=True, default=None)

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "audience", "stream", "stream_name", "published_at", "expires_on"]
        read_only_fields = fields


class OutboxMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutboxMessage
        fields = ["id", "kind", "channel", "recipient", "to", "subject", "body", "object_type", "object_id",
                  "status", "attempts", "last_error", "created_at", "sent_at"]
        read_only_fields = fields


@extend_schema(tags=["communication"])
class NoticeListView(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NoticeSerializer

    def get_queryset(self):
        return selectors.notices_for_user(user=self.request.user)

    @extend_schema(
        summary="Notices for me",
        description="Published, unexpired notices for the caller's audience: parents see those for everyone or "
                    "parents (school-wide or for their children's streams), staff those for everyone or staff.",
        examples=[OpenApiExample("A notice", response_only=True, value={"data": [{
            "id": 4, "title": "Form 4 parents' meeting", "body": "Saturday 14 March, 9:00, in the hall.",
            "audience": "parents", "stream": 12, "stream_name": "Form 4A", "published_at": "2026-03-02T10:00:00+03:00",
            "expires_on": "2026-03-14"}], "meta": {"count": 1, "next": None, "previous": None}})])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["communication"])
class OutboxListView(generics.ListAPIView):
    permission_classes = [HasRole(Role.SCHOOL_ADMIN)]
    serializer_class = OutboxMessageSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.outbox_for_user(user=self.request.user, kind=params.get("kind", ""),
                                         status=params.get("status", ""))

    @extend_schema(summary="The school's outbox (read-only)",
                   description="Messages queued to be sent (and, once a provider delivers them, sent or failed).",
                   parameters=[OpenApiParameter("kind", str, description="e.g. attendance.absence"),
                               OpenApiParameter("status", str, enum=list(OutboxMessage.Status.values))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
