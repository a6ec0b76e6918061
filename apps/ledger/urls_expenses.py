"""Console URLs of the ledger's expenses (included by apps/ledger/urls.py under the ledger namespace)."""

urlpatterns = []
