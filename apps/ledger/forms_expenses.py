"""Forms of the supplier and expense pages: shape only; the services decide what is allowed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.ledger.forms import DATE
from apps.ledger.models import Expense, Supplier
from apps.ledger.selectors_expenses import expense_categories, payment_accounts
from apps.ledger.services import amount as parse_amount


class MoneyField(forms.CharField):
    """An amount as people type it ("150,000", "150000.50"), to the cent; never a float."""

    def __init__(self, *args, min_value=None, **kwargs):
        self.min_value = min_value
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            result = parse_amount(value.replace(",", "").replace(" ", ""), field="value")
        except ValidationError as error:
            raise ValidationError(error.message_dict["value"]) from None
        if self.min_value is not None and result < self.min_value:
            raise ValidationError(_("Give at least %(min)s.") % {"min": self.min_value})
        return result


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    contact_person = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            help_text=_("As you would dial it, e.g. 0712 345 678."))
    email = forms.EmailField(label=_("Email"), required=False)
    tin = forms.CharField(label=_("TIN"), max_length=20, required=False, help_text=_("Taxpayer identification number."))
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def for_supplier(cls, supplier: Supplier):
        return cls(initial={field: getattr(supplier, field) for field in cls.base_fields})


class ExpenseForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, empty_label=_("Choose…"))
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=None, required=False,
                                      empty_label=_("No supplier (an expense claim)"))
    description = forms.CharField(label=_("Description"), max_length=250)
    incurred_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = MoneyField(label=_("Amount"), min_value=0)
    tax = MoneyField(label=_("Tax"), required=False, min_value=0,
                     help_text=_("VAT or other tax on the bill. The school is not VAT-registered, so tax is part of "
                                 "the cost: the total (amount + tax) is charged to the category."))
    reference = forms.CharField(label=_("Supplier's reference"), max_length=60, required=False,
                                help_text=_("The bill or invoice number on the supplier's paper."))
    receipt = forms.FileField(label=_("Receipt"), required=False,
                              help_text=_("A photo (JPEG or PNG) or a PDF, at most 5 MB."),
                              widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = expense_categories()
        self.fields["supplier"].queryset = Supplier.objects.filter(is_active=True).order_by("name")


class ExpenseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Every status")), *Expense.Status.choices])
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("Every category"))
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=None, required=False,
                                      empty_label=_("Every supplier"))
    month = forms.DateField(label=_("Month"), required=False, input_formats=["%Y-%m"],
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = expense_categories()
        self.fields["supplier"].queryset = Supplier.objects.order_by("name")

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or "", "category": data.get("category"),
                "supplier": data.get("supplier"), "month": data.get("month")}


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PayForm(forms.Form):
    paid_from = forms.ModelChoiceField(label=_("Paid from"), queryset=None, empty_label=_("Choose…"),
                                       help_text=_("The cash box, bank account or mobile-money wallet."))
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False,
                                help_text=_("Cheque number, bank transfer or mobile-money transaction ID."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_from"].queryset = payment_accounts()


class ExpenseSettingsForm(forms.Form):
    expense_approval_threshold = MoneyField(
        label=_("Approval threshold"), min_value=0,
        help_text=_("Expenses whose total (amount + tax) is above this wait for a school admin's approval, and "
                    "the person who entered one cannot approve it. At or below it they are approved at once."))
