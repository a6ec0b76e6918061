"""Permission rows of credit notes, write-offs, refunds and statements of account (console and API): school
admins and accountants; deciding a write-off is the school admin's."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKKEEPERS = ("school_admin", "accountant")
VIEWS = "tests/finance/test_views_credit.py"
API = "tests/finance/test_api_credit.py"

ROWS = {
    ("school", "finance:credit-note-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:credit-note-new"): not_checked("from one invoice of this school (?invoice=, 404 to other "
                                                       "schools, 403 to other roles): " + VIEWS),
    ("school", "finance:credit-note-detail"): not_checked("one credit note of this school (404 to other schools): "
                                                          + VIEWS),
    ("school", "finance:credit-note-decide"): not_checked("POST by a school admin who did not ask (403 to the "
                                                          "accountant): " + VIEWS),
    ("school", "finance:refund-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:refund-new"): not_checked("for one student of this school (?student=): " + VIEWS),
    ("school", "finance:refund-detail"): not_checked("one refund of this school: " + VIEWS),
    ("school", "finance:student-statement"): not_checked("one student of this school (404 to other schools, 403 "
                                                         "to other roles): " + VIEWS),
    ("school", "finance:guardian-statement"): not_checked("one guardian of this school: " + VIEWS),
    ("school", "api:credit-note-list"): school_api(*BOOKKEEPERS),
    ("school", "api:credit-note-detail"): not_checked("one credit note of this school (404 to other schools): " + API),
    ("school", "api:credit-note-decide"): not_checked("POST by a school admin who did not ask (403 to others, 409 "
                                                      "when decided): " + API),
}
