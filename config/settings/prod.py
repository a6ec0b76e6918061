"""Production: everything from the environment; refuses to start without the secrets it needs."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_list

from .base import *  # noqa: F403

for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "PLATFORM_HOST"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production")

DEBUG = False


def _setting(name: str, default: str) -> str:
    """An environment value, with an empty one (`NAME=` in an env file) meaning "use the default"."""
    return os.environ.get(name) or default


def _flag(name: str, default: bool) -> bool:
    return env_bool(name, default) if os.environ.get(name) else default


# TLS ends at the proxy, which says so in X-Forwarded-Proto (docker/nginx.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(_setting("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True  # every school is a subdomain of PLATFORM_HOST
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", True)
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
SENTRY_TRACES_SAMPLE_RATE = float(_setting("SENTRY_TRACES_SAMPLE_RATE", "0"))
# base.py reads JWT_SIGNING_KEY with SECRET_KEY as the default; an empty value means the default too
SIMPLE_JWT["SIGNING_KEY"] = _setting("JWT_SIGNING_KEY", SECRET_KEY)  # noqa: F405
LOGGING["root"]["level"] = _setting("LOG_LEVEL", "INFO")  # noqa: F405

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = _setting("EMAIL_HOST", "localhost")
EMAIL_PORT = int(_setting("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = _setting("DEFAULT_FROM_EMAIL", f"OmniCore <no-reply@{PLATFORM_HOST}>")  # noqa: F405
SERVER_EMAIL = _setting("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Uploaded files stay on the local file system (MEDIA_ROOT, a shared volume in docker/compose.yaml)
# until django-storages (S3, per-school prefixes, signed URLs) arrives with the first feature that
# stores files.
