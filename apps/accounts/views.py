"""Sign in and out of a console (the school's on its host, the platform owner's on the public host)."""

from django.contrib.auth import views as auth_views
from django.urls import reverse

from apps.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # the platform host has the owner's console; a school's host has the school's dashboard
        if self.request.tenant.is_public:
            return reverse("platform:overview")
        return reverse("dashboards:home")


class LogoutView(auth_views.LogoutView):
    pass
