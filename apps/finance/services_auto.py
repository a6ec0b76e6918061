"""Automatic invoicing, called explicitly by the academics services (no signals): a student admitted while
the school's current term has fees for the student's class is invoiced at once; a term that becomes the
current one starts the bulk invoicing job for every class with fees that term. Only in schools with the
fees module switched on. Admission never fails for it: a refusal is logged and skipped."""

import logging

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.academics.models import Student, Term
from apps.finance.models import FeeStructure, Invoice

logger = logging.getLogger(__name__)


def finance_enabled() -> bool:
    from apps.platform.models import Tenant

    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant) or tenant.schema_name != connection.schema_name:
        tenant = Tenant.objects.filter(schema_name=connection.schema_name).first()
    return tenant is not None and tenant.module_enabled("finance")


def invoice_on_enrolment(*, student: Student, actor, request=None) -> list[Invoice]:
    """Issue the newly admitted student's invoices for the current term, when the class has fees for it;
    nothing (logged) otherwise or when invoicing refuses."""
    from apps.finance.services import invoices_issue

    if student.stream_id is None or not finance_enabled():
        return []
    term = Term.objects.filter(is_current=True).first()
    if term is None or not FeeStructure.objects.filter(term=term, school_class_id=student.stream.school_class_id,
                                                       items__isnull=False).exists():
        logger.info("no fees to invoice on admission", extra={"student": student.pk})
        return []
    try:
        with transaction.atomic():
            return invoices_issue(student=student, term=term, actor=actor, request=request)
    except ValidationError as error:
        logger.info("admission not invoiced: %s", "; ".join(error.messages), extra={"student": student.pk})
        return []


def invoicing_on_term_open(*, term: Term, actor) -> list:
    """Start the bulk invoicing job of every class with fees in `term` (each job skips who is invoiced)."""
    from apps.finance.jobs import invoice_class_start

    if not finance_enabled():
        return []
    structures = (FeeStructure.objects.filter(term=term, items__isnull=False).distinct()
                  .select_related("school_class", "term"))
    return [invoice_class_start(term=term, school_class=s.school_class, actor=actor) for s in structures]
