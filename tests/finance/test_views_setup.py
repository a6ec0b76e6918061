"""The fee setup console: each class's fees for a term, a class's structure edited as item and instalment
rows (the service's errors on the form, nothing saved), fee categories. Teachers 403; another school sees
nothing of it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import FeeCategory, FeeStructure
from tests.academics.factories import SchoolClassFactory, TermFactory
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_setup import category, structure
from tests.ledger.factories import account


@pytest.fixture
def accountant(school_a):
    with schema_context(school_a.schema_name):
        return UserFactory(role="accountant")


@pytest.fixture
def fees(school_a, accountant):
    with schema_context(school_a.schema_name):
        return structure(actor=accountant)


def _form(term, school_class, items, installments, notes=""):
    data = {"items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0",
            "installments-TOTAL_FORMS": str(len(installments)), "installments-INITIAL_FORMS": "0", "notes": notes}
    for n, (cat, label, amount, optional) in enumerate(items):
        data.update({f"items-{n}-category": cat or "", f"items-{n}-label": label, f"items-{n}-amount": amount})
        if optional:
            data[f"items-{n}-is_optional"] = "on"
    for n, (percent, due_on) in enumerate(installments):
        data.update({f"installments-{n}-percent": percent, f"installments-{n}-due_on": due_on})
    return data


@pytest.mark.parametrize("who", ["admin", "accountant"])
def test_every_page_opens_for_bookkeepers(client, school_a, admin_a, accountant, fees, who):
    console_login(client, school_a, admin_a if who == "admin" else accountant)

    page = client.get(reverse("finance:structure-list")).content.decode()
    assert fees.school_class.name in page and "500,000.00" in page and "60 %" in page
    assert reverse("finance:structure-edit", args=[fees.term_id, fees.school_class_id]) in page
    edit = client.get(reverse("finance:structure-edit", args=[fees.term_id, fees.school_class_id]))
    assert edit.status_code == 200 and "Route 1" in edit.content.decode()
    categories = client.get(reverse("finance:category-list")).content.decode()
    assert "Tuition" in categories and "4110" in categories
    with schema_context(school_a.schema_name):
        tuition = category("tuition")
    assert client.get(reverse("finance:category-edit", args=[tuition.pk])).status_code == 200


def test_teachers_get_403_everywhere(client, school_a, teacher_a, fees):
    console_login(client, school_a, teacher_a)
    for url in (reverse("finance:structure-list"), reverse("finance:category-list"),
                reverse("finance:structure-edit", args=[fees.term_id, fees.school_class_id])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("finance:category-list"), {"code": "x", "name": "X"}).status_code == 403


def test_save_a_structure_then_replace_it(client, school_a, accountant):
    with schema_context(school_a.schema_name):
        term, school_class = TermFactory(), SchoolClassFactory(level=2)
        tuition, transport = category("tuition").pk, category("transport").pk
    console_login(client, school_a, accountant)
    url = reverse("finance:structure-edit", args=[term.pk, school_class.pk])

    page = client.get(url).content.decode()
    assert 'name="add_item"' in page and 'name="items-3-amount"' in page
    more = client.post(url, {**_form(term, school_class, [(tuition, "", "1", False)], []), "add_item": "1"})
    assert more.status_code == 200 and 'name="items-1-amount"' in more.content.decode()
    response = client.post(url, _form(term, school_class, [
        (tuition, "", "450000", False), (transport, "Route 2", "80000", True), ("", "", "", False)],
        [("70", "2026-01-20"), ("30", "2026-04-13"), ("", "")], notes="Day scholars"))
    assert response.status_code == 302 and response["Location"].endswith(f"?term={term.pk}")
    with schema_context(school_a.schema_name):
        saved = FeeStructure.objects.get(term=term, school_class=school_class)
        assert saved.notes == "Day scholars"
        assert [(i.category.code, i.amount, i.is_optional) for i in saved.items.all()] == [
            ("tuition", Decimal("450000.00"), False), ("transport", Decimal("80000.00"), True)]
        assert [p.percent for p in saved.installments.all()] == [Decimal("70.00"), Decimal("30.00")]
    listing = client.get(reverse("finance:structure-list"), {"term": term.pk}).content.decode()
    assert "450,000.00" in listing

    client.post(url, _form(term, school_class, [(tuition, "", "460000", False)], [("100", "2026-01-20")]))
    with schema_context(school_a.schema_name):
        assert FeeStructure.objects.filter(term=term, school_class=school_class).count() == 1
        assert list(saved.items.values_list("amount", flat=True)) == [Decimal("460000.00")]


@pytest.mark.parametrize("items, installments, message", [
    ("tuition", [("60", "2026-01-20"), ("30", "2026-04-13")], "must total 100"),
    ("none", [("100", "2026-01-20")], "at least one item"),
    ("twice", [("100", "2026-01-20")], "repeats Tuition"),
    ("no-amount", [("100", "2026-01-20")], "Give an amount"),
])
def test_errors_come_back_on_the_form_and_nothing_is_saved(client, school_a, accountant, fees, items,
                                                           installments, message):
    with schema_context(school_a.schema_name):
        tuition = category("tuition").pk
    rows = {"tuition": [(tuition, "", "1000", False)], "none": [("", "", "", False)],
            "twice": [(tuition, "", "1000", False), (tuition, "", "2000", False)],
            "no-amount": [(tuition, "", "", False)]}[items]
    console_login(client, school_a, accountant)

    response = client.post(reverse("finance:structure-edit", args=[fees.term_id, fees.school_class_id]),
                           _form(fees.term, fees.school_class, rows, installments))

    assert response.status_code == 400 and message in response.content.decode()
    with schema_context(school_a.schema_name):
        assert list(fees.items.values_list("amount", flat=True)) == [Decimal("500000.00"), Decimal("100000.00")]


def test_add_and_edit_a_category(client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        income = account("4900").pk
    console_login(client, school_a, admin_a)

    response = client.post(reverse("finance:category-list"), {"code": "sports", "name": "Sports",
                                                              "income_account": income, "order": "7"})
    assert response.status_code == 302
    taken = client.post(reverse("finance:category-list"), {"code": "sports", "name": "Again",
                                                           "income_account": income})
    assert taken.status_code == 400 and "Another fee category" in taken.content.decode()
    with schema_context(school_a.schema_name):
        sports = FeeCategory.objects.get(code="sports")
    edited = client.post(reverse("finance:category-edit", args=[sports.pk]), {
        "name": "Sports and games", "income_account": income, "order": "8", "is_optional": "on"})
    assert edited.status_code == 302
    with schema_context(school_a.schema_name):
        sports.refresh_from_db()
        assert (sports.name, sports.is_optional, sports.is_active) == ("Sports and games", True, False)


def test_structure_list_queries_are_bounded(client, school_a, accountant, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        term = TermFactory()
        for level in range(1, 9):
            structure(actor=accountant, level=level, term=term)
    console_login(client, school_a, accountant)

    with django_assert_max_num_queries(22):  # the same with 1 class or 80
        response = client.get(reverse("finance:structure-list"))
    assert response.content.decode().count("500,000.00") == 8


def test_another_school_sees_none_of_it(client, school_a, school_b, admin_b, fees):
    with schema_context(school_a.schema_name):
        sports = FeeCategory.objects.create(code="sports", name="Sports only in A", income_account=account("4900"))
    console_login(client, school_b, admin_b)

    assert "Sports only in A" not in client.get(reverse("finance:category-list")).content.decode()
    assert "500,000.00" not in client.get(reverse("finance:structure-list")).content.decode()
    assert client.get(reverse("finance:category-edit", args=[sports.pk])).status_code == 404
    assert client.get(reverse("finance:structure-edit", args=[fees.term_id, fees.school_class_id])).status_code \
        == 404
