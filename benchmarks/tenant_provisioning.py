"""How long a new school takes: cloning the template schema vs creating a schema and migrating it.

    .venv/bin/python benchmarks/tenant_provisioning.py [--clones 10] [--migrations 3]

In a database of its own (created here, dropped at the end; on the embedded PostgreSQL, started if
needed, or on DATABASE_URL's server) it migrates the public and template schemas, then, in
interleaved rounds so that both see the same machine:

- school_provision with a spare schema ready (apps.platform.spares, kept filled by the worker; the
  spare is made untimed before each round), password hash given: what a person waits for when the
  console or API starts provisioning (the password is hashed when the job is started);
- school_provision, given the admin's password (Argon2 hashing inside the call, as `create_school`);
- school_provision, given a password hash (as the background job started from the console);
- the raw clone step alone (apps.platform.cloning.schema_clone, one transaction);
- django-tenants' CloneSchema (pg-clone-schema), which provisioning used before, for reference;
- CREATE SCHEMA + `migrate_schemas --schema=<name>`, the way a school would be made without a template.

One warm-up round runs first, untimed. Goal: a school in at most 0.3 s through school_provision
(every way) and through the raw clone, and provisioning at least 20x faster than migrating (median
against median). Every ratio is printed.
Exits 1 when the goal is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._support import Bench, describe, machine  # noqa: E402

DATABASE = "omnicore_bench_provisioning"
GOAL_SECONDS = 0.3
GOAL_RATIO = 20.0
PASSWORD = "bench-admin-password-2024"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clones", type=int, default=10, help="schools made each way by cloning")
    parser.add_argument("--migrations", type=int, default=3, help="schemas made by migrating")
    args = parser.parse_args()

    bench = Bench(DATABASE)
    try:
        bench.prepare()
        return run(args.clones, args.migrations)
    finally:
        bench.finish()


def run(clones: int, migrations: int) -> int:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.clone import CloneSchema

    from apps.platform.cloning import FAST, schema_clone
    from apps.platform.services import plans_ensure_defaults, school_provision
    from apps.platform.spares import spare_schemas_replenish

    template = settings.TENANT_BASE_SCHEMA
    print(f"tenant_provisioning: {machine()}; database {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    Bench.migrate_public_and_template()
    print(f"migrated the public and template schemas in {time.perf_counter() - started:.1f} s")
    plans_ensure_defaults()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE relkind = 'r'), count(*) FILTER (WHERE relkind = 'i'), "
            "count(*) FILTER (WHERE relkind = 'S') FROM pg_class WHERE relnamespace = to_regnamespace(%s)",
            [template])
        tables, indexes, sequences = cursor.fetchone()
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"template {template}: {tables} tables, {indexes} indexes, {sequences} sequences; {version}")
    admin_hash = make_password(PASSWORD)

    def provision_from_spare(n: str) -> None:
        school_provision(slug=f"spare-taken{n}".replace("spare-", "sp"), name=f"Bench {n}",
                         admin_email=f"head@sp{n}.test", admin_password_hash=admin_hash)

    def provision_with_password(n: str) -> None:
        school_provision(slug=f"pw{n}", name=f"Bench {n}", admin_email=f"head@pw{n}.test",
                         admin_password=PASSWORD)

    def provision_with_hash(n: str) -> None:
        school_provision(slug=f"hash{n}", name=f"Bench {n}", admin_email=f"head@hash{n}.test",
                         admin_password_hash=admin_hash)

    def raw_clone(n: str) -> None:
        with transaction.atomic():
            assert schema_clone(template, f"raw{n}") == FAST

    def pg_clone_schema(n: str) -> None:
        with transaction.atomic():
            CloneSchema().clone_schema(template, f"pgc{n}", "DATA", set_connection=False)

    def migrate(n: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA mig{n}")
        call_command("migrate_schemas", schema_name=f"mig{n}", interactive=False, verbosity=0)

    ways = {
        "school_provision from a spare (hash given)": provision_from_spare,
        "school_provision (password, Argon2 inside)": provision_with_password,
        "school_provision (password hash given)": provision_with_hash,
        "raw clone step (schema_clone)": raw_clone,
        "pg-clone-schema (CloneSchema, before)": pg_clone_schema,
        "CREATE SCHEMA + migrate_schemas --schema": migrate,
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    migrate_rounds = {round(i * clones / migrations) for i in range(migrations)} if migrations else set()

    for name, way in ways.items():  # warm-up: imports, caches, the password validators' word list
        way("warm")
    for i in range(clones):
        for name, way in ways.items():
            if way is migrate and i not in migrate_rounds:
                continue
            connection.set_schema_to_public()
            if way is provision_from_spare:
                spare_schemas_replenish(target=1)  # the worker's job, done ahead of time
            started = time.perf_counter()
            way(f"{i:03d}")
            times[name].append(time.perf_counter() - started)

    print("\nseconds per school (each made and committed on its own):")
    width = max(len(name) for name in ways)
    for name in ways:
        print(f"  {name:<{width}}  {describe(times[name])}")

    spare = statistics.median(times["school_provision from a spare (hash given)"])
    service = statistics.median(times["school_provision (password, Argon2 inside)"])
    service_hash = statistics.median(times["school_provision (password hash given)"])
    clone = statistics.median(times["raw clone step (schema_clone)"])
    before = statistics.median(times["pg-clone-schema (CloneSchema, before)"])
    migrating = statistics.median(times["CREATE SCHEMA + migrate_schemas --schema"])
    ratio = migrating / clone
    spare_ratio = migrating / spare
    print(f"\nmigrating / school_provision from a spare: {spare_ratio:.1f}x   migrating / raw clone: {ratio:.1f}x   "
          f"migrating / school_provision: {migrating / service:.1f}x (hash given: {migrating / service_hash:.1f}x)   "
          f"pg-clone-schema / raw clone: {before / clone:.1f}x")

    slowest = max(spare, service, service_hash, clone)
    met = slowest <= GOAL_SECONDS and spare_ratio >= GOAL_RATIO
    print(f"SUMMARY tenant_provisioning: provisioning from a spare {spare * 1000:.0f} ms, without one "
          f"{service_hash * 1000:.0f} ms (hash given) / {service * 1000:.0f} ms (Argon2 inside), raw clone "
          f"{clone * 1000:.0f} ms, migrating {migrating * 1000:.0f} ms (medians): provisioning {spare_ratio:.1f}x "
          f"faster than migrating (a cold clone {ratio:.1f}x); goal <= {GOAL_SECONDS} s and >= "
          f"{GOAL_RATIO:.0f}x {'MET' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
