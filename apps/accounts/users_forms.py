"""Forms of the users page (/settings/users/) and of the invitation page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import SCHOOL_ROLES, Role
from apps.accounts.selectors import STATUS_ACTIVE, STATUS_DEACTIVATED, STATUS_INVITED

ROLE_CHOICES = [(str(role), role.label) for role in SCHOOL_ROLES]


class UserFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    role = forms.ChoiceField(required=False, label=_("Role"), choices=[("", _("All roles")), *ROLE_CHOICES])
    status = forms.ChoiceField(required=False, label=_("Status"), choices=[
        ("", _("Any status")), (STATUS_ACTIVE, _("Active")), (STATUS_INVITED, _("Invited")),
        (STATUS_DEACTIVATED, _("Deactivated"))])


class UserInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.TEACHER)

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class UserRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
