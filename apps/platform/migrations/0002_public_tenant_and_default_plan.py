"""The platform's own tenant row (the public schema) and the default plan."""

from django.conf import settings
from django.db import migrations


def create_public_tenant(apps, schema_editor):
    Tenant = apps.get_model("platform", "Tenant")
    Domain = apps.get_model("platform", "Domain")
    Plan = apps.get_model("platform", "Plan")
    Plan.objects.get_or_create(code="standard", defaults={"name": "Standard"})
    public, _ = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={"slug": "public", "name": "OmniCore platform", "status": "active", "ready": True},
    )
    Domain.objects.get_or_create(domain=settings.PLATFORM_HOST, defaults={"tenant": public, "is_primary": True})


class Migration(migrations.Migration):
    dependencies = [("platform", "0001_initial")]
    operations = [migrations.RunPython(create_public_tenant, migrations.RunPython.noop)]
