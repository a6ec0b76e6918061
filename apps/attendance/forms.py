"""Forms of the register pages: the day/period chooser, the freeze form and the report filters.
The register grid itself is read straight from POST (one radio group per student) by the view."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.academics.models import Stream, Term


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.IntegerField(label=_("Period"), required=False, min_value=1, max_value=20)

    def day(self):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("date") or timezone.localdate(), data.get("period")


class FreezeForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none())
    through = forms.DateField(label=_("Frozen through"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Registers up to and including this day can then only be changed by an "
                                          "admin. Leave empty to unfreeze."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.select_related("year").order_by("-starts_on")


class ReportForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    stream = forms.ModelChoiceField(label=_("Stream"), queryset=Stream.objects.none(), required=False,
                                    empty_label=_("All streams"))
    threshold = forms.DecimalField(label=_("Chronic absence below (%)"), required=False, min_value=1, max_value=100,
                                   decimal_places=1)

    def __init__(self, *args, streams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.select_related("year").order_by("-starts_on")
        self.fields["stream"].queryset = streams if streams is not None else Stream.objects.none()
