"""Bulk invoicing as a job (progress, the result: issued and skipped with reasons) and automatic invoicing:
a student admitted while the current term has fees for the class is invoiced at once (quietly skipped when
there are none, never failing the admission), a term becoming current starts the class jobs; nothing of it
when the school switched the fees module off."""

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from apps.academics.models import Student
from apps.academics.services import student_admit, term_set_current
from apps.finance.jobs import invoice_class_start
from apps.finance.models import Invoice
from apps.finance.services_discounts import discount_rule_create
from apps.jobs.models import Job
from apps.jobs.services import job_run
from apps.platform.models import Tenant
from tests.academics.factories import AcademicYearFactory, TermFactory
from tests.finance.factories_invoices import fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=3)


def test_the_class_job_issues_reports_progress_and_says_who_was_skipped(admin_a, setup,
                                                                       django_capture_on_commit_callbacks):
    Student.objects.filter(pk=setup["students"][2].pk).update(status=Student.Status.LEFT)
    discount_rule_create(actor=admin_a, name="Full", kind="scholarship", value_type="percent", value=Decimal("100"),
                         student=setup["students"][1], starts_on=datetime.date(2026, 1, 1))
    job = invoice_class_start(term=setup["term"], school_class=setup["school_class"], actor=admin_a)
    assert job.kind == "finance.invoice_class" and job.status == Job.Status.QUEUED
    assert setup["school_class"].name in job.title

    job = job_run(job_id=job.pk)

    assert job.status == Job.Status.SUCCEEDED and (job.progress, job.total) == (3, 3)
    assert job.result["issued"] == 1 and job.result["total"] == "550000.00"
    reasons = {row["student"]: row["reason"] for row in job.result["skipped"]}
    assert "fully covered by Full" in reasons[setup["students"][1].full_name]
    assert "not active" in reasons[setup["students"][2].full_name]
    assert Invoice.objects.get().student == setup["students"][0]


def test_admission_invoices_the_student_when_the_class_has_fees_this_term(admin_a, setup):
    student = student_admit(first_name="Neema", last_name="Mollel", sex="F", stream=setup["stream"], actor=admin_a)
    invoice = Invoice.objects.get(student=student)
    assert invoice.term == setup["term"] and invoice.total == Decimal("550000.00")


def test_admission_without_fees_or_with_fees_off_invoices_nothing_and_admits(admin_a, setup, school_a):
    other = fee_setup(actor=admin_a, students=0, level=3, term=TermFactory(
        year=AcademicYearFactory(name="2030", starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2030, 12, 31),
                              is_current=False),
        starts_on=datetime.date(2030, 1, 10), ends_on=datetime.date(2030, 6, 1), is_current=False))
    student = student_admit(first_name="Juma", last_name="Kweka", sex="M", stream=other["stream"], actor=admin_a)
    assert student.pk and not Invoice.objects.filter(student=student).exists()  # its class has no fees this term
    Tenant.objects.filter(pk=school_a.pk).update(disabled_modules=["finance"])
    school_a.refresh_from_db()
    with schema_context(school_a.schema_name):
        student = student_admit(first_name="Asha", last_name="Kweka", sex="F", stream=setup["stream"], actor=admin_a)
    assert student.pk and not Invoice.objects.filter(student=student).exists()
    Tenant.objects.filter(pk=school_a.pk).update(disabled_modules=[])


def test_a_term_becoming_current_starts_the_class_jobs(admin_a, setup, django_capture_on_commit_callbacks):
    other = TermFactory(year=setup["term"].year, number=2, starts_on=datetime.date(2026, 7, 1),
                        ends_on=datetime.date(2026, 9, 30), is_current=False)
    fee_setup(actor=admin_a, students=1, level=2, term=other)
    term_set_current(term=other, actor=admin_a)
    jobs = Job.objects.filter(kind="finance.invoice_class")
    assert jobs.count() == 1 and jobs.get().params["term_id"] == other.pk
    job_run(job_id=jobs.get().pk)
    assert Invoice.objects.filter(term=other).count() == 1
