"""Registers and attendance reports (/attendance/)."""

from django.urls import path

from apps.attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.register_list, name="register-list"),
    path("freeze/", views.register_freeze, name="register-freeze"),
    path("streams/<int:stream_id>/", views.register_take, name="register-take"),
    path("reports/", views.report, name="report"),
    path("students/<int:pk>/", views.student_report, name="student-report"),
]
