"""Job kinds and the functions that do their work, registered by the apps that own them."""

from collections.abc import Callable
from importlib import import_module

from django.apps import apps

_handlers: dict[str, Callable] = {}


def job_handler(kind: str):
    """Register `func(*, job, reporter, **params) -> dict` as the work for jobs of this kind."""

    def register(func: Callable) -> Callable:
        if kind in _handlers and _handlers[kind] is not func:
            raise RuntimeError(f"job kind {kind!r} registered twice")
        _handlers[kind] = func
        return func

    return register


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
