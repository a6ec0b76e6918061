"""Forms of the credit-note, write-off, refund and statement pages: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.finance.models import CreditNote, FeeCategory
from apps.ledger.forms import DATE
from apps.ledger.models import Account

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class CreditNoteFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *CreditNote.Kind.choices]
        self.fields["status"].choices = [("", _("All statuses")), *CreditNote.Status.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"kind": self.cleaned_data["kind"] or "", "status": self.cleaned_data["status"] or ""}


class CreditNoteForm(forms.Form):
    """Take an amount off an invoice: a credit note (posted at once) or a request to write it off."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (CreditNote.Kind.CREDIT_NOTE, _("Credit note (posted now)")),
        (CreditNote.Kind.WRITE_OFF, _("Write-off (a school admin approves)"))])
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    category = forms.ModelChoiceField(label=_("Fee category"), queryset=FeeCategory.objects.none(), required=False,
                                      empty_label=_("All the invoice's fees, in proportion"),
                                      help_text=_("Credit notes only: the fee whose income is reduced."))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, invoice=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invoice is not None:
            self.fields["category"].queryset = FeeCategory.objects.filter(
                invoice_lines__invoice=invoice).distinct().order_by("name")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Required when rejecting."))


def _paying_accounts():
    return Account.objects.filter(purpose__in=(Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET),
                                  is_group=False, is_active=True).order_by("code")


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    account = forms.ModelChoiceField(label=_("Paid from"), queryset=Account.objects.none(), empty_label=_("Choose…"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False,
                                help_text=_("Voucher, cheque or transaction number."))
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = _paying_accounts()


class StatementFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
