"""Permission rows of the register pages, reports and the attendance API."""

from tests.permission_helpers import not_checked, school_api, school_page

ROWS = {
    ("school", "attendance:register-list"): school_page("school_admin", "teacher"),
    # an empty freeze form: back to the list with the error
    ("school", "attendance:register-freeze"): school_page("school_admin", method="post", allowed=302),
    ("school", "attendance:register-take"): not_checked(
        "a stream of her own: tests/attendance/test_views_registers.py (404 for another stream, 403 for parents)"),
    ("school", "attendance:report"): school_page("school_admin", "teacher"),
    ("school", "attendance:student-report"): not_checked(
        "a student of her streams: tests/attendance/test_reports.py (404 for others, 403 for parents)"),
    ("school", "api:attendance-index"): school_api("school_admin", "teacher", "parent"),
    ("school", "api:attendance-register-list"): school_api("school_admin", "teacher"),
    ("school", "api:attendance-register-detail"): not_checked("a register of hers: tests/attendance/test_api.py"),
    ("school", "api:attendance-summary"): school_api("school_admin", "teacher"),
    ("school", "api:attendance-student"): not_checked("a child of hers: tests/attendance/test_api.py"),
}
