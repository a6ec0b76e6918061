"""API URLs of the ledger's reports (included by apps/ledger/api/urls.py)."""

urlpatterns = []
