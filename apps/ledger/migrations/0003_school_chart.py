"""Every school starts with the chart of its country (apps.ledger.charts; Tanzania unless the school's row
says otherwise). Idempotent: accounts already there (by code) are left as they are."""

from django.db import connection, migrations


def seed(apps, schema_editor):
    from apps.ledger.charts import chart_ensure

    country = "TZ"
    with connection.cursor() as cursor:
        cursor.execute("SELECT country FROM public.platform_tenant WHERE schema_name = %s", [connection.schema_name])
        row = cursor.fetchone()
        if row and row[0]:
            country = row[0]
    chart_ensure(account_model=apps.get_model("ledger", "Account"), country=country)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_entries_balanced_and_immutable")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
