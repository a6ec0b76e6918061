"""/api/v1/ students, guardians and the school's structure (in the `api` namespace)."""

from django.urls import path

from apps.academics.api import views

urlpatterns = [
    path("students/", views.StudentListView.as_view(), name="student-list"),
    path("students/<int:pk>/", views.StudentDetailView.as_view(), name="student-detail"),
    path("students/<int:pk>/status/", views.StudentStatusView.as_view(), name="student-status"),
    path("guardians/", views.GuardianListView.as_view(), name="guardian-list"),
    path("guardians/<int:pk>/", views.GuardianDetailView.as_view(), name="guardian-detail"),
    path("guardians/<int:pk>/invite/", views.GuardianInviteView.as_view(), name="guardian-invite"),
    path("guardians/<int:pk>/students/", views.GuardianStudentsView.as_view(), name="guardian-student-list"),
    path("guardians/<int:pk>/students/<int:student_id>/", views.GuardianStudentDetailView.as_view(),
         name="guardian-student-detail"),
    path("classes/", views.ClassListView.as_view(), name="class-list"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class-detail"),
    path("streams/", views.StreamListView.as_view(), name="stream-list"),
    path("streams/<int:pk>/", views.StreamDetailView.as_view(), name="stream-detail"),
    path("subjects/", views.SubjectListView.as_view(), name="subject-list"),
    path("subjects/<int:pk>/", views.SubjectDetailView.as_view(), name="subject-detail"),
    path("teaching-assignments/", views.TeachingAssignmentListView.as_view(), name="teaching-assignment-list"),
    path("teaching-assignments/<int:pk>/", views.TeachingAssignmentDetailView.as_view(),
         name="teaching-assignment-detail"),
    path("academic-years/", views.AcademicYearListView.as_view(), name="academic-year-list"),
    path("academic-years/<int:pk>/", views.AcademicYearDetailView.as_view(), name="academic-year-detail"),
    path("terms/", views.TermListView.as_view(), name="term-list"),
    path("terms/<int:pk>/", views.TermDetailView.as_view(), name="term-detail"),
]
