"""/finance/ pages: payments and receipts."""

from django.urls import path

from apps.finance import views_payments as views

urlpatterns = [
    path("payments/", views.payment_list, name="payment-list"),
    path("payments/new/", views.payment_new, name="payment-new"),
    path("payments/<int:pk>/", views.payment_detail, name="payment-detail"),
    path("payments/<int:pk>/receipt/", views.payment_receipt, name="payment-receipt"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment-reverse"),
]
