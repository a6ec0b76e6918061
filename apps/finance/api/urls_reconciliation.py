"""/api/v1/ endpoints: reconciliation."""

from django.urls import path

from apps.finance.api import views_reconciliation as views

urlpatterns = [
    path("reconciliation/suggestions/", views.SuggestionListView.as_view(), name="reconciliation-suggestion-list"),
    path("reconciliation/suggestions/<int:pk>/confirm/", views.SuggestionConfirmView.as_view(),
         name="reconciliation-suggestion-confirm"),
    path("reconciliation/suggestions/<int:pk>/reject/", views.SuggestionRejectView.as_view(),
         name="reconciliation-suggestion-reject"),
]
