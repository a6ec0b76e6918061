"""Forms of the fee setup pages: fee categories, and a class's fee structure for a term (its item rows and
instalment rows). Forms check shape; apps.finance.services checks meaning (100 %, duplicates, dates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.finance.models import FeeCategory
from apps.ledger.forms import DATE
from apps.ledger.models import Account


def _income_accounts():
    return Account.objects.filter(type=Account.Type.INCOME, is_group=False, is_active=True).order_by("code")


class CategoryForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=80)
    income_account = forms.ModelChoiceField(label=_("Income account"), queryset=Account.objects.none())
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=32767)
    is_optional = forms.BooleanField(label=_("Optional (charged only to the students who take it)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income_account"].queryset = _income_accounts()


class CategoryEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    income_account = forms.ModelChoiceField(label=_("Income account"), queryset=Account.objects.none())
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=32767)
    is_optional = forms.BooleanField(label=_("Optional (charged only to the students who take it)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income_account"].queryset = _income_accounts()


class TermChoiceForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=None, required=False, empty_label=None)

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms


class StructureForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, max_length=250)


class ItemForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=FeeCategory.objects.none(), required=False,
                                      empty_label="—")
    label = forms.CharField(label=_("Label"), required=False, max_length=80)
    amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=14, decimal_places=2)
    is_optional = forms.BooleanField(label=_("Optional"), required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories if categories is not None else FeeCategory.objects.none()

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("category") or data.get("label") or data.get("amount") is not None)


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(self, *args, categories=None, **kwargs):
        self.categories = categories
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "categories": self.categories}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, categories=self.categories, renderer=self.renderer)
        self.add_fields(form, None)
        return form


ItemFormSet = forms.formset_factory(ItemForm, formset=BaseItemFormSet, extra=0, max_num=100, absolute_max=100)


class InstallmentForm(forms.Form):
    percent = forms.DecimalField(label=_("Percent"), required=False, max_digits=5, decimal_places=2)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("percent") is None and not data.get("due_on")


InstallmentFormSet = forms.formset_factory(InstallmentForm, extra=0, max_num=24, absolute_max=24)
