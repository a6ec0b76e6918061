from django.urls import path

from apps.platform import views

app_name = "platform"
urlpatterns = [
    path("", views.home, name="home"),
    path("super-admin/", views.overview, name="overview"),
    path("super-admin/analytics/refresh/", views.analytics_refresh, name="analytics-refresh"),
    path("super-admin/schools/", views.school_list, name="school-list"),
    path("super-admin/schools/new/", views.school_create, name="school-create"),
    path("super-admin/schools/<slug:slug>/", views.school_detail, name="school-detail"),
    path("super-admin/schools/<slug:slug>/suspend/", views.school_suspend_view, name="school-suspend"),
    path("super-admin/schools/<slug:slug>/resume/", views.school_resume_view, name="school-resume"),
    path("super-admin/schools/<slug:slug>/plan/", views.school_plan_view, name="school-plan"),
    path("super-admin/schools/<slug:slug>/limits/", views.school_settings, name="school-settings"),
]
