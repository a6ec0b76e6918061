"""Forms of the statement pages: shape only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.finance.models import StatementMapping
from apps.finance.services_statements import statement_accounts

ACCEPT = ".csv,.txt,.xlsx,.sta,.mt940,.940,.xml,.ofx,.qfx"
COLUMN_LABELS = {
    "date": _("Date"), "amount": _("Amount (signed, money in positive)"), "credit": _("Credit (money in)"),
    "debit": _("Debit (money out)"), "narrative": _("Narrative"), "reference": _("Bank reference"),
    "payer_name": _("Payer's name"), "payer_phone": _("Payer's phone"), "balance": _("Balance"),
}


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class UploadForm(forms.Form):
    account = AccountChoice(label=_("Account"), queryset=None, empty_label=_("Choose…"))
    file = forms.FileField(label=_("Statement file"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text=_("CSV or XLSX export, MT940, CAMT.053 (XML) or OFX."))
    mapping = forms.ModelChoiceField(label=_("Columns (CSV/XLSX)"), queryset=None, required=False,
                                     empty_label=_("Detect from the header row"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = statement_accounts()
        self.fields["mapping"].queryset = StatementMapping.objects.order_by("name")


class ConfirmForm(forms.Form):
    accept_rejected = forms.BooleanField(label=_("Import the good lines only"), required=False)


class MappingForm(forms.Form):
    """A column mapping: each field a column of the header row (a choice when the header is known)."""

    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("Such as “CRDB SimBanking CSV”."))
    date_format = forms.CharField(label=_("Date format"), max_length=20, initial="%d/%m/%Y", required=False,
                                  help_text=_("%d/%m/%Y for 31/01/2026; %Y-%m-%d for 2026-01-31."))
    skip_rows = forms.IntegerField(label=_("Rows before the header"), min_value=0, initial=0)

    def __init__(self, *args, headers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in COLUMN_LABELS.items():
            if headers:
                choices = [("", _("— not in the file —"))] + [(name, name) for name in headers if name]
                self.fields[key] = forms.ChoiceField(label=label, choices=choices, required=False)
            else:
                self.fields[key] = forms.CharField(label=label, max_length=80, required=False,
                                                   help_text=_("The column's header, as in the file."))

    def columns(self) -> dict:
        return {key: self.cleaned_data.get(key) or "" for key in COLUMN_LABELS}
