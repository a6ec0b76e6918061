"""The shorthands rows of the permission matrix are written in (tests/test_permission_matrix.py and
tests/permission_rows/<area>.py)."""

SCHOOL_ROLES = ["school_admin", "teacher", "accountant", "parent", "student", "staff"]
SCHOOL_ACTORS = ["anonymous", *SCHOOL_ROLES, "other_school", "owner"]
PUBLIC_ACTORS = ["anonymous", "owner", "platform_staff", "school_admin"]

SIGN_IN = 302  # console pages send strangers to the sign-in page
NO_TOKEN = 401
FORBIDDEN = 403


def school_page(*roles, method="get", allowed=200):
    """A console page on a school's host. Another school's or the platform's session does not
    exist on this host, so those are strangers (sent to sign in)."""
    outcome = {"anonymous": SIGN_IN, "other_school": SIGN_IN, "owner": SIGN_IN}
    outcome.update({role: allowed if role in roles else FORBIDDEN for role in SCHOOL_ROLES})
    return {"host": "school", "kind": "page", "method": method, "expect": outcome}


def school_api(*roles, method="get", allowed=200):
    """An API endpoint on a school's host. A token from another school, or the platform's, is 401."""
    outcome = {"anonymous": NO_TOKEN, "other_school": NO_TOKEN, "owner": NO_TOKEN}
    outcome.update({role: allowed if role in roles else FORBIDDEN for role in SCHOOL_ROLES})
    return {"host": "school", "kind": "api", "method": method, "expect": outcome}


def owner_page(method="get", allowed=200):
    return {"host": "public", "kind": "page", "method": method,
            "expect": {"anonymous": SIGN_IN, "owner": allowed, "platform_staff": FORBIDDEN, "school_admin": SIGN_IN}}


def owner_api(method="get", allowed=200):
    return {"host": "public", "kind": "api", "method": method,
            "expect": {"anonymous": NO_TOKEN, "owner": allowed, "platform_staff": FORBIDDEN, "school_admin": NO_TOKEN}}


def open_to_all(host, kind="page", status=200, method="get"):
    actors = SCHOOL_ACTORS if host == "school" else PUBLIC_ACTORS
    return {"host": host, "kind": kind, "method": method, "expect": {actor: status for actor in actors}}


def not_checked(reason):
    """A row that exists (so the URL is accounted for) but is exercised elsewhere, with why."""
    return {"skip": reason}


EVERY_SCHOOL_ROLE = SCHOOL_ROLES


def signed_in_page(host, allowed=200):
    """A page for anyone signed in on this host (their own account, password, devices)."""
    if host == "school":
        return school_page(*EVERY_SCHOOL_ROLE, allowed=allowed)
    return {"host": "public", "kind": "page", "method": "get",
            "expect": {"anonymous": SIGN_IN, "owner": allowed, "platform_staff": allowed, "school_admin": SIGN_IN}}
