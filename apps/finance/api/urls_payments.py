"""/api/v1/ endpoints: payments, receipts and student balances."""

from django.urls import path

from apps.finance.api import views_payments as views

urlpatterns = [
    path("payments/", views.PaymentListView.as_view(), name="payment-list"),
    path("payments/<int:pk>/", views.PaymentDetailView.as_view(), name="payment-detail"),
    path("payments/<int:pk>/reverse/", views.PaymentReverseView.as_view(), name="payment-reverse"),
    path("payments/<int:pk>/receipt/", views.PaymentReceiptView.as_view(), name="payment-receipt"),
    path("students/<int:pk>/balance/", views.StudentBalanceView.as_view(), name="student-balance"),
]
