from django import forms
from django.utils.translation import gettext_lazy as _

from apps.breakglass.models import MAX_MINUTES


class BreakGlassStartForm(forms.Form):
    acting_as = forms.TypedChoiceField(label=_("Act as"), coerce=int)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10,
                             help_text=_("Recorded in the platform's and the school's audit logs."))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES, initial=15)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["acting_as"].choices = [
            (p.pk, f"{p.get_full_name() or p.email} <{p.email}> · {p.get_role_display()}") for p in people]
