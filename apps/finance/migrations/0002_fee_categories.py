"""The fee categories a school starts with, each posting to one of the fee income accounts of its chart
(apps.ledger.charts)."""

from django.db import migrations

CATEGORIES = [
    # code, name, income account code, optional, order
    ("tuition", "Tuition", "4110", False, 1),
    ("boarding", "Boarding", "4120", True, 2),
    ("transport", "Transport", "4130", True, 3),
    ("meals", "Meals", "4150", False, 4),
    ("examination", "Examination", "4140", False, 5),
    ("uniform", "Uniform", "4150", True, 6),
]


def seed(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    FeeCategory = apps.get_model("finance", "FeeCategory")
    accounts = {a.code: a for a in Account.objects.filter(code__in=[c[2] for c in CATEGORIES])}
    for code, name, account_code, optional, order in CATEGORIES:
        account = accounts.get(account_code)
        if account is None or FeeCategory.objects.filter(code=code).exists():
            continue
        FeeCategory.objects.create(code=code, name=name, income_account=account, is_optional=optional, order=order)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial"), ("ledger", "0003_school_chart")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
