"""Forms of the discount, sponsor and late-fee pages: shape only; apps.finance.services_discounts decides
what is allowed (a sibling rule's child number, a scholarship's student, overlapping sponsorships)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.academics.models import Student
from apps.finance.models import DiscountRule, FeeCategory, LateFeeRule
from apps.ledger.forms import DATE


def _categories():
    return FeeCategory.objects.filter(is_active=True).order_by("order", "name")


def _students():
    return Student.objects.filter(status=Student.Status.ACTIVE).order_by("last_name", "first_name", "admission_number")


class DiscountRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=DiscountRule.Kind.choices)
    value_type = forms.ChoiceField(label=_("Type"), choices=DiscountRule.ValueType.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2,
                               help_text=_("A percentage (up to 100) or an amount."))
    from_child = forms.IntegerField(label=_("From the child number"), required=False, min_value=2, max_value=20,
                                    help_text=_("Sibling discount: 2 = the second child (by age) and later ones."))
    student = forms.ModelChoiceField(label=_("Student"), queryset=Student.objects.none(), required=False,
                                     empty_label="—", help_text=_("Scholarship: who holds it."))
    categories = forms.ModelMultipleChoiceField(label=_("Categories"), queryset=FeeCategory.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                                help_text=_("None ticked: all fees."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = _categories()
        self.fields["student"].queryset = _students()


class SponsorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class SponsorshipForm(forms.Form):
    student = forms.ModelChoiceField(label=_("Student"), queryset=Student.objects.none(), empty_label=_("Choose…"))
    percent = forms.DecimalField(label=_("Share (%)"), max_digits=5, decimal_places=2, initial=100)
    categories = forms.ModelMultipleChoiceField(label=_("Categories"), queryset=FeeCategory.objects.none(),
                                                required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                                help_text=_("None ticked: all fees."))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = _categories()
        self.fields["student"].queryset = _students()


class SponsorshipEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)


class LateFeeRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    days_after_due = forms.IntegerField(label=_("Days after the due date"), min_value=0, max_value=365)
    value_type = forms.ChoiceField(label=_("Type"), choices=LateFeeRule.ValueType.choices)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    category = forms.ModelChoiceField(label=_("Income of the category"), queryset=FeeCategory.objects.none(),
                                      empty_label=_("Choose…"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()
