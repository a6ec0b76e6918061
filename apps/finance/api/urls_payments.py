"""/api/v1/ endpoints: payments."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
