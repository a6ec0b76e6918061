"""Permission rows of the ledger's books: chart of accounts, journal, periods (console and API)."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKS = ("school_admin", "accountant")
ROWS = {
    ("school", "ledger:account-list"): school_page(*BOOKS),
    ("school", "ledger:account-edit"): not_checked("an account of this school: tests/ledger/test_views_books.py"),
    ("school", "ledger:account-delete"): not_checked("POST on an account: tests/ledger/test_views_books.py"),
    ("school", "ledger:entry-list"): school_page(*BOOKS),
    ("school", "ledger:entry-new"): school_page(*BOOKS),
    # the live totals of an empty form: zero and zero
    ("school", "ledger:entry-totals"): school_page(*BOOKS, method="post"),
    ("school", "ledger:entry-detail"): not_checked("an entry of this school: tests/ledger/test_views_books.py"),
    ("school", "ledger:entry-reverse"): not_checked("POST on an entry: tests/ledger/test_views_books.py"),
    ("school", "ledger:period-list"): school_page(*BOOKS),
    ("school", "ledger:period-close"): not_checked("POST on a month: tests/ledger/test_views_books.py"),
    ("school", "ledger:period-reopen"): not_checked("POST on a month (school admin only): "
                                                    "tests/ledger/test_views_books.py"),
    ("school", "api:ledger-account-list"): school_api(*BOOKS),
    ("school", "api:ledger-account-detail"): not_checked("an account of this school: tests/ledger/test_api_books.py"),
    ("school", "api:ledger-entry-list"): school_api(*BOOKS),
    ("school", "api:ledger-entry-detail"): not_checked("an entry of this school: tests/ledger/test_api_books.py"),
    ("school", "api:ledger-entry-reverse"): not_checked("POST on an entry: tests/ledger/test_api_books.py"),
    ("school", "api:ledger-period-list"): school_api(*BOOKS),
    ("school", "api:ledger-period-close"): not_checked("POST on a month: tests/ledger/test_api_books.py"),
    ("school", "api:ledger-period-reopen"): not_checked("POST on a month (school admin only): "
                                                        "tests/ledger/test_api_books.py"),
}
