"""Liveness and readiness: is the process up, and can it serve (database, Redis, migrations)?"""

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

_migrations_ok = False  # once true it stays true for the life of the process


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return f"database unreachable: {error.__class__.__name__}"
    return None


def check_redis() -> str | None:
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as error:
        return f"redis unreachable: {error.__class__.__name__}"
    return None


def check_migrations() -> str | None:
    global _migrations_ok
    if _migrations_ok:
        return None
    from apps.platform.migration import schemas_with_pending_migrations

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    shared = {config.split(".")[-1] for config in settings.SHARED_APPS}
    missing = [key for key in loader.graph.leaf_nodes() if key not in applied and key[0] in _labels(shared)]
    if missing:
        return f"{len(missing)} shared migration(s) not applied, e.g. {missing[0][0]}.{missing[0][1]}"
    if schemas_with_pending_migrations([settings.TENANT_BASE_SCHEMA]):
        return "the school template schema has migrations to apply"
    _migrations_ok = True
    return None


def _labels(names: set[str]) -> set[str]:
    from django.apps import apps

    return {config.label for config in apps.get_app_configs() if config.name.split(".")[-1] in names}


def readiness() -> dict[str, str]:
    """Each check's outcome, "ok" or the reason it failed."""
    results = {}
    for name, check in (("database", check_database), ("redis", check_redis)):
        results[name] = check() or "ok"
    if results["database"] == "ok":
        try:
            results["migrations"] = check_migrations() or "ok"
        except Exception as error:
            results["migrations"] = f"could not read migrations: {error.__class__.__name__}"
    else:
        results["migrations"] = "not checked: no database"
    return results
