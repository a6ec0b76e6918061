"""/api/v1/ endpoints: statements (upload, preview, confirm, lines)."""

from django.urls import path

from apps.finance.api import views_statements as views

urlpatterns = [
    path("statements/", views.StatementListView.as_view(), name="statement-list"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("statements/<int:pk>/confirm/", views.StatementConfirmView.as_view(), name="statement-confirm"),
    path("statements/<int:pk>/lines/", views.StatementLinesView.as_view(), name="statement-lines"),
]
