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
}

KWARGS = {}

_ = school_api  # the API rows follow below once the endpoints exist
