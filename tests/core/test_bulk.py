"""rows_copy and rows_update (apps.core.bulk): many rows written in one statement, exactly as the ORM would
write them one by one, in the current school's schema only."""

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from apps.core.bulk import ids_next, rows_copy, rows_update
from apps.finance.models import NumberSeries, StatementLine
from apps.finance.services_payments import account_for_channel
from apps.finance.models import Statement

pytestmark = pytest.mark.usefixtures("in_school_a")


def test_rows_copy_inserts_with_or_without_ids_and_fills_automatic_dates(admin_a):
    assert rows_copy(NumberSeries, [NumberSeries(series="RCT", year=2026 + n, last=n) for n in range(3)]) == 3
    assert sorted(NumberSeries.objects.values_list("year", "last")) == [(2026, 0), (2027, 1), (2028, 2)]

    pks = ids_next(NumberSeries, 2)
    rows_copy(NumberSeries, [NumberSeries(pk=pk, series="CN", year=2026 + n) for n, pk in enumerate(pks)])
    assert sorted(NumberSeries.objects.filter(series="CN").values_list("pk", flat=True)) == sorted(pks)
    created = NumberSeries.objects.create(series="RF", year=2026)
    assert created.pk > max(pks)  # the sequence moved on past the ids taken

    statement = Statement.objects.create(account=account_for_channel("crdb"), file="s.csv", filename="s.csv",
                                         format="csv", uploaded_by=admin_a)
    rows_copy(StatementLine, [StatementLine(statement=statement, account=statement.account, line_number=1,
                                            date=datetime.date(2026, 1, 5), amount=Decimal("12.50"),
                                            narrative="FEES", dedupe_key="hash:1")])
    line = StatementLine.objects.get()
    assert line.amount == Decimal("12.50") and line.statement == statement and line.status == "unmatched"


def test_rows_copy_wants_every_id_or_none():
    with pytest.raises(ValueError):
        rows_copy(NumberSeries, [NumberSeries(pk=ids_next(NumberSeries, 1)[0], series="A", year=1),
                                 NumberSeries(series="B", year=1)])
    assert not NumberSeries.objects.exists()


def test_rows_update_writes_each_rows_own_values_columns_and_foreign_keys(admin_a):
    rows = [NumberSeries.objects.create(series=f"S{n}", year=2026) for n in range(3)]
    for n, row in enumerate(rows):
        row.last, row.series = n * 10, f"T{n}"

    assert rows_update(NumberSeries, rows[:2], ["last", "series"]) == 2
    assert sorted(NumberSeries.objects.values_list("series", "last")) == [("S2", 0), ("T0", 0), ("T1", 10)]
    assert rows_update(NumberSeries, [], ["last"]) == 0

    statement = Statement.objects.create(account=account_for_channel("crdb"), file="s.csv", filename="s.csv",
                                         format="csv", uploaded_by=admin_a)
    statement.account = account_for_channel("nmb")
    rows_update(Statement, [statement], ["account"])
    assert Statement.objects.get().account.provider == "nmb"


def test_another_school_sees_none_of_the_rows(school_b):
    rows_copy(NumberSeries, [NumberSeries(series="RCT", year=2026)])
    with schema_context(school_b.schema_name):
        assert not NumberSeries.objects.exists()
