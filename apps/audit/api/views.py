from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission

from apps.audit.api.serializers import AuditEventSerializer
from apps.audit.forms import AuditFilterForm
from apps.audit.selectors import audit_events_for_user
from apps.audit.views import READERS


class CanReadAudit(BasePermission):
    message = "Only school admins (and the platform owner, on the platform) may read the audit log."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.role in READERS)


@extend_schema(tags=["audit"], parameters=[
    OpenApiParameter("q", str, description="text in the object or action"),
    OpenApiParameter("action", str, description="action prefix, e.g. user."),
    OpenApiParameter("actor", str, description="part of who acted (or was acted as)"),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
])
class AuditEventListView(generics.ListAPIView):
    """The audit log of this school (or of the platform, on the platform host), newest first."""

    serializer_class = AuditEventSerializer
    permission_classes = [CanReadAudit]

    def get_queryset(self):
        form = AuditFilterForm(self.request.query_params or None)
        return audit_events_for_user(user=self.request.user, **form.filters())
