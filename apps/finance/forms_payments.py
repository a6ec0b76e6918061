"""Forms of the payment pages: shape only; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.academics.models import Student
from apps.finance.models import MANUAL_CHANNELS, Channel, Invoice, Payment
from apps.finance.selectors_payments import student_open_invoices
from apps.ledger.forms import DATE
from apps.ledger.forms_expenses import MoneyField
from apps.ledger.models import Account


class PaymentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=80,
                        help_text=_("Student, receipt number or reference"))
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]
        self.fields["status"].choices = [("", _("All statuses")), *Payment.Status.choices]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"search": data["q"] or "", "channel": data["channel"] or "", "status": data["status"] or "",
                "date_from": data["date_from"], "date_to": data["date_to"]}


def receiving_accounts():
    """Where money handed in at the school can go: the cash account and the bank accounts."""
    return Account.objects.filter(purpose__in=(Account.Purpose.CASH, Account.Purpose.BANK), is_group=False,
                                  is_active=True).order_by("code")


class PaymentForm(forms.Form):
    """Cash, a cheque or a bank deposit slip handed in for a student."""

    student = forms.ModelChoiceField(label=_("Student"), queryset=Student.objects.all(), widget=forms.HiddenInput,
                                     error_messages={"required": _("Choose the student first."),
                                                     "invalid_choice": _("Choose the student first.")})
    invoice = forms.ModelChoiceField(label=_("Invoice"), queryset=Invoice.objects.none(), required=False,
                                     empty_label=_("Oldest first"),
                                     help_text=_("The invoice the payer names; the rest settles the oldest "
                                                 "instalments, then is kept as credit."))
    amount = MoneyField(label=_("Amount"))
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in MANUAL_CHANNELS])
    account = forms.ModelChoiceField(label=_("Received into"), queryset=None, required=False,
                                     empty_label=_("The usual account for the channel"))
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False,
                                help_text=_("The cheque or deposit slip number."))
    payer_name = forms.CharField(label=_("Paid by (name)"), max_length=120, required=False)
    payer_phone = forms.CharField(label=_("Payer's phone"), max_length=20, required=False,
                                  widget=forms.TextInput(attrs={"inputmode": "tel"}))
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, student: Student | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = receiving_accounts()
        if student is not None:
            self.fields["invoice"].queryset = student_open_invoices(student)
            self.fields["invoice"].label_from_instance = lambda i: (
                f"{i.control_number} · {i.term} · {i.balance:,.2f}")


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Why the payment is undone (kept with it): a bounced cheque, the "
                                         "wrong student…"))
