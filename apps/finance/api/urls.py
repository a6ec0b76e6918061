"""/api/v1/ for fees: fee categories and structures, invoices, payments and student balances, credit
notes, statements, reconciliation suggestions (school admins and accountants), and the payment providers'
webhooks (signed by the provider, no user)."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.finance.api.urls_setup")),
    path("", include("apps.finance.api.urls_invoices")),
    path("", include("apps.finance.api.urls_payments")),
    path("", include("apps.finance.api.urls_credit")),
    path("", include("apps.finance.api.urls_statements")),
    path("", include("apps.finance.api.urls_reconciliation")),
    path("", include("apps.finance.api.urls_webhooks")),
]
