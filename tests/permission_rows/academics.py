"""Permission rows for the school's structure and people (/school/ pages, /api/v1/ academics endpoints)."""

from tests.permission_helpers import not_checked, school_api, school_page

_OBJECT = "a row of this school: tests/academics/test_views.py (404 for another school's)"
_API_OBJECT = "a row of this school: tests/academics/test_api.py (404 for another school's)"

ROWS = {
    ("school", "academics:structure"): school_page("school_admin"),
    ("school", "academics:assignment-grid"): school_page("school_admin"),
    ("school", "academics:student-list"): school_page("school_admin"),
    ("school", "academics:student-create"): school_page("school_admin"),
    ("school", "academics:guardian-list"): school_page("school_admin"),
    ("school", "academics:guardian-create"): school_page("school_admin"),
    ("school", "academics:profile"): school_page("school_admin"),
    ("school", "academics:profile-example"): school_page("school_admin"),
    # empty forms: refused with their errors
    ("school", "academics:year-create"): school_page("school_admin", method="post", allowed=400),
    ("school", "academics:term-create"): school_page("school_admin", method="post", allowed=400),
    ("school", "academics:class-create"): school_page("school_admin", method="post", allowed=400),
    ("school", "academics:stream-create"): school_page("school_admin", method="post", allowed=400),
    ("school", "academics:subject-create"): school_page("school_admin", method="post", allowed=400),
    ("school", "academics:room-create"): school_page("school_admin", method="post", allowed=400),
    ("school", "academics:year-current"): not_checked(_OBJECT),
    ("school", "academics:term-current"): not_checked(_OBJECT),
    ("school", "academics:term-freeze"): not_checked(_OBJECT),
    ("school", "academics:class-edit"): not_checked(_OBJECT),
    ("school", "academics:curriculum-set"): not_checked(_OBJECT),
    ("school", "academics:stream-edit"): not_checked(_OBJECT),
    ("school", "academics:assignment-set"): not_checked(_OBJECT),
    ("school", "academics:student-detail"): not_checked(_OBJECT),
    ("school", "academics:student-edit"): not_checked(_OBJECT),
    ("school", "academics:student-status"): not_checked(_OBJECT),
    ("school", "academics:student-guardian-link"): not_checked(_OBJECT),
    ("school", "academics:student-guardian-primary"): not_checked(_OBJECT),
    ("school", "academics:student-guardian-unlink"): not_checked(_OBJECT),
    ("school", "academics:guardian-detail"): not_checked(_OBJECT),
    ("school", "academics:guardian-edit"): not_checked(_OBJECT),
    ("school", "academics:guardian-student-link"): not_checked(_OBJECT),
    ("school", "academics:guardian-invite"): not_checked(_OBJECT),
    # the API: lists scoped by role (tests/academics/test_api.py checks who sees which rows)
    ("school", "api:student-list"): school_api("school_admin", "teacher", "parent"),
    ("school", "api:guardian-list"): school_api("school_admin", "teacher"),
    ("school", "api:class-list"): school_api("school_admin", "teacher"),
    ("school", "api:stream-list"): school_api("school_admin", "teacher"),
    ("school", "api:subject-list"): school_api("school_admin", "teacher"),
    ("school", "api:teaching-assignment-list"): school_api("school_admin", "teacher"),
    ("school", "api:academic-year-list"): school_api("school_admin", "teacher"),
    ("school", "api:term-list"): school_api("school_admin", "teacher"),
    ("school", "api:student-detail"): not_checked(_API_OBJECT),
    ("school", "api:student-status"): not_checked(_API_OBJECT),
    ("school", "api:guardian-detail"): not_checked(_API_OBJECT),
    ("school", "api:guardian-invite"): not_checked(_API_OBJECT),
    ("school", "api:guardian-student-list"): not_checked(_API_OBJECT),
    ("school", "api:guardian-student-detail"): not_checked(_API_OBJECT),
    ("school", "api:class-detail"): not_checked(_API_OBJECT),
    ("school", "api:stream-detail"): not_checked(_API_OBJECT),
    ("school", "api:subject-detail"): not_checked(_API_OBJECT),
    ("school", "api:teaching-assignment-detail"): not_checked(_API_OBJECT),
    ("school", "api:academic-year-detail"): not_checked(_API_OBJECT),
    ("school", "api:term-detail"): not_checked(_API_OBJECT),
}

KWARGS = {}
