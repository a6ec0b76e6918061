"""Forms of the marks pages: the unlock reason, a review note, the flag thresholds, the queue's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.results.models import MarkFlag, TamperPolicy


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReviewNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TamperPolicyForm(forms.ModelForm):
    class Meta:
        model = TamperPolicy
        fields = ["jump_sd", "jump_marks", "burst_changes", "burst_minutes"]
        help_texts = {
            "jump_sd": _("With three or more earlier results: how far from their mean, in standard deviations."),
            "jump_marks": _("Percentage points from the previous result."),
            "burst_changes": _("Changes to marks already entered by one person..."),
            "burst_minutes": _("...within this many minutes."),
        }

    def clean(self):
        data = super().clean()
        for name in ("jump_sd", "jump_marks", "burst_changes", "burst_minutes"):
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, _("Enter a number above 0."))
        return data


class FlagFilterForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule"), required=False,
                             choices=[("", _("All rules")), *MarkFlag.Rule.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("open", _("Open")), ("accepted", _("Accepted")),
                                        ("reverted", _("Reverted")), ("all", _("All"))])
