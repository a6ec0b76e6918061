"""The accounting console (/accounting/): the books (accounts, journal, periods), expenses and suppliers,
and the financial reports. Each part declares its own URLs."""

from django.urls import include, path

app_name = "ledger"
urlpatterns = [
    path("", include("apps.ledger.urls_books")),
    path("", include("apps.ledger.urls_expenses")),
    path("reports/", include("apps.ledger.urls_reports")),
]
