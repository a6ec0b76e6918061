"""Notices and messages (/communication/)."""

from django.urls import path

from apps.communication import views

app_name = "communication"
urlpatterns = [
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/new/", views.notice_create, name="notice-create"),
    path("notices/<int:pk>/edit/", views.notice_edit, name="notice-edit"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice-publish"),
    path("notices/<int:pk>/withdraw/", views.notice_withdraw, name="notice-withdraw"),
    path("outbox/", views.outbox, name="outbox"),
]
