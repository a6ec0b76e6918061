"""/api/v1/marks/ and /api/v1/mark-flags/ (inside the `api` namespace)."""

from django.urls import path

from apps.results.api import marks

urlpatterns = [
    path("marks/", marks.MarkListView.as_view(), name="mark-list"),
    path("mark-flags/", marks.MarkFlagListView.as_view(), name="mark-flag-list"),
    path("mark-flags/<int:pk>/accept/", marks.MarkFlagAcceptView.as_view(), name="mark-flag-accept"),
    path("mark-flags/<int:pk>/revert/", marks.MarkFlagRevertView.as_view(), name="mark-flag-revert"),
]
