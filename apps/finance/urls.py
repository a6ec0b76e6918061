"""The bursar's fees console (/finance/): fee setup and invoices. Each part declares its own URLs."""

from django.urls import include, path

app_name = "finance"
urlpatterns = [
    path("", include("apps.finance.urls_setup")),
    path("", include("apps.finance.urls_invoices")),
]
