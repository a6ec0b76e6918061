"""Console URLs of discounts, sponsors and late fees (included by apps/finance/urls.py)."""

from django.urls import path

from apps.finance import views_discounts as views

urlpatterns = [
    path("fees/discounts/", views.discount_list, name="discount-list"),
    path("fees/discounts/new/", views.discount_new, name="discount-new"),
    path("fees/discounts/<int:pk>/", views.discount_edit, name="discount-edit"),
    path("fees/sponsors/", views.sponsor_list, name="sponsor-list"),
    path("fees/sponsors/new/", views.sponsor_new, name="sponsor-new"),
    path("fees/sponsors/<int:pk>/", views.sponsor_detail, name="sponsor-detail"),
    path("fees/late-fees/", views.late_fee_list, name="late-fee-list"),
    path("fees/late-fees/new/", views.late_fee_new, name="late-fee-new"),
    path("fees/late-fees/<int:pk>/", views.late_fee_edit, name="late-fee-edit"),
]
