"""The bursar's fees console (/finance/): dashboard, fee setup (with discounts, sponsors and late fees),
invoices, payments and receipts, credit notes and refunds, statements, reconciliation and the sandbox
payment simulator. Each part declares its own URLs."""

from django.urls import include, path

app_name = "finance"
urlpatterns = [
    path("", include("apps.finance.urls_dashboard")),
    path("", include("apps.finance.urls_setup")),
    path("", include("apps.finance.urls_discounts")),
    path("", include("apps.finance.urls_invoices")),
    path("", include("apps.finance.urls_payments")),
    path("", include("apps.finance.urls_credit")),
    path("", include("apps.finance.urls_statements")),
    path("", include("apps.finance.urls_reconciliation")),
    path("", include("apps.finance.urls_sandbox")),
]
