"""/api/v1/ endpoints: webhooks."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
