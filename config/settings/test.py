"""Tests: their own database (pytest-django prefixes test_) and their own Redis database."""

import os

from config.env import celery_broker_url, redis_url

from .base import *  # noqa: F403

DEBUG = False
# One database per test run (xdist adds _gwN), so two runs in one checkout never collide;
# `make test` drops those left behind by runs that died.
DATABASES["default"]["TEST"] = {"NAME": f"test_omnicore_{os.getpid()}"}  # noqa: F405
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; argon2 is checked in prod settings
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
REDIS_URL = redis_url(db=9)
# Test runs (and pytest-xdist runners within one) share Redis, never keys or queues. The run id is
# put in the environment so the workers and servers a test starts use the same queue and keys.
RUN_ID = os.environ.setdefault("OMNICORE_TEST_RUN", str(os.getpid()))
RUNNER = f'{RUN_ID}-{os.environ.get("PYTEST_XDIST_WORKER", "main")}'
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = f"test-{RUNNER}"  # noqa: F405
CELERY_BROKER_URL = celery_broker_url(redis_url(db=10))  # apart from the cache, which tests clear
CELERY_TASK_DEFAULT_QUEUE = f"test-{RUNNER}"
JOB_QUEUES = {"pdf": CELERY_TASK_DEFAULT_QUEUE}  # the run's one worker takes rendering jobs too
SPARE_SCHEMAS = 0  # tests that want spare school schemas make them (tests/platform/test_spares.py)
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# static files straight from the app and static/ folders (no collectstatic outside production)
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# encrypted fields work out of the box; the keys are public, so nothing real is ever encrypted with them
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [DEVELOPMENT_ONLY_FIELD_ENCRYPTION_KEY]  # noqa: F405
FIELD_HASH_KEY = FIELD_HASH_KEY or DEVELOPMENT_ONLY_FIELD_HASH_KEY  # noqa: F405
