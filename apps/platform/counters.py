"""Per-school counters (students, staff, SMS sent this month, storage used), registered by the apps
that own the rows. Each runs inside the school's schema. `limits.check` reads one live; the
analytics task (apps.platform.analytics) reads them all once an hour into the public schema.

    # apps/academics/counters.py (loaded at start-up)
    @school_counter("students")
    def count_students() -> int:
        return Student.objects.filter(active=True).count()

A key nobody has registered yet counts 0.
"""

from collections.abc import Callable
from importlib import import_module

from django.apps import apps

# the keys the platform knows about; analytics totals students and staff
KNOWN = ("students", "staff", "sms_per_month", "storage_mb")

_counters: dict[str, Callable[[], int]] = {}


def school_counter(key: str):
    def register(func: Callable[[], int]) -> Callable[[], int]:
        if key in _counters and _counters[key] is not func:
            raise RuntimeError(f"counter {key!r} registered twice")
        _counters[key] = func
        return func

    return register


def count(key: str) -> int:
    """The counter's value in the current schema (0 when no app counts it yet)."""
    func = _counters.get(key)
    return int(func()) if func is not None else 0


def count_all() -> dict[str, int]:
    return {key: count(key) for key in sorted(set(KNOWN) | set(_counters))}


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            try:
                import_module(f"{config.name}.counters")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.counters":
                    raise
