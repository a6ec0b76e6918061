"""Forms of the payment channel pages and the sandbox simulator: shape only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.academics.phones import phone_normalise
from apps.finance.models import Channel
from apps.ledger.models import Account

LOOK_ALIKES = [(c.value, c.label) for c in Channel if c.value in ("mpesa", "airtel", "tigopesa", "nmb", "crdb", "nbc")]


class SandboxPaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=1, max_digits=14, decimal_places=2,
                                widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    reference = forms.CharField(label=_("Reference (control number)"), max_length=120)
    via = forms.ChoiceField(label=_("Paid through (looks like)"), choices=LOOK_ALIKES, initial="mpesa")
    phone = forms.CharField(label=_("Payer's phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    name = forms.CharField(label=_("Payer's name"), max_length=120, required=False)

    def clean_phone(self):
        return phone_normalise(self.cleaned_data["phone"])


class PaymentChannelForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("Accept notifications"), required=False)
    account = forms.ModelChoiceField(label=_("Received into"), queryset=None)
    business_number = forms.CharField(label=_("Paybill, merchant or account number"), max_length=40, required=False)
    account_name = forms.CharField(label=_("Account name"), max_length=120, required=False)
    instructions = forms.CharField(label=_("How to pay"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("{control_number}, {amount} and {business_number} are filled in."))
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000)
    secret = forms.CharField(label=_("New signing secret"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=_("Leave empty to keep the current one."))

    def __init__(self, *args, can_set_secret: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(
            is_group=False, is_active=True,
            purpose__in=[Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET]).order_by("code")
        if not can_set_secret:
            del self.fields["secret"]
