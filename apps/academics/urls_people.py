"""The school's console pages for its structure and people (/school/, namespace `academics`)."""

from django.urls import path

from apps.academics import views

urlpatterns = [
    path("", views.structure, name="structure"),
    path("years/new/", views.year_create, name="year-create"),
    path("years/<int:pk>/current/", views.year_set_current, name="year-current"),
    path("terms/new/", views.term_create, name="term-create"),
    path("terms/<int:pk>/current/", views.term_set_current, name="term-current"),
    path("terms/<int:pk>/freeze/", views.term_freeze, name="term-freeze"),
    path("classes/new/", views.class_create, name="class-create"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class-edit"),
    path("classes/<int:pk>/subjects/", views.curriculum_set, name="curriculum-set"),
    path("streams/new/", views.stream_create, name="stream-create"),
    path("streams/<int:pk>/edit/", views.stream_edit, name="stream-edit"),
    path("subjects/new/", views.subject_create, name="subject-create"),
    path("assignments/", views.assignment_grid, name="assignment-grid"),
    path("assignments/<int:stream_id>/<int:subject_id>/", views.assignment_set, name="assignment-set"),
    path("rooms/new/", views.room_create, name="room-create"),
    path("students/", views.student_list, name="student-list"),
    path("students/new/", views.student_create, name="student-create"),
    path("students/<int:pk>/", views.student_detail, name="student-detail"),
    path("students/<int:pk>/edit/", views.student_edit, name="student-edit"),
    path("students/<int:pk>/status/", views.student_status, name="student-status"),
    path("students/<int:pk>/guardians/link/", views.student_guardian_link, name="student-guardian-link"),
    path("students/<int:pk>/guardians/<int:guardian_pk>/primary/", views.student_guardian_primary,
         name="student-guardian-primary"),
    path("students/<int:pk>/guardians/<int:guardian_pk>/unlink/", views.student_guardian_unlink,
         name="student-guardian-unlink"),
    path("guardians/", views.guardian_list, name="guardian-list"),
    path("guardians/new/", views.guardian_create, name="guardian-create"),
    path("guardians/<int:pk>/", views.guardian_detail, name="guardian-detail"),
    path("guardians/<int:pk>/edit/", views.guardian_edit, name="guardian-edit"),
    path("guardians/<int:pk>/students/link/", views.guardian_student_link, name="guardian-student-link"),
    path("guardians/<int:pk>/invite/", views.guardian_invite, name="guardian-invite"),
    path("profile/", views.profile, name="profile"),
    path("profile/example/", views.profile_pattern_example, name="profile-example"),
]
