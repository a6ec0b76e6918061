"""/api/v1/ledger/ (accounts, entries, periods, reports, the beancount export), /api/v1/suppliers/ and
/api/v1/expenses/: school admins and accountants; everyone else 403."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.ledger.api.urls_books")),
    path("", include("apps.ledger.api.urls_expenses")),
    path("", include("apps.ledger.api.urls_reports")),
]
