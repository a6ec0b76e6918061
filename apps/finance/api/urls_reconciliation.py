"""/api/v1/ endpoints: reconciliation."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
