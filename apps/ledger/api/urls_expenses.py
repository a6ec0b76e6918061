"""API URLs of the ledger's expenses (included by apps/ledger/api/urls.py)."""

urlpatterns = []
