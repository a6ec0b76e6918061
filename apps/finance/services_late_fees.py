"""Late fees: the nightly run that charges each active late-fee rule once on every instalment of an open
invoice still unpaid the rule's number of days after it fell due. A charge adds a late-fee line to the
invoice, raises its total and the instalment, and posts Dr fee receivables / Cr the rule category's income
account. The pair (rule, instalment) is unique and each charge is made under the invoice's row lock, so a
second run, or two runs at once, charge nothing twice."""

import datetime
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.finance.models import Invoice, InvoiceInstallment, InvoiceLine, LateFeeCharge, LateFeeRule
from apps.finance.services_payments import invoice_status_refresh
from apps.ledger.charts import account_for
from apps.ledger.models import Account, JournalEntry
from apps.ledger.services import Line, entry_post

logger = logging.getLogger(__name__)
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)


def late_fee_amount(rule: LateFeeRule, unpaid: Decimal) -> Decimal:
    if rule.value_type == LateFeeRule.ValueType.PERCENT:
        return (unpaid * rule.value / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return rule.value


def _charge(*, rule: LateFeeRule, installment_id: int, on: datetime.date, actor) -> LateFeeCharge | None:
    """Charge `rule` on one instalment, if it still owes and has not been charged; None otherwise."""
    with transaction.atomic():
        installment = InvoiceInstallment.objects.filter(pk=installment_id).only("invoice_id").first()
        if installment is None:
            return None
        invoice = Invoice.objects.select_for_update().select_related("student", "term").get(pk=installment.invoice_id)
        installment = InvoiceInstallment.objects.select_for_update().get(pk=installment_id)
        if (invoice.status not in OPEN or installment.paid >= installment.amount
                or LateFeeCharge.objects.filter(rule=rule, installment=installment).exists()):
            return None
        value = late_fee_amount(rule, installment.amount - installment.paid)
        if value <= 0:
            return None
        line = InvoiceLine.objects.create(
            invoice=invoice, category=rule.category, kind=InvoiceLine.Kind.LATE_FEE, amount=value,
            description=(_("%(rule)s: instalment %(n)s due %(due)s") % {
                "rule": rule.name, "n": installment.number, "due": installment.due_on.isoformat()})[:120])
        entry = entry_post(
            date=on, memo=_("Late fee %(ref)s: %(student)s") % {"ref": invoice.reference,
                                                                "student": invoice.student.full_name},
            source=JournalEntry.Source.INVOICE, source_object=invoice, actor=actor, lines=[
                Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), debit=value,
                     student=invoice.student, description=invoice.control_number),
                Line(account=rule.category.income_account, credit=value, student=invoice.student,
                     description=invoice.reference)])
        try:
            with transaction.atomic():
                charge = LateFeeCharge.objects.create(rule=rule, installment=installment, line=line, amount=value,
                                                      entry=entry, charged_on=on)
        except IntegrityError:  # charged by a run that got here first: undo this one
            transaction.set_rollback(True)
            return None
        InvoiceInstallment.objects.filter(pk=installment.pk).update(amount=F("amount") + value)
        invoice.total += value
        invoice_status_refresh(invoice)
        invoice.save(update_fields=["total", "status"])
        audit_record(action="finance.late_fee_charge", actor=actor, target=invoice, detail={
            "rule": rule.pk, "installment": installment.number, "amount": str(value)})
        return charge


def late_fees_apply(*, on: datetime.date, actor=None) -> dict:
    """Charge every active late-fee rule on the instalments that are due for it on `on`; each charge in
    its own transaction. Returns how many were charged and their total, and what failed (logged)."""
    charged, total, failed = 0, Decimal("0.00"), []
    for rule in LateFeeRule.objects.filter(is_active=True).select_related("category__income_account"):
        due = (InvoiceInstallment.objects
               .filter(invoice__status__in=OPEN, paid__lt=F("amount"),
                       due_on__lte=on - datetime.timedelta(days=rule.days_after_due))
               .exclude(late_fees__rule=rule).order_by("id").values_list("id", flat=True))
        for installment_id in list(due):
            try:
                charge = _charge(rule=rule, installment_id=installment_id, on=on, actor=actor)
            except Exception as error:  # one bad instalment (a closed month) stops no other
                logger.warning("late fee not charged", exc_info=True,
                               extra={"rule": rule.pk, "installment": installment_id})
                failed.append({"rule": rule.pk, "installment": installment_id,
                               "error": "; ".join(getattr(error, "messages", None) or [str(error)])[:300]})
                continue
            if charge is not None:
                charged += 1
                total += charge.amount
    return {"charged": charged, "total": str(total), "failed": failed, "on": on.isoformat()}
