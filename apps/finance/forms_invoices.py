"""Forms of the invoice pages: shape only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.academics.models import SchoolClass, Student, Term
from apps.finance.models import Invoice


def _terms():
    return Term.objects.select_related("year").order_by("-starts_on")


def _classes():
    return SchoolClass.objects.order_by("level", "name")


class InvoiceFilterForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=None, required=False, empty_label=_("All terms"))
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None, required=False,
                                          empty_label=_("All classes"))
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=80,
                        help_text=_("Name, admission number or control number"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = _terms()
        self.fields["school_class"].queryset = _classes()
        self.fields["status"].choices = [("", _("All statuses")), *Invoice.Status.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"term": data["term"], "school_class": data["school_class"], "status": data["status"] or "",
                "search": data["q"] or ""}


class IssueForm(forms.Form):
    """Issue invoices for a term: to every active student of a class, or to one student."""

    term = forms.ModelChoiceField(label=_("Term"), queryset=None, empty_label=_("Choose…"))
    school_class = forms.ModelChoiceField(label=_("Class"), queryset=None, required=False,
                                          empty_label=_("Choose…"))
    student = forms.ModelChoiceField(label=_("Or one student"), queryset=None, required=False,
                                     widget=forms.NumberInput, help_text=_("The student's id (optional)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = _terms()
        self.fields["school_class"].queryset = _classes()
        self.fields["student"].queryset = Student.objects.all()
        current = next((t for t in self.fields["term"].queryset if t.is_current), None)
        if current is not None and not self.is_bound:
            self.initial.setdefault("term", current.pk)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("school_class") and not data.get("student"):
            raise forms.ValidationError(_("Choose a class (or one student)."))
        return data


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Why the invoice is cancelled (kept with it)."))
