from django.urls import path

from apps.breakglass import views

app_name = "breakglass"
urlpatterns = [
    path("enter/<str:token>/", views.session_enter, name="session-enter"),
    path("end/", views.session_end, name="session-end"),
]
