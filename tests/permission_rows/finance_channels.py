"""Permission rows of payment channels, the sandbox simulator, notifications (console: school admins and
accountants) and the providers' webhooks (no user: the provider's signature is the credential, so every
caller without one, signed in or not, gets 401)."""

from tests.permission_helpers import not_checked, open_to_all, school_page

BOOKKEEPERS = ("school_admin", "accountant")

ROWS = {
    ("school", "finance:channel-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:channel-edit"): not_checked("one channel of this school (the secret for admins only): "
                                                    "tests/finance/test_views_sandbox.py"),
    ("school", "finance:sandbox"): school_page(*BOOKKEEPERS),
    ("school", "finance:sandbox-status"): not_checked("one sandbox notification: tests/finance/test_views_sandbox.py"),
    ("school", "finance:inbound-list"): school_page(*BOOKKEEPERS),
    ("school", "api:webhook"): open_to_all("school", kind="api", status=401, method="post"),
}
KWARGS = {"provider": "sandbox"}
