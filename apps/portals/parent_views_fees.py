"""The parent portal's fees (/parent/fees/): each child's balance and credit; for the chosen child his
invoices (control number first, lines, instalments paid or not), his payments with their receipts, and how
to pay (the school's payment channels with the control number filled in, or cash at the bursar's office).
A small page for phones on slow connections: no charts, no scripts. Only his own children: a receipt of
anyone else's child is a 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.finance import selectors_parent as selectors
from apps.portals.parent_views import _children_and_child, _context

try:  # receipts (PDF) of the payments part, when it is there
    from apps.finance.receipts import receipt_download_name, receipt_pdf_bytes
except ImportError:  # pragma: no cover
    receipt_pdf_bytes = receipt_download_name = None


def receipts_available(payment) -> bool:
    return receipt_pdf_bytes is not None or bool(payment.receipt_pdf)


@role_required(Role.PARENT)
def fees(request):
    children, child = _children_and_child(request)
    currency = getattr(request.tenant, "currency", "TZS")
    data = selectors.parent_fees(user=request.user, child=child, currency=currency)
    for c in children:
        c.fees = data["balances"].get(c.pk)
    for payment in data["payments"]:
        payment.has_receipt = payment.status == payment.Status.POSTED and receipts_available(payment)
    return render(request, "portals/parent_fees.html", _context(children, child, currency=currency,
                                                                   today=timezone.localdate(), **data))


@role_required(Role.PARENT)
def fee_receipt(request, pk):
    payment = selectors.payment_get_for_parent(user=request.user, pk=pk)
    if receipt_pdf_bytes is not None:
        pdf, name = receipt_pdf_bytes(payment), receipt_download_name(payment)
    elif payment.receipt_pdf:
        with payment.receipt_pdf.open("rb") as handle:
            pdf = handle.read()
        name = f"{payment.receipt_number}.pdf"
    else:
        raise Http404("Not found")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
