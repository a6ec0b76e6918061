"""The teacher's workspace (/teacher/)."""

from django.urls import path

from apps.portals import teacher_views as views

app_name = "teacher"
urlpatterns = [
    path("", views.home, name="home"),
    path("students/", views.students, name="students"),
    path("students/<int:pk>/", views.student_detail, name="student-detail"),
    path("marks/", views.marks, name="marks"),
    path("register/", views.register, name="register"),
]
