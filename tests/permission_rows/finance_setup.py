"""Permission rows of the fee setup: fee structures and fee categories (console and API)."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKS = ("school_admin", "accountant")
ROWS = {
    ("school", "finance:structure-list"): school_page(*BOOKS),
    ("school", "finance:structure-edit"): not_checked("a term and a class of this school: "
                                                      "tests/finance/test_views_setup.py"),
    ("school", "finance:category-list"): school_page(*BOOKS),
    ("school", "finance:category-edit"): not_checked("a category of this school: tests/finance/test_views_setup.py"),
    ("school", "api:fee-category-list"): school_api(*BOOKS),
    ("school", "api:fee-category-detail"): not_checked("a category of this school: tests/finance/test_api_setup.py"),
    ("school", "api:fee-structure-list"): school_api(*BOOKS),
    ("school", "api:fee-structure-detail"): not_checked("a structure of this school: "
                                                        "tests/finance/test_api_setup.py"),
}
