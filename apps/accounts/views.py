"""Sign in and out of a console (the school's on its host, the platform owner's on the public host)."""

from django.contrib.auth import views as auth_views

from apps.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
