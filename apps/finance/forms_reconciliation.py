"""Forms of the reconciliation console: choosing an invoice by hand (by control number or admission
number), sharing a payment between siblings, setting a line aside and undoing a match."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.finance.models import Invoice
from apps.finance.services_payments import OPEN

SPLIT_ROWS = 4


def invoice_find(text: str) -> Invoice | None:
    """The invoice a bursar means: its control number (spaces allowed), its reference (INV-000123) or a
    student's admission number (that student's oldest open invoice)."""
    value = (text or "").strip()
    if not value:
        return None
    digits = "".join(ch for ch in value if not ch.isspace() and ch != "-")
    invoices = Invoice.objects.select_related("student")
    if digits.isdigit() and len(digits) == 12:
        return invoices.filter(control_number=digits).first()
    if value.upper().startswith("INV-") and value[4:].isdigit():
        return invoices.filter(pk=int(value[4:])).first()
    return (invoices.filter(Q(student__admission_number__iexact=value), status__in=OPEN)
            .order_by("issued_on", "pk").first())


class InvoiceField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Control number, invoice (INV-000123) or admission number"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        invoice = invoice_find(value)
        if invoice is None or invoice.status == Invoice.Status.VOID:
            raise forms.ValidationError(_("No open invoice matches “%(value)s”."), params={"value": value},
                                        code="no_invoice")
        return invoice


class AssignForm(forms.Form):
    invoice = InvoiceField(label=_("Invoice"))


class SplitForm(forms.Form):
    """Up to four invoices (of different students) and the part of the money each gets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, SPLIT_ROWS + 1):
            self.fields[f"invoice_{n}"] = InvoiceField(label=_("Invoice"), required=n == 1)
            self.fields[f"amount_{n}"] = forms.DecimalField(label=_("Amount"), required=n == 1, min_value=Decimal(
                "0.01"), max_digits=14, decimal_places=2)

    def clean(self):
        data = super().clean()
        parts = []
        for n in range(1, SPLIT_ROWS + 1):
            invoice, amount = data.get(f"invoice_{n}"), data.get(f"amount_{n}")
            if invoice is None and amount is None:
                continue
            if invoice is None or amount is None:
                raise forms.ValidationError(_("Give each part an invoice and an amount."), code="incomplete")
            parts.append((invoice, amount))
        data["parts"] = parts
        return data

    def rows(self):
        return [(self[f"invoice_{n}"], self[f"amount_{n}"]) for n in range(1, SPLIT_ROWS + 1)]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
