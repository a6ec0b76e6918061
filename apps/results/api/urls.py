"""The results API (in the `api` namespace, under /api/v1/)."""

urlpatterns = []
