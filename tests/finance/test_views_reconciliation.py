"""The reconciliation console: who sees it, the account cards and tabs, confirming a suggestion in one click
(HTMX), assigning, splitting across siblings, setting aside, undoing, starting the matching job, bounded
queries, and school B seeing none of school A's lines."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import Invoice, MatchSuggestion, Payment, Statement, StatementLine
from apps.finance.services import invoice_issue
from apps.finance.services_payments import account_for_channel
from apps.finance.services_reconciliation import statement_reconcile
from apps.jobs.models import Job
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup

DAY = datetime.date(2026, 1, 15)


def _slip(number: str) -> str:
    for i in range(5, 11):
        if number[i] != number[i + 1]:
            return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    raise AssertionError(number)


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=3)
        invoices = [invoice_issue(student=s, term=setup["term"], actor=admin_a, issued_on=datetime.date(2026, 1, 12))
                    for s in setup["students"]]
        statement = Statement.objects.create(
            account=account_for_channel("crdb"), file="statements/t.csv", filename="crdb-january.csv", format="csv",
            status=Statement.Status.IMPORTED, uploaded_by=admin_a, period_start=DAY, period_end=DAY,
            closing_balance=Decimal("1000000"))
        rows = [("20000", "FEES " + _slip(invoices[0].control_number)), ("400000", "FEES FOR TWO"),
                ("100000", invoices[2].control_number), ("7000", "UNKNOWN")]
        lines = [StatementLine.objects.create(statement=statement, account=statement.account, line_number=n, date=DAY,
                                              amount=Decimal(a), narrative=t, dedupe_key=f"hash:{n}")
                 for n, (a, t) in enumerate(rows, start=1)]
        statement_reconcile(statement=statement, actor=admin_a)
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"), "teacher": UserFactory(role="teacher"),
                "parent": UserFactory(role="parent"), "invoices": invoices, "lines": lines, "statement": statement}


@pytest.mark.parametrize("role", ["admin", "accountant"])
def test_page_for_bookkeepers(client, school_a, cast, role):
    console_login(client, school_a, cast[role])
    body = client.get(reverse("finance:reconciliation")).content.decode()
    assert "FEES " + _slip(cast["invoices"][0].control_number) in body and "Reference with a typing slip" in body
    assert 'data-account-summary="1121"' in body and "1,000,000.00" in body
    unmatched = client.get(reverse("finance:reconciliation") + "?tab=unmatched").content.decode()
    assert "FEES FOR TWO" in unmatched and "Split across students" in unmatched
    matched = client.get(reverse("finance:reconciliation") + "?tab=matched").content.decode()
    assert "RCT-2026-000001" in matched and "Undo" in matched


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(client, school_a, cast, role):
    console_login(client, school_a, cast[role])
    line = cast["lines"][1]
    with schema_context(school_a.schema_name):
        suggestion = MatchSuggestion.objects.first()
    assert client.get(reverse("finance:reconciliation")).status_code == 403
    assert client.post(reverse("finance:reconciliation-confirm", args=[suggestion.pk])).status_code == 403
    assert client.post(reverse("finance:reconciliation-assign", args=["line", line.pk]),
                       {"invoice": cast["invoices"][1].control_number}).status_code == 403
    assert client.post(reverse("finance:reconciliation-ignore", args=["line", line.pk]),
                       {"reason": "x"}).status_code == 403
    assert client.post(reverse("finance:reconciliation-run")).status_code == 403
    with schema_context(school_a.schema_name):
        assert Payment.objects.count() == 1 and StatementLine.objects.get(pk=line.pk).status == "unmatched"


def test_confirm_in_one_click_returns_the_row(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    with schema_context(school_a.schema_name):
        suggestion = MatchSuggestion.objects.get(line=cast["lines"][0])
    response = client.post(reverse("finance:reconciliation-confirm", args=[suggestion.pk]), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and 'data-status="matched"' in text and "RCT-2026-000002" in text
    assert "<html" not in text
    again = client.post(reverse("finance:reconciliation-confirm", args=[suggestion.pk]), HTTP_HX_REQUEST="true")
    assert "already decided" in again.content.decode()
    with schema_context(school_a.schema_name):
        assert Payment.objects.filter(statement_line=cast["lines"][0]).count() == 1


def test_split_assign_ignore_and_undo(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    two, unknown = cast["lines"][1], cast["lines"][3]
    first, second = cast["invoices"][0], cast["invoices"][1]
    url = reverse("finance:reconciliation-split", args=["line", two.pk])
    wrong = client.post(url, {"invoice_1": first.control_number, "amount_1": "100000",
                              "invoice_2": second.student.admission_number, "amount_2": "100000"}, HTTP_HX_REQUEST="true")
    assert "add up to" in wrong.content.decode()
    response = client.post(url, {"invoice_1": first.control_number, "amount_1": "300000",
                                 "invoice_2": second.student.admission_number, "amount_2": "100000"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        assert sorted(Payment.objects.filter(statement_line=two).values_list("student_id", flat=True)) == sorted(
            [first.student_id, second.student_id])
    assert client.post(reverse("finance:reconciliation-ignore", args=["line", unknown.pk]),
                       {"reason": "bank interest"}).status_code == 302
    client.post(reverse("finance:reconciliation-undo", args=["line", two.pk]), {"reason": "wrong family"})
    with schema_context(school_a.schema_name):
        assert StatementLine.objects.get(pk=two.pk).status == "unmatched"
        assert StatementLine.objects.get(pk=unknown.pk).status == "ignored"
        assert Invoice.objects.get(pk=first.pk).paid == 0
    assign = client.post(reverse("finance:reconciliation-assign", args=["line", two.pk]),
                         {"invoice": "INV-%06d" % second.pk})
    assert assign.status_code == 302
    assert client.post(reverse("finance:reconciliation-assign", args=["thing", two.pk]), {}).status_code == 404


def test_run_starts_a_job(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("finance:reconciliation-run"), {"statement": cast["statement"].pk})
    with schema_context(school_a.schema_name):
        job = Job.objects.get(kind="finance.reconcile")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert job.params["statement_id"] == cast["statement"].pk


def test_page_queries_are_bounded(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        invoices = cast["invoices"]
        for n in range(30):
            line = StatementLine.objects.create(statement=cast["statement"], account=cast["statement"].account,
                                                line_number=100 + n, date=DAY, amount=Decimal("1000"),
                                                narrative=f"x {n}", dedupe_key=f"hash:x{n}")
            MatchSuggestion.objects.bulk_create([MatchSuggestion(line=line, invoice=i, amount=line.amount,
                                                                 rule="phone_amount", confidence=60) for i in invoices])
        StatementLine.objects.filter(line_number__gte=100).update(status="suggested")
    console_login(client, school_a, cast["accountant"])
    with django_assert_max_num_queries(60):
        response = client.get(reverse("finance:reconciliation"))
    assert response.content.decode().count("data-suggestion=") == 31 * 1 + 30 * 2


def test_school_b_sees_none_of_it(client, school_b, cast):
    with schema_context(school_b.schema_name):
        admin_b = UserFactory(role="school_admin")
        assert not StatementLine.objects.exists() and not MatchSuggestion.objects.exists()
    console_login(client, school_b, admin_b)
    body = client.get(reverse("finance:reconciliation")).content.decode()
    assert "FEES FOR TWO" not in body and "Nothing here." in body
    assert client.post(reverse("finance:reconciliation-ignore", args=["line", cast["lines"][1].pk]),
                       {"reason": "x"}).status_code == 404
