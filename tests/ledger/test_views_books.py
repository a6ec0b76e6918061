"""The books' console pages: chart of accounts, journal (list, detail, reversal, manual entry with live
totals), periods (close; reopen by a school admin with a reason). Teachers 403; another school sees nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.ledger.models import Account, JournalEntry, Period
from apps.ledger.services import period_for
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.ledger.factories import account, post

TODAY = datetime.date.today()


@pytest.fixture
def accountant(school_a):
    with schema_context(school_a.schema_name):
        return UserFactory(role="accountant")


@pytest.fixture
def entry(school_a, accountant):
    with schema_context(school_a.schema_name):
        return post("5210", "1110", "1234567.50", memo="Exercise books", actor=accountant)


def _ids(school_a, *codes):
    with schema_context(school_a.schema_name):
        return [account(code).pk for code in codes]


@pytest.mark.parametrize("who", ["admin", "accountant"])
def test_every_page_opens_for_bookkeepers(client, school_a, admin_a, accountant, entry, who):
    console_login(client, school_a, admin_a if who == "admin" else accountant)

    accounts = client.get(reverse("ledger:account-list")).content.decode()
    assert "1110" in accounts and "Cash" in accounts
    journal = client.get(reverse("ledger:entry-list")).content.decode()
    assert entry.reference in journal and "1,234,567.50" in journal
    detail = client.get(reverse("ledger:entry-detail", args=[entry.pk])).content.decode()
    assert "Exercise books" in detail and reverse("ledger:entry-reverse", args=[entry.pk]) in detail
    assert client.get(reverse("ledger:entry-new")).status_code == 200
    periods = client.get(reverse("ledger:period-list")).content.decode()
    assert TODAY.strftime("%B %Y") in periods
    with schema_context(school_a.schema_name):
        cash = account("1110")
    assert client.get(reverse("ledger:account-edit", args=[cash.pk])).status_code == 200


def test_teachers_get_403_everywhere(client, school_a, teacher_a, entry):
    console_login(client, school_a, teacher_a)
    for name in ("ledger:account-list", "ledger:entry-list", "ledger:entry-new", "ledger:period-list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("ledger:entry-detail", args=[entry.pk])).status_code == 403
    assert client.post(reverse("ledger:entry-reverse", args=[entry.pk])).status_code == 403
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 1


def test_journal_filters(client, school_a, accountant, entry):
    with schema_context(school_a.schema_name):
        other = post("1121", "4110", "50.00", memo="Tuition paid", actor=accountant,
                     date=TODAY - datetime.timedelta(days=40))
    console_login(client, school_a, accountant)
    url = reverse("ledger:entry-list")

    body = client.get(url, {"q": "tuition"}).content.decode()
    assert other.reference in body and entry.reference not in body
    body = client.get(url, {"account": _ids(school_a, "5210")[0]}).content.decode()
    assert entry.reference in body and other.reference not in body
    body = client.get(url, {"date_to": (TODAY - datetime.timedelta(days=30)).isoformat()}).content.decode()
    assert other.reference in body and entry.reference not in body
    body = client.get(url, {"source": "reversal"}).content.decode()
    assert entry.reference not in body and other.reference not in body


def test_journal_list_queries_are_bounded(client, school_a, accountant, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(30):
            post("5210", "1110", f"{n + 1}.00", actor=accountant)
    console_login(client, school_a, accountant)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("ledger:entry-list"))
    assert response.status_code == 200


def _entry_data(school_a, *, memo="Chalk", debit="150000", credit="150000", date=None):
    materials, cash = _ids(school_a, "5210", "1110")
    return {"date": (date or TODAY).isoformat(), "memo": memo,
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "200",
            "lines-0-account": materials, "lines-0-debit": debit, "lines-0-credit": "", "lines-0-description": "Chalk",
            "lines-1-account": cash, "lines-1-debit": "", "lines-1-credit": credit, "lines-1-description": "",
            "lines-2-account": "", "lines-2-debit": "", "lines-2-credit": "", "lines-2-description": ""}


def test_manual_entry_is_posted(client, school_a, accountant):
    console_login(client, school_a, accountant)

    response = client.post(reverse("ledger:entry-new"), _entry_data(school_a))

    with schema_context(school_a.schema_name):
        entry = JournalEntry.objects.get()
        assert response.status_code == 302 and response.url == reverse("ledger:entry-detail", args=[entry.pk])
        assert entry.memo == "Chalk" and entry.posted_by == accountant
        assert sorted(entry.lines.values_list("debit", "credit")) == [
            (Decimal("0.00"), Decimal("150000.00")), (Decimal("150000.00"), Decimal("0.00"))]


@pytest.mark.parametrize("changes, message", [
    ({"credit": "149999.99"}, "must be equal"),
    ({"memo": ""}, "This field is required"),
    ({"debit": "abc"}, "Enter a number"),
])
def test_bad_manual_entries_come_back_with_the_reason(client, school_a, accountant, changes, message):
    console_login(client, school_a, accountant)

    response = client.post(reverse("ledger:entry-new"), _entry_data(school_a, **changes))

    assert response.status_code == 400 and message in response.content.decode()
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 0


def test_a_line_with_amounts_but_no_account_is_refused(client, school_a, accountant):
    console_login(client, school_a, accountant)
    data = _entry_data(school_a) | {"lines-2-debit": "5"}

    response = client.post(reverse("ledger:entry-new"), data)

    assert response.status_code == 400 and "Choose an account." in response.content.decode()
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 0


def test_a_closed_month_is_refused_on_the_form(client, school_a, accountant):
    with schema_context(school_a.schema_name):
        Period.objects.filter(pk=period_for(TODAY).pk).update(status=Period.Status.CLOSED)
    console_login(client, school_a, accountant)

    response = client.post(reverse("ledger:entry-new"), _entry_data(school_a))

    assert response.status_code == 400 and "is closed" in response.content.decode()


def test_add_line_without_javascript(client, school_a, accountant):
    console_login(client, school_a, accountant)

    response = client.post(reverse("ledger:entry-new"), _entry_data(school_a) | {"add_line": "1"})

    body = response.content.decode()
    assert response.status_code == 200 and 'name="lines-3-debit"' in body and "is-invalid" not in body
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 0


def test_live_totals_partial(client, school_a, accountant):
    console_login(client, school_a, accountant)
    page = client.get(reverse("ledger:entry-new")).content.decode()
    assert 'hx-post="%s"' % reverse("ledger:entry-totals") in page and "input changed delay:300ms" in page

    response = client.post(reverse("ledger:entry-totals"), {"lines-0-debit": "1000", "lines-1-credit": "250.5",
                                                            "lines-2-credit": "junk"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "1,000.00" in body and "250.50" in body and "749.50" in body
    balanced = client.post(reverse("ledger:entry-totals"), {"lines-0-debit": "10", "lines-1-credit": "10"})
    assert "Balanced" in balanced.content.decode()


def test_reverse_from_the_detail_page(client, school_a, accountant, entry):
    console_login(client, school_a, accountant)
    url = reverse("ledger:entry-reverse", args=[entry.pk])

    response = client.post(url, {"date": "", "memo": "Wrong account"})

    with schema_context(school_a.schema_name):
        reversal = JournalEntry.objects.get(reverses=entry)
    assert response.status_code == 302 and response.url == reverse("ledger:entry-detail", args=[reversal.pk])
    assert entry.reference in client.get(response.url).content.decode()
    again = client.post(url, {})
    assert again.status_code == 400 and "already been reversed" in again.content.decode()


def test_accounts_add_edit_delete(client, school_a, accountant, entry):
    console_login(client, school_a, accountant)
    with schema_context(school_a.schema_name):
        group = account("5210").parent

    response = client.post(reverse("ledger:account-list"), {"code": "5235", "name": "Transport", "type": "expense",
                                                            "parent": group.pk})
    assert response.status_code == 302
    clash = client.post(reverse("ledger:account-list"), {"code": "5235", "name": "Again", "type": "expense"})
    assert clash.status_code == 400 and "Another account has the code 5235" in clash.content.decode()
    with schema_context(school_a.schema_name):
        transport = Account.objects.get(code="5235")
        materials = account("5210")
    assert transport.parent == group

    response = client.post(reverse("ledger:account-edit", args=[transport.pk]),
                           {"code": "5236", "name": "School transport", "parent": group.pk, "is_active": "on"})
    assert response.status_code == 302
    response = client.post(reverse("ledger:account-delete", args=[materials.pk]), follow=True)
    assert "has postings and cannot be deleted" in response.content.decode()
    response = client.post(reverse("ledger:account-delete", args=[transport.pk]))
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        assert not Account.objects.filter(code__in=["5235", "5236"]).exists()
        assert Account.objects.filter(pk=materials.pk).exists()


def test_close_and_reopen_a_month(client, school_a, admin_a, accountant, entry):
    period = entry.period
    console_login(client, school_a, accountant)
    assert client.post(reverse("ledger:period-close", args=[period.pk])).status_code == 302
    response = client.post(reverse("ledger:period-reopen", args=[period.pk]), {"reason": "A missed charge"})
    assert response.status_code == 403
    with schema_context(school_a.schema_name):
        assert Period.objects.get(pk=period.pk).is_closed

    console_login(client, school_a, admin_a)
    response = client.post(reverse("ledger:period-reopen", args=[period.pk]), {"reason": ""})
    assert response.status_code == 400
    with schema_context(school_a.schema_name):
        assert Period.objects.get(pk=period.pk).is_closed
    response = client.post(reverse("ledger:period-reopen", args=[period.pk]), {"reason": "A missed charge"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        assert not Period.objects.get(pk=period.pk).is_closed


def test_another_school_sees_none_of_it(client, school_a, school_b, admin_b, entry):
    console_login(client, school_b, admin_b)

    assert entry.reference not in client.get(reverse("ledger:entry-list")).content.decode()
    assert client.get(reverse("ledger:entry-detail", args=[entry.pk])).status_code == 404
    assert client.post(reverse("ledger:entry-reverse", args=[entry.pk])).status_code == 404
    assert client.post(reverse("ledger:period-close", args=[entry.period.pk])).status_code == 404
    with schema_context(school_a.schema_name):
        assert not JournalEntry.objects.filter(reverses=entry).exists()
        assert not Period.objects.get(pk=entry.period.pk).is_closed


def test_an_entry_links_back_to_the_document_that_posted_it(client, school_a, accountant, entry):
    from apps.ledger.services_expenses import expense_create

    with schema_context(school_a.schema_name):
        expense = expense_create(category=account("5220"), description="Maize flour", incurred_on=TODAY,
                                 amount="120000", actor=accountant)
        posted = expense.approval_entry
    console_login(client, school_a, accountant)

    page = client.get(reverse("ledger:entry-detail", args=[posted.pk])).content.decode()
    manual = client.get(reverse("ledger:entry-detail", args=[entry.pk])).content.decode()

    assert f'href="{reverse("ledger:expense-detail", args=[expense.pk])}"' in page
    assert f"EXP-{expense.pk:05d}" in page
    assert 'data-testid="source-link"' not in manual
