"""API URLs of the fees invoices (included by apps/finance/api/urls.py)."""

from django.urls import path

from apps.finance.api import views_invoices as views

urlpatterns = [
    path("invoices/", views.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("invoices/<int:pk>/void/", views.InvoiceVoidView.as_view(), name="invoice-void"),
]
