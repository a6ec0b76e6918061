"""/finance/ pages: statements (upload, preview, import) and the saved column mappings."""

from django.urls import path

from apps.finance import views_statements as views

urlpatterns = [
    path("statements/", views.statement_list, name="statement-list"),
    path("statements/upload/", views.statement_upload, name="statement-upload"),
    path("statements/<int:pk>/", views.statement_detail, name="statement-detail"),
    path("statements/<int:pk>/confirm/", views.statement_confirm, name="statement-confirm"),
    path("statements/<int:pk>/discard/", views.statement_discard, name="statement-discard"),
    path("statements/mappings/", views.mapping_list, name="mapping-list"),
    path("statements/mappings/<int:pk>/", views.mapping_edit, name="mapping-edit"),
]
