"""A school's payment channels: one row per provider, pointing at the account of the chart the money lands
in. Only the sandbox accepts notifications at first (with its own random signing secret), so a new school
can try the whole flow; the real providers are switched on once the school has its paybill or bank account
and the provider's secret."""

import secrets

from django.db import migrations

CHANNELS = [
    # provider, account code, enabled, order, instructions (parents read them; {control_number},
    # {amount} and {business_number} are filled in)
    ("mpesa", "1131", False, 1,
     "M-Pesa: *150*00# > Pay by M-Pesa > Enter business number {business_number} > "
     "Reference / Kumbukumbu: {control_number} > Amount / Kiasi: {amount}."),
    ("airtel", "1132", False, 2,
     "Airtel Money: *150*60# > Make payments > Business number {business_number} > "
     "Reference / Kumbukumbu: {control_number} > Amount / Kiasi: {amount}."),
    ("tigopesa", "1133", False, 3,
     "Mixx by Yas (Tigo Pesa): *150*01# > Pay bills > Business number {business_number} > "
     "Reference / Kumbukumbu: {control_number} > Amount / Kiasi: {amount}."),
    ("nmb", "1122", False, 4,
     "NMB: pay at any branch, NMB wakala or NMB Mkononi to account {business_number}, "
     "control number / namba ya malipo {control_number}."),
    ("crdb", "1121", False, 5,
     "CRDB: pay at any branch, CRDB wakala or SimBanking to account {business_number}, "
     "control number / namba ya malipo {control_number}."),
    ("nbc", "1123", False, 6,
     "NBC: pay at any branch, NBC wakala or NBC Kiganjani to account {business_number}, "
     "control number / namba ya malipo {control_number}."),
    ("sandbox", "1131", True, 9,
     "Sandbox (practice only, no real money): simulate a payment with control number {control_number}."),
]


def seed(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    PaymentChannel = apps.get_model("finance", "PaymentChannel")
    accounts = {a.code: a for a in Account.objects.filter(code__in=[c[1] for c in CHANNELS])}
    for provider, code, enabled, order, instructions in CHANNELS:
        account = accounts.get(code)
        if account is None or PaymentChannel.objects.filter(provider=provider).exists():
            continue
        PaymentChannel.objects.create(
            provider=provider, account=account, is_enabled=enabled, order=order, instructions=instructions,
            secret=secrets.token_urlsafe(32) if provider == "sandbox" else "")


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0004_payment_channels"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
