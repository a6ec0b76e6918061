"""Students in bulk (/school/students/import/, /school/students/export/) and the year-end promotion
(/school/promotion/): school admins only."""

from django.urls import path

from apps.academics import import_views as views

urlpatterns = [
    path("students/import/", views.student_import, name="student-import"),
    path("students/import/template/", views.student_import_template, name="student-import-template"),
    path("students/import/<int:pk>/", views.student_import_detail, name="student-import-detail"),
    path("students/import/<int:pk>/confirm/", views.student_import_confirm, name="student-import-confirm"),
    path("students/import/<int:pk>/discard/", views.student_import_discard, name="student-import-discard"),
    path("students/import/<int:pk>/rejected/", views.student_import_errors, name="student-import-errors"),
    path("students/export/", views.student_export, name="student-export"),
    path("promotion/", views.promotion_page, name="promotion"),
]
