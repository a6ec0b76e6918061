from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form (field `login`: a username or an email address, and `password`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email or username")
        self.fields["login"].widget.attrs.update({"autofocus": True, "autocomplete": "username"})


class OTPCodeForm(forms.Form):
    code = forms.CharField(label=_("Authentication code"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))
