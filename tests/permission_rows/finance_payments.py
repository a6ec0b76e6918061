"""Permission rows of payments and receipts (console and API): school admins and accountants."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKKEEPERS = ("school_admin", "accountant")
ONE = "one payment of this school (404 to other schools): tests/finance/test_views_payments.py, " \
      "tests/finance/test_api_payments.py"

ROWS = {
    ("school", "finance:payment-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:payment-new"): school_page(*BOOKKEEPERS),
    ("school", "finance:payment-detail"): not_checked(ONE),
    ("school", "finance:payment-receipt"): not_checked("the receipt PDF of " + ONE),
    ("school", "finance:payment-reverse"): not_checked("POST on a payment: " + ONE),
    ("school", "api:payment-list"): school_api(*BOOKKEEPERS),
    ("school", "api:payment-detail"): not_checked(ONE),
    ("school", "api:payment-reverse"): not_checked("POST on a payment: " + ONE),
    ("school", "api:payment-receipt"): not_checked("the receipt PDF of " + ONE),
    ("school", "api:student-balance"): not_checked("one student of this school (404 to other schools, 403 to "
                                                   "others than bookkeepers): tests/finance/test_api_payments.py"),
}
