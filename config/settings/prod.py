"""Production: everything from the environment; refuses to start without the secrets it needs."""

import os

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_list

from .base import *  # noqa: F403

for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_HOST",
                 "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production")
# every key a Fernet key (a typo found now, not at the first encrypted write); the first encrypts
for _position, _key in enumerate(FIELD_ENCRYPTION_KEYS, start=1):  # noqa: F405
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: key {_position} is not a Fernet key") from None
if not FIELD_ENCRYPTION_KEYS:  # noqa: F405  - set, but to commas only
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production")

DEBUG = False

# config.env reads an empty value (`NAME=` in an env file) as unset, i.e. the default.

# TLS ends at the proxy, which says so in X-Forwarded-Proto (docker/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # every school is a subdomain of PLATFORM_HOST
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [
    f"https://{PLATFORM_HOST}",  # noqa: F405
    f"https://*.{PLATFORM_HOST}",  # noqa: F405
]
# Hashed names, compressed copies, served by WhiteNoise; collected when the image is built.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` when it is set (apps.core.middleware).
METRICS_TOKEN = env("METRICS_TOKEN")
SENTRY_TRACES_SAMPLE_RATE = float(env("SENTRY_TRACES_SAMPLE_RATE", "0"))

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"OmniCore <no-reply@{PLATFORM_HOST}>")  # noqa: F405
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Uploaded files stay on the local file system (MEDIA_ROOT, a shared volume in docker/compose.yaml)
# until django-storages (S3, per-school prefixes, signed URLs) arrives with the first feature that
# stores files.
