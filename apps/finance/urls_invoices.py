"""Console URLs of the fees invoices (included by apps/finance/urls.py)."""

from django.urls import path

from apps.finance import views_invoices as views

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice-list"),
    path("invoices/issue/", views.invoice_issue, name="invoice-issue"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice-void"),
]
