"""Reading settings from the environment, with the embedded development services as fallback."""

import os
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import dj_database_url

from config import devservices


def env(name: str, default: str = "") -> str:
    """The variable's value; set-but-empty counts as unset (JWT_SIGNING_KEY= must not mean "")."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_settings(default_name: str = devservices.DATABASE_NAME) -> dict:
    url = env("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(env("DB_CONN_MAX_AGE", "60")))
    else:
        config = devservices.embedded_database_settings(default_name)
        config["CONN_MAX_AGE"] = 60
    config["ENGINE"] = "django_tenants.postgresql_backend"
    config["CONN_HEALTH_CHECKS"] = True
    return config


def redis_url(db: int | None = None) -> str:
    """REDIS_URL (redis://, rediss:// or unix://), or the embedded server; optionally another db."""
    url = env("REDIS_URL") or devservices.embedded_redis_url(0)
    if db is None:
        return url
    parts = urlparse(url)
    if parts.scheme == "unix":
        query = parse_qs(parts.query)
        query["db"] = [str(db)]
        # urlunparse would drop the empty host and write unix:/path, which redis-py rejects
        return f"unix://{parts.path}?{urlencode(query, doseq=True)}"
    return urlunparse(parts._replace(path=f"/{db}"))


def celery_broker_url(url: str) -> str:
    """Celery (kombu) spells a Unix-socket Redis differently from redis-py."""
    parts = urlparse(url)
    if parts.scheme != "unix":
        return url
    db = parse_qs(parts.query).get("db", ["0"])[0]
    return f"redis+socket://{parts.path}?virtual_host={db}"
