"""Permission rows of discounts, sponsors and late fees (console pages)."""

from tests.permission_helpers import not_checked, school_page

BOOKS = ("school_admin", "accountant")
ROWS = {
    ("school", "finance:discount-list"): school_page(*BOOKS),
    ("school", "finance:discount-new"): school_page(*BOOKS),
    ("school", "finance:discount-edit"): not_checked("a rule of this school: tests/finance/test_views_discounts.py"),
    ("school", "finance:sponsor-list"): school_page(*BOOKS),
    ("school", "finance:sponsor-new"): school_page(*BOOKS),
    ("school", "finance:sponsor-detail"): not_checked("a sponsor of this school: "
                                                      "tests/finance/test_views_discounts.py"),
    ("school", "finance:late-fee-list"): school_page(*BOOKS),
    ("school", "finance:late-fee-new"): school_page(*BOOKS),
    ("school", "finance:late-fee-edit"): not_checked("a rule of this school: tests/finance/test_views_discounts.py"),
}
