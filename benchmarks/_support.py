"""What both benchmarks share: their own database, the embedded services, Django, figures.

A benchmark calls `prepare()` before anything imports Django: it starts the embedded
PostgreSQL/Redis if they are not running (and DATABASE_URL/REDIS_URL do not replace them),
creates a database of its own (dropping a leftover one from an interrupted run), and points
`benchmarks.settings` at it. `finish()` drops that database and stops only the servers that
`prepare()` started.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from config import devservices  # noqa: E402


class Bench:
    def __init__(self, database: str, *, app: bool = False):
        self.database = database
        self.app = app
        self.started: list[str] = []
        self.created = False

    # --- the database of our own, on the embedded server or on DATABASE_URL's ---------------

    def _admin_connection(self):
        import psycopg

        url = os.environ.get("DATABASE_URL")
        if url:
            import dj_database_url

            config = dj_database_url.parse(url)
            return psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None,
                                   user=config["USER"] or None, password=config["PASSWORD"] or None,
                                   dbname="postgres", autocommit=True)
        return psycopg.connect(host=str(devservices.PG_DIR), user="postgres", dbname="postgres", autocommit=True)

    def _drop_database(self) -> None:
        with self._admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def prepare(self) -> None:
        self.started = devservices.services_start()
        self._drop_database()  # left over from an interrupted run
        self.created = True
        with self._admin_connection() as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
        os.environ["OMNICORE_BENCH_DATABASE"] = self.database
        os.environ["OMNICORE_BENCH_APP"] = "1" if self.app else "0"
        os.environ.setdefault("OMNICORE_BENCH_MIGRATIONS", "initial")
        import django

        django.setup()

    def finish(self) -> None:
        """Drop the database and stop what prepare() started; safe after a failed prepare()."""
        try:
            if self.created:
                try:
                    from django.db import connections

                    connections.close_all()
                except Exception:  # Django never got configured
                    pass
                self._drop_database()
        finally:
            devservices.services_stop(self.started)

    # --- the schema the project needs before schools can be made ------------------------------

    @staticmethod
    def migrate_public_and_template() -> None:
        from django.core.management import call_command

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)


@contextmanager
def timer(into: list[float]):
    started = time.perf_counter()
    try:
        yield
    finally:
        into.append(time.perf_counter() - started)


def describe(times: list[float]) -> str:
    return (f"median {statistics.median(times) * 1000:8.1f} ms  mean {statistics.mean(times) * 1000:8.1f} ms  "
            f"min {min(times) * 1000:8.1f} ms  max {max(times) * 1000:8.1f} ms  (n={len(times)})")


def machine() -> str:
    """The machine, and how busy it is: other work on the same CPUs moves every figure."""
    import platform

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{platform.node()}: {os.cpu_count()} CPUs, load average {load}, Python {platform.python_version()}"
