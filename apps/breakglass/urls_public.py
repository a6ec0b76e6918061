from django.urls import path

from apps.breakglass import views

app_name = "breakglass"
urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("<slug:slug>/start/", views.session_start, name="session-start"),
]
