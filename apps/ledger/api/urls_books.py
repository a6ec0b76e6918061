"""API URLs of the ledger's books (included by apps/ledger/api/urls.py)."""

urlpatterns = []
