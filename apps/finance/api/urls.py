"""/api/v1/fee-categories/, /api/v1/fee-structures/, /api/v1/invoices/: school admins and accountants."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.finance.api.urls_setup")),
    path("", include("apps.finance.api.urls_invoices")),
]
