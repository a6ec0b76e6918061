"""Settings for the benchmarks: the development settings on a database of the benchmark's own.

The benchmark scripts set these variables before Django starts:

- OMNICORE_BENCH_DATABASE: the database to use (created and dropped by the script), on the
  embedded PostgreSQL or on DATABASE_URL's server.
- OMNICORE_BENCH_APP=1: add `benchmarks.benchapp`, a tiny tenant app, to TENANT_APPS.
- OMNICORE_BENCH_MIGRATIONS=initial|pending: which of its migration packages is used, one with
  only 0001 (while schools are created) or one with 0001 and 0002 (a migration left to apply).
"""

import os

from config.env import celery_broker_url, redis_url

from config.settings.dev import *  # noqa: F403

DEBUG = False  # DEBUG keeps every query in memory; timings should not pay for that
DATABASES["default"]["NAME"] = os.environ.get("OMNICORE_BENCH_DATABASE", "omnicore_bench")  # noqa: F405
# keep the benchmark's keys and queues out of the development server's Redis database
REDIS_URL = redis_url(db=8)
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "bench"  # noqa: F405
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = "bench"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

if os.environ.get("OMNICORE_BENCH_APP") == "1":
    TENANT_APPS = [*TENANT_APPS, "benchmarks.benchapp"]  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks.benchapp"]  # noqa: F405
    MIGRATION_MODULES = {
        "benchapp": "benchmarks.benchapp.migrations_" + os.environ.get("OMNICORE_BENCH_MIGRATIONS", "initial"),
    }
