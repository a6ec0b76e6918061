"""Job kinds and the functions that do their work, registered by the apps that own them."""

from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise

_handlers: dict[str, Callable] = {}
_titles: dict[str, Promise | str] = {}
_queues: dict[str, str] = {}


def job_handler(kind: str, *, title: Promise | str | None = None, queue: str | None = None):
    """Register `func(*, job, reporter, **params) -> dict` as the work for jobs of this kind.
    `title` (lazily translated, with %(param)s placeholders) names a job in the reader's language.
    `queue` names a queue in settings.JOB_QUEUES ("pdf": rendering, kept apart from the default queue);
    none: the default queue."""

    def register(func: Callable) -> Callable:
        if kind in _handlers and _handlers[kind] is not func:
            raise RuntimeError(f"job kind {kind!r} registered twice")
        _handlers[kind] = func
        if title is not None:
            _titles[kind] = title
        if queue is not None:
            _queues[kind] = queue
        return func

    return register


def title_for(kind: str, params: dict, fallback: str = "") -> str:
    """The job's title in the active language, or `fallback` (the title stored when it started)."""
    template = _titles.get(kind)
    if template is None:
        return fallback or kind
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return fallback or str(template)


def queue_for(kind: str) -> str | None:
    """The Celery queue a job of this kind runs on (None: the default queue)."""
    from django.conf import settings

    name = _queues.get(kind)
    return settings.JOB_QUEUES[name] if name else None


def handler_for(kind: str) -> Callable:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"no handler for job kind {kind!r}") from None


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("apps."):
            try:
                import_module(f"{config.name}.jobs")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.jobs":
                    raise
