"""Console URLs of the ledger's books (included by apps/ledger/urls.py under the ledger namespace)."""

urlpatterns = []
