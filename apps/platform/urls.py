from django.urls import path

from apps.platform import views

app_name = "platform"
urlpatterns = [
    path("", views.home, name="home"),
    path("super-admin/", views.overview, name="overview"),
    path("super-admin/schools/", views.school_list, name="school-list"),
    path("super-admin/schools/new/", views.school_create, name="school-create"),
]
