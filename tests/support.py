"""Child processes for tests that need the real thing: a Celery worker, a live web server.

They are pointed at the test database and the test Redis database through the environment,
exactly as production processes are pointed at theirs.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
ARTIFACTS = BASE_DIR / "test-artifacts"


def database_url() -> str:
    """A DATABASE_URL for the database this test session runs against."""
    s = connection.settings_dict
    if not s["NAME"].startswith("test_"):
        raise RuntimeError(f"refusing to point a test process at {s['NAME']}: not a test database")
    host = quote(s["HOST"] or "", safe="")
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


def child_env(**extra) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _log_path(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.log"


@contextlib.contextmanager
def celery_worker(queue: str | None = None, name: str = "worker"):
    """A real worker on the test queue; yields once it answers a ping."""
    from config.celery import app

    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    hostname = f"{name}-{os.getpid()}@%h"
    log = _log_path(name).open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "-Q", queue, "--pool", "solo",
         "--loglevel", "INFO", "--hostname", hostname, "--without-gossip", "--without-mingle"],
        cwd=BASE_DIR, env=child_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"worker exited early; see {log.name}")
            replies = app.control.ping(timeout=0.5)
            if any(hostname.split("@")[0] in next(iter(reply)) for reply in replies):
                break
        else:
            raise RuntimeError(f"worker did not answer within 60 s; see {log.name}")
        yield process
    finally:
        _stop(process)
        log.close()


@contextlib.contextmanager
def web_server(port: int | None = None, name: str = "web"):
    """Django's server on 127.0.0.1:<port> (any *.localhost host name reaches it)."""
    port = port or free_port()
    log = _log_path(name).open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks",
         f"127.0.0.1:{port}"],
        cwd=BASE_DIR, env=child_env(DEBUG="0"), stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"web server exited early; see {log.name}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"web server did not listen within 60 s; see {log.name}")
        yield f"http://localhost:{port}", port
    finally:
        _stop(process)
        log.close()
