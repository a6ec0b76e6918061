"""Permission rows of report cards: the console pages, the API and the public verification page."""

from tests.permission_helpers import not_checked, open_to_all, school_api, school_page

ROWS = {
    ("school", "results:report-card-list"): school_page("school_admin"),
    # nothing chosen: sent back to the list with a message
    ("school", "results:report-card-generate"): school_page("school_admin", method="post", allowed=302),
    # no term or stream named: nothing to zip
    ("school", "results:report-card-zip"): school_page("school_admin", allowed=404),
    ("school", "results:report-card-download"): not_checked(
        "a real card: tests/results/test_report_cards_access.py (admins, the student's teachers, guardians once "
        "published; 404 for everyone else)"),
    # a bogus code on the platform host: "not valid", whoever asks
    ("public", "verify:report-card-verify"): open_to_all("public", status=404),
}
KWARGS = {"code": "nosuchschool-AAAAAAAAAAAAAAAAAAAA"}
ROWS.update({
    ("school", "api:report-card-list"): school_api("school_admin", "teacher", "parent"),
    # an empty request: which term and stream is missing
    ("school", "api:report-card-generate"): school_api("school_admin", method="post", allowed=400),
    ("school", "api:report-card-download"): not_checked("a real card: tests/results/test_report_cards_access.py"),
})
