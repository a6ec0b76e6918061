"""The communication API (in the `api` namespace, under /api/v1/)."""

from django.urls import path

from apps.communication.api import views

urlpatterns = [
    path("communication/notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("communication/outbox/", views.OutboxListView.as_view(), name="outbox-list"),
]
