from django import forms
from django.utils.translation import gettext_lazy as _


class SchoolCreateForm(forms.Form):
    name = forms.CharField(label=_("School name"), max_length=200)
    slug = forms.CharField(label=_("Web address"), max_length=40,
                           help_text=_("Lower-case letters, digits and single hyphens, starting with a letter."))
    admin_email = forms.EmailField(label=_("School admin's email"))
    admin_password = forms.CharField(label=_("School admin's first password"), widget=forms.PasswordInput,
                                     min_length=10)
