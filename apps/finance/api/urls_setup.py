"""API URLs of the fees setup (included by apps/finance/api/urls.py)."""

from django.urls import path

from apps.finance.api import views_setup as views

urlpatterns = [
    path("fee-categories/", views.FeeCategoryListView.as_view(), name="fee-category-list"),
    path("fee-categories/<int:pk>/", views.FeeCategoryDetailView.as_view(), name="fee-category-detail"),
    path("fee-structures/", views.FeeStructureListView.as_view(), name="fee-structure-list"),
    path("fee-structures/<int:pk>/", views.FeeStructureDetailView.as_view(), name="fee-structure-detail"),
]
