"""Feature flags: one helper services call before doing a module's work for a school."""

from django.http import Http404

from apps.platform.modules import MODULES


def enabled(school, key: str) -> bool:
    if key not in MODULES:
        raise LookupError(f"no module {key!r} (declared in apps.platform.modules)")
    return school.module_enabled(key)


def require(school, key: str) -> None:
    """Http404 when `key` is switched off for `school`: to its users the module does not exist."""
    if not enabled(school, key):
        raise Http404(f"The {MODULES[key].label} module is switched off for this school.")
