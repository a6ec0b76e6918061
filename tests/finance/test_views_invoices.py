"""The invoice pages: who sees them, the list's filters and totals, issuing for a class (who was skipped and
why) and for one student, the invoice's page, voiding with a reason, bounded queries, and school B seeing none
of school A's invoices."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.academics.models import Student
from apps.finance.models import Invoice
from apps.finance.services import invoice_issue
from apps.jobs.models import Job
from apps.jobs.services import job_run
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=3)
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "parent": UserFactory(role="parent"), **setup}


def _issue(school, cast, index=0):
    with schema_context(school.schema_name):
        return invoice_issue(student=cast["students"][index], term=cast["term"], actor=cast["admin"])


@pytest.mark.parametrize("role", ["admin", "accountant"])
def test_pages_for_bookkeepers(client, school_a, cast, role):
    invoice = _issue(school_a, cast)
    console_login(client, school_a, cast[role])
    body = client.get(reverse("finance:invoice-list")).content.decode()
    assert invoice.control_number in body and "TZS 550,000.00" in body
    detail = client.get(reverse("finance:invoice-detail", args=[invoice.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert invoice.control_number in text and "Parents quote this number when they pay through:" in text and "Cash at the bursar" in text and "Tuition" in text and "Meals" in text
    assert "275,000.00" in text and "110,000.00" in text  # instalments
    assert reverse("ledger:entry-detail", args=[invoice.issue_entry_id]) in text
    assert str(cast["guardians"][0]) in text


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(client, school_a, cast, role):
    invoice = _issue(school_a, cast)
    console_login(client, school_a, cast[role])
    assert client.get(reverse("finance:invoice-list")).status_code == 403
    assert client.get(reverse("finance:invoice-detail", args=[invoice.pk])).status_code == 403
    assert client.post(reverse("finance:invoice-issue"), {"term": cast["term"].pk,
                                                          "school_class": cast["school_class"].pk}).status_code == 403
    assert client.post(reverse("finance:invoice-void", args=[invoice.pk]), {"reason": "x"}).status_code == 403
    with schema_context(school_a.schema_name):
        assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED


def test_issue_for_a_class_starts_a_job_whose_page_says_who_was_skipped(client, school_a, cast):
    already = _issue(school_a, cast, 0)
    with schema_context(school_a.schema_name):
        gone = cast["students"][2]
        Student.objects.filter(pk=gone.pk).update(status=Student.Status.TRANSFERRED)
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("finance:invoice-issue"),
                           {"term": cast["term"].pk, "school_class": cast["school_class"].pk})
    with schema_context(school_a.schema_name):
        job = Job.objects.get(kind="finance.invoice_class")
        assert response.status_code == 302 and response.url == reverse("jobs:job-detail", args=[job.pk])
        assert job.started_by == cast["accountant"] and job.params["term_id"] == cast["term"].pk
        job_run(job_id=job.pk)
    body = client.get(response.url).content.decode()
    assert "1 invoice issued" in body and "2 students skipped" in body
    assert "already has an invoice" in body and "not active" in body
    with schema_context(school_a.schema_name):
        live = Invoice.objects.exclude(status=Invoice.Status.VOID)
        assert set(live.values_list("student_id", flat=True)) == {cast["students"][0].pk, cast["students"][1].pk}
        assert live.count() == 2 and already.pk in live.values_list("pk", flat=True)
    again = client.post(reverse("finance:invoice-issue"),
                        {"term": cast["term"].pk, "school_class": cast["school_class"].pk})
    with schema_context(school_a.schema_name):
        job_run(job_id=Job.objects.filter(kind="finance.invoice_class").order_by("-created_at").first().pk)
    assert "0 invoices issued" in client.get(again.url).content.decode()


def test_issue_one_student_and_refusals(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    student = cast["students"][1]
    response = client.post(reverse("finance:invoice-issue"), {"term": cast["term"].pk, "student": student.pk})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        invoice = Invoice.objects.get(student=student)
    assert response["Location"] == reverse("finance:invoice-detail", args=[invoice.pk])
    twice = client.post(reverse("finance:invoice-issue"), {"term": cast["term"].pk, "student": student.pk})
    assert twice.status_code == 400 and "already has an invoice" in twice.content.decode()
    nothing = client.post(reverse("finance:invoice-issue"), {"term": cast["term"].pk})
    assert nothing.status_code == 400 and "Choose a class" in nothing.content.decode()
    with schema_context(school_a.schema_name):
        assert Invoice.objects.count() == 1


def test_void(client, school_a, cast):
    invoice = _issue(school_a, cast)
    console_login(client, school_a, cast["accountant"])
    url = reverse("finance:invoice-void", args=[invoice.pk])
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    with schema_context(school_a.schema_name):
        assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED
    response = client.post(url, {"reason": "Issued to the wrong class"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.VOID and invoice.void_entry_id
    detail = client.get(reverse("finance:invoice-detail", args=[invoice.pk])).content.decode()
    assert "Issued to the wrong class" in detail and reverse("ledger:entry-detail", args=[invoice.void_entry_id]) \
        in detail
    twice = client.post(url, {"reason": "Again"})
    assert twice.status_code == 400 and "cannot be voided" in twice.content.decode()


def test_list_filters_and_search(client, school_a, cast):
    first, second = _issue(school_a, cast, 0), _issue(school_a, cast, 1)
    console_login(client, school_a, cast["admin"])
    url = reverse("finance:invoice-list")
    by_control = client.get(url, {"q": second.control_number}).content.decode()
    assert second.control_number in by_control and first.control_number not in by_control
    by_name = client.get(url, {"q": cast["students"][0].admission_number}).content.decode()
    assert first.control_number in by_name and second.control_number not in by_name
    filtered = client.get(url, {"term": cast["term"].pk, "school_class": cast["school_class"].pk,
                                "status": "void"}).content.decode()
    assert "No invoices match." in filtered


def test_list_queries_bounded(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        extra = fee_setup(actor=cast["admin"], level=2, students=8, term=cast["term"])
        for student in [*cast["students"], *extra["students"]]:
            invoice_issue(student=student, term=cast["term"], actor=cast["admin"])
    console_login(client, school_a, cast["admin"])
    with django_assert_max_num_queries(30):
        response = client.get(reverse("finance:invoice-list"))
    assert response.status_code == 200 and response.content.decode().count("INV-") >= 11


def test_school_b_sees_none(client, school_a, school_b, cast, admin_b):
    invoice = _issue(school_a, cast)
    console_login(client, school_b, admin_b)
    body = client.get(reverse("finance:invoice-list")).content.decode()
    assert invoice.control_number not in body and "No invoices match." in body
    assert client.get(reverse("finance:invoice-detail", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("finance:invoice-void", args=[invoice.pk]), {"reason": "x"}).status_code == 404
    with schema_context(school_a.schema_name):
        assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED
