"""Settings shared by every environment; dev, test and prod differ only where they must."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import celery_broker_url, database_settings, env, env_bool, env_list, redis_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)

# Schools live at <slug>.<PLATFORM_HOST>; the platform's own site at PLATFORM_HOST.
PLATFORM_HOST = env("PLATFORM_HOST", "localhost")
ALLOWED_HOSTS = [PLATFORM_HOST, f".{PLATFORM_HOST}", *env_list("EXTRA_ALLOWED_HOSTS")]

# --- applications: shared ones live in the public schema, tenant ones in every school's ---------

SHARED_APPS = [
    "django_tenants",
    "apps.platform",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "apps.core",
    "apps.audit",
    "apps.accounts",
    "apps.jobs",
    "apps.dashboards",
    "apps.breakglass",
    "apps.portals",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "template_partials",
    "django_prometheus",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "apps.core",
    "apps.audit",
    "apps.accounts",
    "apps.jobs",
    "rest_framework_simplejwt.token_blacklist",
    "allauth",
    "allauth.account",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "apps.academics",
    "apps.attendance",
    "apps.results",
    "apps.communication",
    "apps.ledger",
    "apps.finance",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "platform.Tenant"
TENANT_DOMAIN_MODEL = "platform.Domain"
# New schools are cloned from this migrated schema rather than migrated one by one.
TENANT_BASE_SCHEMA = "school_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# A cached search_path can survive a savepoint rollback and serve another school's rows.
TENANT_LIMIT_SET_CALLS = False
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(env("MIGRATE_PROCESSES", "2"))
GET_EXECUTOR_FUNCTION = "apps.platform.migration.get_executor"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "apps.core.middleware.TrustedProxyMiddleware",
    "apps.core.middleware.RequestIdMiddleware",
    "apps.core.middleware.HealthCheckMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "apps.platform.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a school session opened by break-glass: checked (expiry) and its real actor bound for the audit log
    "apps.breakglass.middleware.BreakGlassMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # after Htmx (an HTMX request is sent to the code prompt with HX-Redirect), before any view
    "apps.accounts.middleware.OTPRequiredMiddleware",
    "apps.core.idempotency.IdempotencyMiddleware",
    "apps.core.middleware.LogContextMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into apps.accounts.lockout's answer
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.console",
                "apps.breakglass.context_processors.break_glass",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # every key carries the schema so one school never reads another's cache
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
    }
}

# --- identity ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account+IP before any password check
    "apps.accounts.backends.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# allauth: sign-in by username or email, password reset, optional email verification; no sign-up
# (schools invite their people). Its rows and sessions live in each schema like auth's.
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {"login": "apps.accounts.forms.LoginForm"}
ACCOUNT_RATE_LIMITS = {"login_failed": None}  # axes locks out failed sign-ins (below), for console and API alike
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OmniCore] "
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses that have no account in this school
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"OmniCore <no-reply@{PLATFORM_HOST}>")

# django-otp: TOTP and backup codes; required for the roles in apps.accounts.otp.OTP_REQUIRED_ROLES
OTP_TOTP_ISSUER = "OmniCore"

# django-axes: an account + IP is locked for 15 minutes after 5 failures (console and token endpoint).
# The database handler keeps attempts in the current schema, so a lockout is per school (no cache used).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- data at rest -----------------------------------------------------------------------------

# Fernet keys for encrypted model fields (apps.core.fields), newest first; see docs/operations.md.
# Empty here: dev and test fall back to the development-only keys below, production refuses to start.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
# HMAC key for blind indexes of encrypted values (apps.core.crypto.blind_index).
FIELD_HASH_KEY = env("FIELD_HASH_KEY")
DEVELOPMENT_ONLY_FIELD_ENCRYPTION_KEY = "2u8wc7MdZsPXCH-hpc5lhwsH5OwEd6a7UiG2mAQkGVU="  # public: never in production
DEVELOPMENT_ONLY_FIELD_HASH_KEY = "development-only-field-hash-key-never-in-production"

# --- internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sw", _("Kiswahili")), ("ar", _("العربية"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Dar_es_Salaam"
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# every school's files under MEDIA_ROOT/<schema>/ (MULTITENANT_RELATIVE_MEDIA_ROOT, %s = schema)
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "apps.core.storage.SchoolFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- API --------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.api.authentication.TenantJWTAuthentication",
        "apps.accounts.api.authentication.OTPVerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.EnvelopePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "EXCEPTION_HANDLER": "apps.core.api.exceptions.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"auth": "20/min"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "OmniCore API",
    "DESCRIPTION": (
        "The school suite's API. Authenticate with `POST /api/v1/auth/token/` and send "
        "`Authorization: Bearer <access>`. On a school's own host the school is implied; on the "
        "platform host send `X-Tenant-ID: <school slug>`. Lists answer "
        '`{"data": [...], "meta": {"count", "next", "previous"}}`, errors '
        '`{"error": {"code", "message", "details"}}`. Writes accept an `Idempotency-Key` header.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # "status" is a field of schools, jobs and more: each choice set gets its own name
    "ENUM_NAME_OVERRIDES": {
        "SchoolStatusEnum": "apps.platform.models.Tenant.Status",
        "JobStatusEnum": "apps.jobs.models.Job.Status",
        "StudentStatusEnum": "apps.academics.models.Student.Status",
        "AttendanceStatusEnum": "apps.attendance.models.AttendanceMark.Status",
        "MarkFlagStatusEnum": "apps.results.models.MarkFlag.Status",
        "ReportCardStatusEnum": "apps.results.models.ReportCard.Status",
        "OutboxStatusEnum": "apps.communication.models.OutboxMessage.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_common_headers",
    ],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": env("JWT_SIGNING_KEY", SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
}

# --- background work --------------------------------------------------------------------------

CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Above the longest task, or Redis hands an unacknowledged task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "default")
CELERY_TASK_ROUTES = {"*.render_*": {"queue": "pdf"}}
# queues jobs may ask for by name (apps.jobs.registry.job_handler(queue=...)): PDF rendering runs apart,
# in workers replaced after a few tasks (docker/compose.yaml worker-pdf; `make run`'s worker takes both)
JOB_QUEUES = {"pdf": env("CELERY_PDF_QUEUE", "pdf")}
CELERY_TASK_TENANT_CACHE_SECONDS = 30
CELERY_TASK_ACKS_LATE = False  # only idempotent tasks opt in (see apps.jobs.tasks)
# Periodic work, declared here and copied into the database at beat start (editable in the admin).
# School work runs through fan_out_task, which queues it in every ready, active school.
CELERY_BEAT_SCHEDULE = {
    "schools: purge old idempotency keys": {
        "task": "apps.core.tasks.fan_out_task",
        "schedule": crontab(minute=15, hour=2),
        "args": ["apps.core.tasks.purge_idempotency_keys_task"],
    },
    "schools: recover stale jobs": {
        "task": "apps.core.tasks.fan_out_task",
        "schedule": crontab(minute="*/10"),
        "args": ["apps.jobs.tasks.recover_stale_jobs_task"],
    },
    "schools: retry payment notifications": {
        "task": "apps.core.tasks.fan_out_task",
        "schedule": crontab(minute="*/10"),
        "args": ["apps.finance.tasks_events.retry_inbound_events_task"],
    },
    "schools: reconcile payments": {
        "task": "apps.core.tasks.fan_out_task",
        "schedule": crontab(minute=30, hour=2),
        "args": ["apps.finance.tasks_reconciliation.reconcile_open_items_task"],
    },
    "schools: late fees": {
        "task": "apps.core.tasks.fan_out_task",
        "schedule": crontab(minute=30, hour=1),
        "args": ["apps.finance.tasks_late_fees.apply_late_fees_task"],
    },
    "platform: recover stale jobs": {
        "task": "apps.jobs.tasks.recover_stale_platform_jobs_task",
        "schedule": crontab(minute="*/10"),
    },
    "platform: keep spare school schemas ready": {
        "task": "apps.platform.tasks.replenish_spare_schemas_task",
        "schedule": crontab(minute="*/5"),
    },
    "platform: end expired break-glass sessions": {
        "task": "apps.breakglass.tasks.expire_break_glass_sessions_task",
        "schedule": crontab(minute="*"),
    },
    "platform: purge old idempotency keys": {
        "task": "apps.core.tasks.purge_platform_idempotency_keys_task",
        "schedule": crontab(minute=20, hour=2),
    },
    "platform: count schools for analytics": {
        "task": "apps.platform.tasks.refresh_school_stats_task",
        "schedule": crontab(minute=5),
    },
}

# --- observability ----------------------------------------------------------------------------

SENTRY_DSN = env("SENTRY_DSN")
# How many reverse proxies stand in front (0: clients connect directly, as in development).
TRUSTED_PROXY_HOPS = int(env("TRUSTED_PROXY_HOPS", "0"))
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "apps.core.logging.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s %(user)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        # WeasyPrint logs its progress at INFO (7 lines per PDF): per report card, that is noise and CPU.
        "weasyprint": {"level": "WARNING"},
    },
}

# --- the product ------------------------------------------------------------------------------

OMNICORE_DEFAULT_COUNTRY = "TZ"
OMNICORE_DEFAULT_CURRENCY = "TZS"
IDEMPOTENCY_KEY_TTL_HOURS = 24
# A job running longer than this lost its worker (keep it under the broker's visibility timeout);
# one still queued after JOB_REQUEUE_AFTER is sent to the queue again.
JOB_MAX_RUNTIME = timedelta(hours=3)
JOB_REQUEUE_AFTER = timedelta(minutes=10)
# Clones of the school template kept ready so that provisioning is a rename (apps.platform.spares).
SPARE_SCHEMAS = int(env("SPARE_SCHEMAS", "2"))
