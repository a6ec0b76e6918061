"""Console URLs of the fees setup (included by apps/finance/urls.py)."""

from django.urls import path

from apps.finance import views_setup as views

urlpatterns = [
    path("fees/", views.structure_list, name="structure-list"),
    path("fees/categories/", views.category_list, name="category-list"),
    path("fees/categories/<int:pk>/edit/", views.category_edit, name="category-edit"),
    path("fees/<int:term_id>/<int:class_id>/", views.structure_edit, name="structure-edit"),
]
