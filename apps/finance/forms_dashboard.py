"""Forms of the fees overview and the fee reminders: shape only; the selectors and services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.academics.models import SchoolClass, Term


def _terms():
    return Term.objects.select_related("year").order_by("-starts_on")


class TermPickForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = _terms()


class ReminderForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=None, empty_label=_("Choose…"))
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None, required=False,
                                          empty_label=_("All classes"))
    min_balance = forms.DecimalField(label=_("Minimum balance"), min_value=Decimal("0"), max_digits=14,
                                     decimal_places=2, required=False, initial=Decimal("0"),
                                     widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
                                     help_text=_("Only children who owe at least this much."))
    overdue_only = forms.BooleanField(label=_("Only instalments past their due date"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = _terms()
        self.fields["school_class"].queryset = SchoolClass.objects.order_by("level", "name")
        current = next((t for t in self.fields["term"].queryset if t.is_current), None)
        if current is not None and not self.is_bound:
            self.initial.setdefault("term", current.pk)
