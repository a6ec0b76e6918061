"""Forms of the books' pages: accounts, the manual journal entry (a date, a memo and its lines), the
journal's filters, reversals and reopening a month. Forms check shape; the services check meaning."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.ledger.models import Account, JournalEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _groups():
    return Account.objects.filter(is_group=True).order_by("code")


class AccountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    type = forms.ChoiceField(label=_("Type"), choices=Account.Type.choices)
    parent = forms.ModelChoiceField(label=_("Under"), queryset=Account.objects.none(), required=False,
                                    empty_label=_("— top level —"))
    is_group = forms.BooleanField(label=_("Group (holds other accounts, takes no postings)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _groups()


class AccountEditForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ModelChoiceField(label=_("Under"), queryset=Account.objects.none(), required=False,
                                    empty_label=_("— top level —"))
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, account: Account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _groups().filter(type=account.type).exclude(pk=account.pk)


class EntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    memo = forms.CharField(label=_("Memo"), max_length=300)


class LineForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none(), required=False,
                                     empty_label="—")
    debit = forms.DecimalField(label=_("Debit"), required=False, min_value=0, max_digits=14, decimal_places=2)
    credit = forms.DecimalField(label=_("Credit"), required=False, min_value=0, max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts if accounts is not None else Account.objects.none()

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("account") or data.get("debit") or data.get("credit") or data.get("description"))


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, accounts=None, **kwargs):
        self.accounts = accounts
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "accounts": self.accounts}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, accounts=self.accounts, renderer=self.renderer)
        self.add_fields(form, None)
        return form


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, max_num=200, absolute_max=200)


class EntryFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none(), required=False,
                                     empty_label=_("Every account"))
    source = forms.ChoiceField(label=_("Source"), required=False,
                               choices=[("", _("Every source")), *JournalEntry.Source.choices])
    q = forms.CharField(label=_("Search the memo"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.order_by("code")


class ReverseForm(forms.Form):
    date = forms.DateField(label=_("Date of the reversal"), required=False, widget=DATE,
                           help_text=_("Today when left empty."))
    memo = forms.CharField(label=_("Memo"), required=False, max_length=300)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the month reopened?"), max_length=300)
