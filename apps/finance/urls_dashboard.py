"""/finance/ pages: the fees overview and fee reminders."""

from django.urls import path

from apps.finance import views_dashboard as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reminders/new/", views.reminder_new, name="reminder-new"),
]
