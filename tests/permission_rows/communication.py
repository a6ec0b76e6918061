"""Permission rows of notices, the outbox and the communication API."""

from tests.permission_helpers import EVERY_SCHOOL_ROLE, not_checked, school_api, school_page

ROWS = {
    ("school", "communication:notice-list"): school_page("school_admin"),
    # an empty notice: the form comes back with its errors
    ("school", "communication:notice-create"): school_page("school_admin", method="post", allowed=200),
    ("school", "communication:notice-edit"): not_checked("a notice of this school: tests/communication/test_notices.py"),
    ("school", "communication:notice-publish"): not_checked("POST on a notice: tests/communication/test_notices.py"),
    ("school", "communication:notice-withdraw"): not_checked("POST on a notice: tests/communication/test_notices.py"),
    ("school", "communication:outbox"): school_page("school_admin"),
    ("school", "api:notice-list"): school_api(*EVERY_SCHOOL_ROLE),
    ("school", "api:outbox-list"): school_api("school_admin"),
}
