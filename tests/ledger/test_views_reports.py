"""The report pages in the console: numbers on the page for the admin and the accountant, teachers 403,
bad dates as form errors, CSV and XLSX downloads, the budget editor (all or nothing), the beancount
download, bounded queries whatever the number of lines, and school B's pages without school A's lines."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.ledger.models import BudgetLine
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.ledger.factories import account, post
from tests.ledger.test_reports import books, d

PAGES = ["ledger:report-index", "ledger:report-trial-balance", "ledger:report-general-ledger",
         "ledger:report-income-statement", "ledger:report-balance-sheet", "ledger:report-cash-book",
         "ledger:report-expenses", "ledger:report-budget", "ledger:budget-edit"]
EXPORTS = [
    ("ledger:report-trial-balance", "?date_to=2026-03-31"),
    ("ledger:report-general-ledger", "?date_from=2026-01-01&date_to=2026-03-31&account={acc}"),
    ("ledger:report-income-statement", "?date_from=2026-02-01&date_to=2026-02-28"),
    ("ledger:report-balance-sheet", "?at=2026-03-31"),
    ("ledger:report-cash-book", "?date_from=2026-02-01&date_to=2026-02-28"),
    ("ledger:report-expenses", "?year=2026"),
    ("ledger:report-budget", "?year=2026"),
]


@pytest.fixture
def accountant_a(school_a):
    with schema_context(school_a.schema_name):
        return UserFactory(role="accountant")


@pytest.fixture
def posted(school_a):
    with schema_context(school_a.schema_name):
        books()
        return {"acc": account("1200").pk}


def _login(client, school, user):
    console_login(client, school, user)
    return client


def test_pages_for_bookkeepers_not_teachers(client, school_a, admin_a, accountant_a, teacher_a, posted):
    for user in (admin_a, accountant_a):
        _login(client, school_a, user)
        for name in PAGES:
            assert client.get(reverse(name)).status_code == 200, name
    _login(client, school_a, teacher_a)
    for name in [*PAGES, "ledger:export-beancount"]:
        assert client.get(reverse(name)).status_code == 403, name


def test_numbers_on_the_pages(client, school_a, accountant_a, posted):
    _login(client, school_a, accountant_a)
    tb = client.get(reverse("ledger:report-trial-balance") + "?date_to=2026-03-31").content.decode()
    assert "2,670,000.00" in tb and "Debits equal credits" in tb
    gl = client.get(reverse("ledger:report-general-ledger") +
                    f"?account={posted['acc']}&date_from=2026-02-01&date_to=2026-03-31").content.decode()
    assert "300,000.00" in gl and "900,000.00" in gl and "500,000.00" in gl
    pl = client.get(reverse("ledger:report-income-statement") + "?date_from=2026-02-01&date_to=2026-02-28")
    assert pl.context["data"]["net"]["amount"] == Decimal("550000")
    assert "550,000.00" in pl.content.decode() and pl.context["data"]["previous_from"] == d(1, 4)
    bs = client.get(reverse("ledger:report-balance-sheet") + "?at=2026-03-31").content.decode()
    assert "1,850,000.00" in bs and "730,000.00" in bs and "Assets equal liabilities plus equity" in bs
    cb = client.get(reverse("ledger:report-cash-book") + "?date_from=2026-02-01&date_to=2026-02-28")
    assert "150,000.00" in cb.content.decode()
    ex = client.get(reverse("ledger:report-expenses") + "?year=2026")
    assert ex.context["chart"]["datasets"][0]["data"][1] == "50000.00"
    assert 'data-ledger-chart="stacked-bar"' in ex.content.decode() and "ledger-charts.js" in ex.content.decode()
    index = client.get(reverse("ledger:report-index")).content.decode()
    for name in PAGES[1:-1]:
        assert reverse(name) in index


def test_bad_dates_are_form_errors(client, school_a, admin_a, posted):
    _login(client, school_a, admin_a)
    response = client.get(reverse("ledger:report-trial-balance") + "?date_to=31/31/2026")
    assert response.status_code == 200 and response.context["data"] is None
    assert response.context["form"].errors["date_to"]
    reversed_range = client.get(reverse("ledger:report-income-statement") + "?date_from=2026-03-01&date_to=2026-02-01")
    assert reversed_range.context["data"] is None and "start date is after" in reversed_range.content.decode()
    assert client.get(reverse("ledger:report-expenses") + "?year=abc").context["data"] is None
    # no download for a bad filter: the page with the errors
    bad = client.get(reverse("ledger:report-balance-sheet") + "?at=nope&format=csv")
    assert bad.status_code == 200 and bad["Content-Type"].startswith("text/html")
    assert client.get(reverse("ledger:export-beancount") + "?to=nope").status_code == 400


@pytest.mark.parametrize(("name", "query"), EXPORTS)
def test_csv_and_xlsx_downloads(client, school_a, admin_a, posted, name, query):
    from openpyxl import load_workbook

    _login(client, school_a, admin_a)
    url = reverse(name) + query.format(**posted)
    response = client.get(url + "&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) >= 2
    xlsx = client.get(url + "&format=xlsx")
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows)


def test_trial_balance_csv_content(client, school_a, admin_a, posted):
    _login(client, school_a, admin_a)
    response = client.get(reverse("ledger:report-trial-balance") + "?date_to=2026-03-31&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["1121", "CRDB Bank", "Asset", "1000000.00", "200000.00", "800000.00", "0.00"] in rows
    assert rows[-1][3] == rows[-1][4] == "2670000.00"


def test_budget_editor_saves_all_or_nothing(client, school_a, admin_a, posted):
    _login(client, school_a, admin_a)
    with schema_context(school_a.schema_name):
        materials, food = account("5210").pk, account("5220").pk
    url = reverse("ledger:budget-edit")
    page = client.get(url + "?year=2026")
    assert page.status_code == 200 and f'name="a-{materials}"' in page.content.decode()
    bad = client.post(url, {"year": "2026", f"a-{materials}": "100000", f"a-{food}": "-3"})
    assert bad.status_code == 400 and "Nothing was saved" in bad.content.decode()
    with schema_context(school_a.schema_name):
        assert not BudgetLine.objects.exists()
    good = client.post(url, {"year": "2026", f"a-{materials}": "100000", f"a-{food}": ""})
    assert good.status_code == 302 and good["Location"].endswith("?year=2026")
    with schema_context(school_a.schema_name):
        assert BudgetLine.objects.get().amount == Decimal("100000")
    budget = client.get(reverse("ledger:report-budget") + "?year=2026")
    assert "50.0 %" in budget.content.decode()


def test_beancount_download(client, school_a, accountant_a, posted):
    _login(client, school_a, accountant_a)
    response = client.get(reverse("ledger:export-beancount"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert ".beancount" in response["Content-Disposition"]
    text = response.content.decode()
    assert 'option "operating_currency" "TZS"' in text and "Assets:A1121-CRDB-Bank" in text
    assert '"Maize flour"' in text
    early = client.get(reverse("ledger:export-beancount") + "?to=2026-01-31").content.decode()
    assert '"Maize flour"' not in early and '"Capital"' in early


def test_pages_take_a_bounded_number_of_queries(client, school_a, admin_a, posted, django_assert_max_num_queries):
    _login(client, school_a, admin_a)
    urls = [reverse(name) + query.format(**posted) for name, query in EXPORTS]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(40) as captured:
            client.get(url)
        counts[url] = len(captured)
    with schema_context(school_a.schema_name):
        for i in range(40):
            post("1200", "4110", str(1000 + i), date=d(2, 1 + i % 28))
            post("5210", "1110", str(10 + i), date=d(2, 1 + i % 28))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_school_b_pages_show_none_of_school_a(client, school_a, school_b, admin_b, posted):
    _login(client, school_b, admin_b)
    tb = client.get(reverse("ledger:report-trial-balance") + "?date_to=2026-12-31")
    assert tb.context["data"]["rows"] == [] and "Nothing posted" in tb.content.decode()
    text = client.get(reverse("ledger:export-beancount")).content.decode()
    assert '"Capital"' not in text and " * " not in text and "open Assets:A1121-CRDB-Bank" in text
