"""Development: the embedded PostgreSQL and Redis, DEBUG on, email to the console."""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [  # noqa: F405
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]

# static files straight from the app and static/ folders (no collectstatic outside production)
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# encrypted fields work out of the box; the keys are public, so nothing real is ever encrypted with them
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [DEVELOPMENT_ONLY_FIELD_ENCRYPTION_KEY]  # noqa: F405
FIELD_HASH_KEY = FIELD_HASH_KEY or DEVELOPMENT_ONLY_FIELD_HASH_KEY  # noqa: F405
