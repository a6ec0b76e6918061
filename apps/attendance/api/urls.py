"""The attendance API (in the `api` namespace, under /api/v1/)."""

from django.urls import path

from apps.attendance.api import views

urlpatterns = [
    path("attendance/", views.AttendanceIndexView.as_view(), name="attendance-index"),
    path("attendance/registers/", views.RegisterListView.as_view(), name="attendance-register-list"),
    path("attendance/registers/<int:pk>/", views.RegisterDetailView.as_view(), name="attendance-register-detail"),
    path("attendance/summary/", views.SummaryView.as_view(), name="attendance-summary"),
    path("attendance/students/<int:pk>/", views.StudentAttendanceView.as_view(), name="attendance-student"),
]
