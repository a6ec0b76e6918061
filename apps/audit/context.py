"""Who is really acting, when it is not simply the signed-in user (break-glass sessions)."""

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RealActor:
    label: str  # e.g. "platform owner owner@omnicore.test"
    break_glass_id: str


_real_actor: contextvars.ContextVar[RealActor | None] = contextvars.ContextVar("audit_real_actor", default=None)


def real_actor() -> RealActor | None:
    return _real_actor.get()


@contextlib.contextmanager
def acting_for(actor: RealActor):
    token = _real_actor.set(actor)
    try:
        yield
    finally:
        _real_actor.reset(token)


def set_real_actor(actor: RealActor | None) -> None:
    """For middleware: bind for the rest of this request (reset by the next request's binding)."""
    _real_actor.set(actor)
