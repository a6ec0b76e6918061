"""allauth's hooks: nobody signs up (schools invite their people), and where a sign-in lands."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


def home_url_for(request) -> str:
    """The platform host has the owner's console; a school's host has the school's dashboard."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return reverse("platform:overview")
    return reverse("dashboards:home")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return home_url_for(request)

    def get_logout_redirect_url(self, request):
        return reverse("accounts:login")

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # "Successfully signed in" would greet someone who still owes the second factor; and
        # landing on the sign-in page says "signed out" well enough
        if message_template in ("account/messages/logged_in.txt", "account/messages/logged_out.txt"):
            return
        return super().add_message(request, level, message_template, *args, **kwargs)
