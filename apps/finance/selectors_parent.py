"""What a parent reads about fees, only ever for his own children: each child's balance and credit, a child's
invoices (lines, instalments) and payments, one payment for a receipt (404 when not his child's), and how
to pay the school (its enabled payment channels with their instructions filled in)."""

from django.db.models import F, Prefetch, Sum
from django.http import Http404

from apps.academics.selectors import children_for_guardian
from apps.finance.models import ZERO, Invoice, InvoiceInstallment, Payment, PaymentChannel

try:  # the payments console's balance selector, when the fees payments part is there
    from apps.finance.selectors_payments import student_balances
except ImportError:  # pragma: no cover
    student_balances = None

OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)


def child_balances(*, student_ids) -> dict[int, dict]:
    """{student id: {"balance", "credit"}}: what is still owed (the open invoices' balance less credit
    not yet applied; negative: the school holds credit) and the unallocated part of posted payments (two
    queries for any number of children)."""
    if student_balances is not None:
        return {pk: {"balance": row["balance"], "credit": row["credit"]}
                for pk, row in student_balances(student_ids).items()}
    result = {pk: {"balance": ZERO, "credit": ZERO} for pk in student_ids}
    if not result:
        return result
    owed = (Invoice.objects.filter(student_id__in=result, status__in=OPEN).values("student_id")
            .annotate(balance=Sum(F("total") - F("paid") - F("credited"))).order_by())
    for row in owed:
        result[row["student_id"]]["balance"] = row["balance"] or ZERO
    credit = (Payment.objects.filter(student_id__in=result, status=Payment.Status.POSTED)
              .filter(allocated__lt=F("amount") - F("refunded")).values("student_id")
              .annotate(credit=Sum(F("amount") - F("allocated") - F("refunded"))).order_by())
    for row in credit:
        result[row["student_id"]]["credit"] = row["credit"] or ZERO
        result[row["student_id"]]["balance"] -= row["credit"] or ZERO
    return result


def child_invoices(*, student) -> list[Invoice]:
    """The child's invoices that are not void, newest first, with their lines and instalments."""
    return list(Invoice.objects.filter(student=student).exclude(status=Invoice.Status.VOID)
                .select_related("term__year")
                .prefetch_related("lines", Prefetch("installments", queryset=InvoiceInstallment.objects.order_by("number")))
                .order_by("-issued_on", "-id"))


def child_payments(*, student) -> list[Payment]:
    return list(Payment.objects.filter(student=student).order_by("-received_on", "-id"))


def payment_get_for_parent(*, user, pk) -> Payment:
    """A posted payment of one of the parent's children; 404 for anything else."""
    try:
        return Payment.objects.select_related("student").get(
            pk=int(pk), status=Payment.Status.POSTED, student__in=children_for_guardian(user=user))
    except (Payment.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None


def _fill(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def how_to_pay(*, invoice: Invoice | None, currency: str = "TZS") -> list[dict]:
    """The school's enabled payment channels in their order, each with its instructions naming the invoice's
    control number and balance."""
    amount = invoice.balance if invoice is not None else ZERO
    amount_text = f"{currency} {amount:,.0f}" if amount == amount.to_integral_value() else f"{currency} {amount:,.2f}"
    control = invoice.control_number if invoice is not None else ""
    channels = []
    # the sandbox is the school's own test channel: parents never pay through it
    for channel in PaymentChannel.objects.filter(is_enabled=True).exclude(provider="sandbox").order_by("order",
                                                                                                      "provider"):
        values = {"control_number": control, "amount": amount_text, "business_number": channel.business_number}
        channels.append({"provider": channel.provider, "label": channel.get_provider_display(),
                         "business_number": channel.business_number, "account_name": channel.account_name,
                         "instructions": _fill(channel.instructions or "", values)})
    return channels


def parent_fees(*, user, child, currency: str = "TZS") -> dict:
    """Everything of the fees page: every child's balance and credit, and for the chosen child his invoices,
    payments and how to pay the invoice to pay next (the open one due first)."""
    children = list(children_for_guardian(user=user))
    ids = [c.pk for c in children]
    if child is not None and child.pk not in ids:
        raise Http404("Not found")
    balances = child_balances(student_ids=ids)
    if child is None:
        return {"balances": balances, "invoices": [], "payments": [], "channels": [], "pay_next": None}
    invoices = child_invoices(student=child)
    open_invoices = sorted((i for i in invoices if i.is_open and i.balance > 0), key=lambda i: (i.due_on, i.pk))
    pay_next = open_invoices[0] if open_invoices else None
    for invoice in invoices:
        invoice.next_due = next((p.due_on for p in invoice.installments.all() if p.paid < p.amount), None)
    return {"balances": balances, "invoices": invoices, "payments": child_payments(student=child),
            "pay_next": pay_next, "open_invoices": open_invoices,
            "channels": how_to_pay(invoice=pay_next, currency=currency) if pay_next else []}

