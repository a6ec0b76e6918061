"""/api/v1/fee-categories/ and /api/v1/fee-structures/: bookkeepers only, the services' rules with the
error envelope and nothing written, 201 new / 200 replaced, filters, bounded queries and another school's
isolation."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import FeeCategory, FeeStructure
from tests.academics.factories import SchoolClassFactory, TermFactory
from tests.conftest import tokens_in
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


def _as(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults["HTTP_HOST"] = school.primary_host
    return api_client


def test_teachers_and_parents_get_403(api_client, school_a, fees):
    for role in ("teacher", "parent"):
        with schema_context(school_a.schema_name):
            user = UserFactory(role=role)
        client = _as(api_client, school_a, user)
        for url in (reverse("api:fee-category-list"), reverse("api:fee-structure-list"),
                    reverse("api:fee-structure-detail", args=[fees.pk])):
            assert client.get(url).status_code == 403
        assert client.post(reverse("api:fee-structure-list"), {}, format="json").status_code == 403


def test_categories_list_create_update(api_client, school_a, admin_a):
    client = _as(api_client, school_a, admin_a)
    with schema_context(school_a.schema_name):
        income = account("4900").pk

    rows = client.get(reverse("api:fee-category-list")).json()
    assert [row["code"] for row in rows][:3] == ["tuition", "boarding", "transport"]
    created = client.post(reverse("api:fee-category-list"), {"code": "sports", "name": "Sports",
                                                             "income_account": income}, format="json")
    assert created.status_code == 201 and created.json()["income_account_code"] == "4900"
    again = client.post(reverse("api:fee-category-list"), {"code": "sports", "name": "Again",
                                                           "income_account": income}, format="json")
    assert again.status_code == 400 and again.json()["error"]["details"]["code"]
    url = reverse("api:fee-category-detail", args=[created.json()["id"]])
    patched = client.patch(url, {"name": "Sports and games", "is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "Sports and games"
    assert client.get(url).json()["is_active"] is False
    with schema_context(school_a.schema_name):
        cash = account("1110").pk
    refused = client.patch(url, {"income_account": cash}, format="json")
    assert refused.status_code == 400 and "income account" in str(refused.json()["error"])


def test_save_a_structure_new_then_replaced(api_client, school_a, accountant):
    with schema_context(school_a.schema_name):
        term, school_class = TermFactory(), SchoolClassFactory(level=3)
        tuition, transport = category("tuition").pk, category("transport").pk
    client = _as(api_client, school_a, accountant)
    body = {"term": term.pk, "school_class": school_class.pk,
            "items": [{"category": tuition, "amount": "600000.00"},
                      {"category": transport, "amount": "90000", "label": "Route 3"}],
            "installments": [{"percent": "50", "due_on": "2026-01-20"}, {"percent": "50", "due_on": "2026-04-13"}]}

    created = client.post(reverse("api:fee-structure-list"), body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["total"] == "600000.00" and len(data["items"]) == 2 and data["items"][1]["is_optional"] is True
    assert [p["percent"] for p in data["installments"]] == ["50.00", "50.00"]
    replaced = client.post(reverse("api:fee-structure-list"), {**body, "items": body["items"][:1]}, format="json")
    assert replaced.status_code == 200 and replaced.json()["id"] == data["id"]
    assert len(client.get(reverse("api:fee-structure-detail", args=[data["id"]])).json()["items"]) == 1


@pytest.mark.parametrize("change, expected", [
    ({"installments": [{"percent": "60", "due_on": "2026-01-20"}]}, "must total 100"),
    ({"items": []}, "at least one item"),
    ({"items": "twice"}, "repeats Tuition"),
    ({"installments": [{"percent": "40", "due_on": "2026-04-13"}, {"percent": "60", "due_on": "2026-01-20"}]},
     "due before"),
    ({"items": [{"category": 999999, "amount": "1"}]}, "category"),
])
def test_bad_structures_get_the_envelope_and_write_nothing(api_client, school_a, accountant, fees, change,
                                                           expected):
    with schema_context(school_a.schema_name):
        tuition = category("tuition").pk
    if change.get("items") == "twice":
        change = {"items": [{"category": tuition, "amount": "1"}, {"category": tuition, "amount": "2"}]}
    body = {"term": fees.term_id, "school_class": fees.school_class_id,
            "items": [{"category": tuition, "amount": "1000"}],
            "installments": [{"percent": "100", "due_on": "2026-01-20"}], **change}
    client = _as(api_client, school_a, accountant)

    response = client.post(reverse("api:fee-structure-list"), body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid" and expected in str(response.json()["error"])
    with schema_context(school_a.schema_name):
        assert list(fees.items.values_list("amount", flat=True)) == [Decimal("500000.00"), Decimal("100000.00")]


def test_structure_filters_and_bounded_queries(api_client, school_a, accountant, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        term, other_term = TermFactory(), TermFactory(number=2, is_current=False)
        for level in range(1, 11):
            structure(actor=accountant, level=level, term=term)
        other = structure(actor=accountant, level=1, term=other_term)
    client = _as(api_client, school_a, accountant)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:fee-structure-list"))
    assert response.json()["meta"]["count"] == 11
    rows = client.get(reverse("api:fee-structure-list"), {"term": other_term.pk}).json()["data"]
    assert [row["id"] for row in rows] == [other.pk]
    by_class = client.get(reverse("api:fee-structure-list"), {"class": other.school_class_id}).json()["data"]
    assert len(by_class) == 2
    assert client.get(reverse("api:fee-structure-list"), {"term": "x"}).status_code == 400


def test_another_school_sees_none_of_it(api_client, school_a, school_b, admin_b, fees):
    with schema_context(school_a.schema_name):
        sports = FeeCategory.objects.create(code="sports", name="Sports only in A", income_account=account("4900"))
    client = _as(api_client, school_b, admin_b)

    assert "sports" not in {row["code"] for row in client.get(reverse("api:fee-category-list")).json()}
    assert client.get(reverse("api:fee-structure-list")).json()["meta"]["count"] == 0
    assert client.get(reverse("api:fee-category-detail", args=[sports.pk])).status_code == 404
    assert client.get(reverse("api:fee-structure-detail", args=[fees.pk])).status_code == 404
    with schema_context(school_b.schema_name):
        assert not FeeStructure.objects.exists()
