"""The demo school's books (apps.ledger.demo, called by seed_demo): balanced, two months closed, a budget,
expenses through their services, one reversal; running the seed again adds nothing; school B sees none of it."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.ledger.demo import OPENING_MEMO, seed_ledger_demo, seed_ledger_demo_school
from apps.ledger.models import BudgetLine, Expense, JournalEntry, JournalLine, Period, Supplier
from tests.conftest import tokens_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _sums() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*) FROM ledger_journalline")
        return cursor.fetchone()


def _unbalanced_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_journalline GROUP BY entry_id "
                       "HAVING SUM(debit) <> SUM(credit)) AS unbalanced")
        return cursor.fetchone()[0]


def _counts() -> tuple:
    return (JournalEntry.objects.count(), JournalLine.objects.count(), Expense.objects.count(),
            Supplier.objects.count(), BudgetLine.objects.count(), Period.objects.filter(status="closed").count())


def test_the_demo_books_balance_and_a_second_run_adds_nothing(in_school_a, admin_a):
    accountant = UserFactory(role="accountant")
    today = timezone.localdate()
    outcome = seed_ledger_demo(admin=admin_a, accountant=accountant, today=today)
    assert not outcome.get("skipped")

    debits, credits, lines = _sums()
    assert debits == credits and debits > 0 and lines > 60
    assert _unbalanced_entries() == 0
    closed = Period.objects.filter(status=Period.Status.CLOSED)
    assert closed.count() == 2 and all(p.closed_by_id == admin_a.pk for p in closed)
    assert JournalEntry.objects.filter(memo=OPENING_MEMO).count() == 1
    assert JournalEntry.objects.filter(source=JournalEntry.Source.REVERSAL, reverses__isnull=False).count() == 1
    assert JournalEntry.objects.filter(source=JournalEntry.Source.PAYROLL, lines__account__code="5110").exists()
    assert JournalLine.objects.filter(account__code="1131", debit__gt=0).exists()  # M-Pesa collections
    assert Expense.objects.count() == 12
    assert Expense.objects.filter(status=Expense.Status.PAID).count() == 10
    assert Expense.objects.filter(status=Expense.Status.PENDING).count() == 1
    assert Expense.objects.filter(status=Expense.Status.APPROVED).count() == 1
    assert Expense.objects.filter(approved_by=admin_a).exists()  # above the threshold: the admin approved
    assert Supplier.objects.count() >= 6
    assert BudgetLine.objects.filter(year=today.year).count() == 14
    # nothing dated after today, nothing in a closed month after it was closed
    assert not JournalEntry.objects.filter(date__gt=today).exists()

    before = _counts()
    assert seed_ledger_demo(admin=admin_a, accountant=accountant, today=today) == {"skipped": True}
    assert _counts() == before
    assert _sums() == (debits, credits, lines)


def test_the_seed_command_part_finds_the_admin_and_the_bursar(in_school_a, admin_a):
    bursar = UserFactory(role="accountant", email="bursar@alpha.school")
    said = []
    outcome = seed_ledger_demo_school(slug="alpha", write=said.append)
    assert outcome["entries"] > 40 and "demo books" in said[0]
    assert JournalEntry.objects.filter(memo=OPENING_MEMO, posted_by=admin_a).exists()
    assert Expense.objects.filter(created_by=bursar).count() == 12
    before = _counts()
    assert seed_ledger_demo_school(slug="alpha", write=said.append) == {"skipped": True}
    assert _counts() == before and len(said) == 1


def test_without_an_accountant_the_admin_keeps_the_books(in_school_a, admin_a):
    seed_ledger_demo(admin=admin_a, today=timezone.localdate())
    debits, credits, _lines = _sums()
    assert debits == credits
    # the admin cannot approve their own large expenses (maker-checker): they wait
    assert Expense.objects.filter(status=Expense.Status.PENDING).count() >= 2
    assert Period.objects.filter(status=Period.Status.CLOSED).count() == 2


def test_school_b_sees_none_of_the_demo_books(api_client, school_a, school_b, admin_a, admin_b):
    with schema_context(school_a.schema_name):
        seed_ledger_demo(admin=admin_a, today=timezone.localdate())
        assert JournalEntry.objects.filter(memo=OPENING_MEMO).exists()
    with schema_context(school_b.schema_name):
        assert not JournalEntry.objects.exists() and not Expense.objects.exists()
        url = reverse("api:ledger-entry-list")
    token = tokens_in(school_b, admin_b)["access"]
    response = api_client.get(url, HTTP_HOST=school_b.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert OPENING_MEMO not in response.content.decode()


def test_students_are_invoiced_and_pay_by_name(in_school_a, admin_a):
    from tests.academics.factories import StudentFactory

    students = StudentFactory.create_batch(9)
    seed_ledger_demo(admin=admin_a, today=timezone.localdate())
    named = JournalLine.objects.filter(account__code="1200", student__isnull=False)
    assert set(named.values_list("student_id", flat=True)) == {s.pk for s in students}
    invoiced = named.filter(debit__gt=0).count()
    assert invoiced == 9 and named.filter(credit__gt=0).count() > invoiced  # paid in instalments
    assert JournalLine.objects.filter(account__code="4120").exists()  # boarders
    debits, credits, _lines = _sums()
    assert debits == credits
