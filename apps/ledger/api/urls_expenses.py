"""API URLs of the ledger's expenses (included by apps/ledger/api/urls.py)."""

from django.urls import path

from apps.ledger.api import views_expenses as views

urlpatterns = [
    path("suppliers/", views.SupplierListView.as_view(), name="supplier-list"),
    path("suppliers/<int:pk>/", views.SupplierDetailView.as_view(), name="supplier-detail"),
    path("expenses/", views.ExpenseListView.as_view(), name="expense-list"),
    path("expenses/<int:pk>/", views.ExpenseDetailView.as_view(), name="expense-detail"),
    path("expenses/<int:pk>/approve/", views.ExpenseApproveView.as_view(), name="expense-approve"),
    path("expenses/<int:pk>/reject/", views.ExpenseRejectView.as_view(), name="expense-reject"),
    path("expenses/<int:pk>/pay/", views.ExpensePayView.as_view(), name="expense-pay"),
]
