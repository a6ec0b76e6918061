"""The reconciliation console: who sees it, the account cards and tabs, a tab's pages (with and without HTMX),
confirming a suggestion in one click (HTMX), assigning, splitting across siblings, finding the invoice while
typing, setting aside (and the reason shown), undoing, starting the matching job, bounded queries, and school
B seeing none of school A's lines or invoices."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.finance.models import Invoice, MatchSuggestion, Payment, PaymentEvent, Statement, StatementLine
from apps.finance.services import invoice_issue
from apps.finance.services_payments import account_for_channel
from apps.finance.services_reconciliation import line_ignore, match_undo, statement_reconcile
from apps.jobs.models import Job
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup, transposed

DAY = datetime.date(2026, 1, 15)


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
        rows = [("20000", "FEES " + transposed(invoices[0].control_number)), ("400000", "FEES FOR TWO"),
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
    assert "FEES " + transposed(cast["invoices"][0].control_number) in body and "Reference with a typing slip" in body
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
    page = client.get(reverse("finance:reconciliation")).content.decode()
    before = dict(re.findall(r'id="tab-count-(\w+)">(\d+)<', page))
    with schema_context(school_a.schema_name):
        suggestion = MatchSuggestion.objects.get(line=cast["lines"][0])
    response = client.post(reverse("finance:reconciliation-confirm", args=[suggestion.pk]), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and 'data-status="matched"' in text and "RCT-2026-000002" in text
    assert "<html" not in text
    # the tabs' counts come along out of band: one fewer suggested, one more matched
    after = dict(re.findall(r'id="tab-count-(\w+)" hx-swap-oob="true">(\d+)<', text))
    assert int(after["suggested"]) == int(before["suggested"]) - 1
    assert int(after["matched"]) == int(before["matched"]) + 1
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


def _many_unmatched(cast, *, lines: int, events: int):
    """`lines` statement lines and `events` provider notifications waiting in the unmatched tab."""
    account = cast["statement"].account
    StatementLine.objects.bulk_create([StatementLine(
        statement=cast["statement"], account=account, line_number=200 + n, date=DAY + datetime.timedelta(days=n % 5),
        amount=Decimal("1500"), narrative=f"many {n}", dedupe_key=f"hash:many{n}") for n in range(lines)])
    for n in range(events):
        PaymentEvent.objects.create(
            provider="mpesa", transaction_id=f"MANY{n}", amount=Decimal("2500"), reference=f"event {n}",
            paid_at=timezone.make_aware(datetime.datetime(2026, 1, 14 + n % 4, 9, n)),
            account=account_for_channel("mpesa"), status=PaymentEvent.Status.UNMATCHED)


def _items(body: str) -> list[str]:
    return re.findall(r'data-item="([a-z]+-\d+)"', body)


def test_tabs_are_paginated_in_bounded_queries(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        _many_unmatched(cast, lines=90, events=12)
        waiting = {f"line-{pk}" for pk in StatementLine.objects.filter(status="unmatched", amount__gt=0)
                   .values_list("pk", flat=True)} | {f"event-{pk}" for pk in PaymentEvent.objects.values_list("pk", flat=True)}
    assert len(waiting) > 2 * 50
    console_login(client, school_a, cast["accountant"])
    url = reverse("finance:reconciliation") + "?tab=unmatched"
    with django_assert_max_num_queries(60):
        first = client.get(url).content.decode()
    assert f'data-tab="unmatched">Unmatched <span class="badge text-bg-light" id="tab-count-unmatched">{len(waiting)}</span>' in first
    assert len(_items(first)) == 50 and "tab=unmatched&amp;page=2" in first and "1 / 3" in first
    seen = _items(first)
    for number in (2, 3):
        with django_assert_max_num_queries(60):
            body = client.get(url + f"&page={number}").content.decode()
        seen += _items(body)
    assert len(seen) == len(set(seen)) and set(seen) == waiting
    days = re.findall(r'text-muted small text-nowrap">([^<]+)<', first)
    assert days == sorted(days, key=lambda d: datetime.datetime.strptime(d, "%d %b %Y"))  # oldest first
    assert _items(client.get(url + "&page=99").content.decode()) == seen[100:]  # past the end: the last page

    # without scripts, a decision taken on page 2 comes back to page 2
    kind, pk = seen[60].split("-")
    second = client.get(url + "&page=2").content.decode()
    action = reverse("finance:reconciliation-ignore", args=[kind, pk]) + "?page=2"
    assert f'action="{action}"' in second
    back = client.post(action, {"reason": "Interest"})
    assert back.status_code == 302 and back.url.endswith("?tab=unmatched&page=2")


def test_tab_and_page_links_swap_only_the_list_with_htmx(client, school_a, cast):
    with schema_context(school_a.schema_name):
        _many_unmatched(cast, lines=55, events=0)
    console_login(client, school_a, cast["admin"])
    response = client.get(reverse("finance:reconciliation") + "?tab=unmatched&page=2",
                          HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true", HTTP_HX_TARGET="reconciliation-tab")
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and "data-account-summary" not in text
    assert text.lstrip().startswith('<div id="reconciliation-tab"') and 'hx-target="#reconciliation-tab"' in text
    assert "tab=unmatched&amp;page=1" in text and 'aria-current="page" href="?tab=unmatched"' in text
    assert len(_items(text)) == 57 - 50
    assert "HX-Target" in response["Vary"]
    full = client.get(reverse("finance:reconciliation") + "?tab=unmatched&page=2").content.decode()
    assert "<html" in full and "data-account-summary" in full and _items(full) == _items(text)


def test_decided_tabs_are_newest_decision_first(client, school_a, cast):
    with schema_context(school_a.schema_name):
        now = timezone.now()
        for n, line in enumerate((cast["lines"][1], cast["lines"][3])):
            line.status, line.matched_at = "ignored", now - datetime.timedelta(hours=n)
            line.save()
    console_login(client, school_a, cast["accountant"])
    body = client.get(reverse("finance:reconciliation") + "?tab=ignored").content.decode()
    assert _items(body) == [f"line-{cast['lines'][1].pk}", f"line-{cast['lines'][3].pk}"]


def test_ignore_reason_shows_on_the_set_aside_tab_and_the_row(client, school_a, cast):
    with schema_context(school_a.schema_name):
        line = cast["lines"][3]
        StatementLine.objects.filter(pk=line.pk).update(status="ignored", ignore_reason="Bank interest for December",
                                                        matched_at=timezone.now())
        event = PaymentEvent.objects.create(
            provider="mpesa", transaction_id="IGN1", amount=Decimal("900"), reference="refund from canteen",
            paid_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 9)), account=account_for_channel("mpesa"),
            status=PaymentEvent.Status.IGNORED, processed_at=timezone.now(), ignore_reason="Canteen money, not fees")
    console_login(client, school_a, cast["accountant"])
    body = client.get(reverse("finance:reconciliation") + "?tab=ignored").content.decode()
    assert "Bank interest for December" in body and "Canteen money, not fees" in body
    assert body.count("data-ignore-reason") == 2
    unmatched = client.get(reverse("finance:reconciliation") + "?tab=unmatched").content.decode()
    assert "data-ignore-reason" not in unmatched
    # the row as HTMX gets it back after a decision (here an undo refused for want of a reason)
    row = client.post(reverse("finance:reconciliation-undo", args=["event", event.pk]), {"reason": ""},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in row and "Canteen money, not fees" in row and "data-ignore-reason" in row


def test_invoice_search_lists_open_invoices_and_picking_fills_the_field(client, school_a, cast,
                                                                          django_assert_max_num_queries):
    invoices = cast["invoices"]
    with schema_context(school_a.schema_name):
        student = invoices[1].student
        Invoice.objects.filter(pk=invoices[2].pk).update(status="paid")  # nothing left to assign to it
    console_login(client, school_a, cast["accountant"])
    url = reverse("finance:reconciliation-invoices")
    with django_assert_max_num_queries(12):
        found = client.get(url, {"field": "invoice_2", "row": "line-7", "invoice_2": student.last_name},
                           HTTP_HX_REQUEST="true").content.decode()
    assert student.full_name in found and invoices[1].control_number in found
    assert f"{invoices[1].balance:,.2f}" in found
    assert 'id="matches-line-7-invoice_2"' in found and f"pick={invoices[1].pk}" in found
    by_number = client.get(url, {"field": "invoice", "row": "event-3", "q": invoices[0].control_number[:6] + " "
                                 + invoices[0].control_number[6:]}).content.decode()
    assert f"pick={invoices[0].pk}" in by_number
    assert invoices[2].control_number not in client.get(url, {"q": invoices[2].control_number}).content.decode()
    assert "No open invoice matches." in client.get(url, {"q": "zzzz-nobody"}).content.decode()
    assert "list-group-item" not in client.get(url, {"q": "a"}).content.decode()  # one letter: no list yet
    picked = client.get(url, {"field": "invoice_2", "row": "line-7", "pick": invoices[1].pk},
                        HTTP_HX_REQUEST="true").content.decode()
    assert 'name="invoice_2" id="invoice-line-7-invoice_2"' in picked
    assert f'value="{invoices[1].control_number}"' in picked and "data-picked" in picked
    assert client.get(url, {"pick": invoices[2].pk}).status_code == 404  # no longer open
    odd = client.get(url, {"field": "x\" onmouseover=\"1", "row": "<script>", "q": student.last_name}).content.decode()
    assert "<script>" not in odd and 'id="matches-new-0-invoice"' in odd


def test_assign_and_split_forms_carry_the_search(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    body = client.get(reverse("finance:reconciliation") + "?tab=unmatched").content.decode()
    line = cast["lines"][1]
    for name in ("invoice", "invoice_1", "invoice_4"):
        assert f'name="{name}" id="invoice-line-{line.pk}-{name}"' in body
    assert reverse("finance:reconciliation-invoices") + f"?field=invoice_1&amp;row=line-{line.pk}" in body
    inputs = dict(re.findall(r'<input [^>]*id="(invoice-line-\d+-invoice_?\d?)"([^>]*)>', body))
    assert "required" in inputs[f"invoice-line-{line.pk}-invoice"] and "required" in inputs[f"invoice-line-{line.pk}-invoice_1"]
    assert "required" not in inputs[f"invoice-line-{line.pk}-invoice_2"]


def test_school_b_finds_none_of_school_a_invoices(client, school_b, cast):
    with schema_context(school_b.schema_name):
        admin_b = UserFactory(role="school_admin")
    console_login(client, school_b, admin_b)
    invoice = cast["invoices"][0]
    url = reverse("finance:reconciliation-invoices")
    body = client.get(url, {"q": invoice.control_number}).content.decode()
    assert invoice.control_number not in body and "No open invoice matches." in body
    assert client.get(url, {"pick": invoice.pk}).status_code == 404


def test_ignore_keeps_its_reason_and_undo_clears_it(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    unknown = cast["lines"][3]
    row = client.post(reverse("finance:reconciliation-ignore", args=["line", unknown.pk]),
                      {"reason": "  Bank interest for January  "}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-ignore-reason" in row and "Bank interest for January" in row
    with schema_context(school_a.schema_name):
        assert StatementLine.objects.get(pk=unknown.pk).ignore_reason == "Bank interest for January"
    ignored = client.get(reverse("finance:reconciliation") + "?tab=ignored").content.decode()
    assert "Bank interest for January" in ignored
    client.post(reverse("finance:reconciliation-undo", args=["line", unknown.pk]), {"reason": "fees after all"})
    with schema_context(school_a.schema_name):
        line = StatementLine.objects.get(pk=unknown.pk)
        assert line.status == "unmatched" and line.ignore_reason == ""
        event = PaymentEvent.objects.create(
            provider="mpesa", transaction_id="IGN2", amount=Decimal("900"), reference="canteen",
            paid_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 9)), account=account_for_channel("mpesa"),
            status=PaymentEvent.Status.UNMATCHED)
        line_ignore(event=event, reason="Canteen money", actor=cast["admin"])
        assert PaymentEvent.objects.get(pk=event.pk).ignore_reason == "Canteen money"
        match_undo(event=event, reason="fees after all", actor=cast["admin"])
        assert PaymentEvent.objects.get(pk=event.pk).ignore_reason == ""
