"""Request id, tenant and user on every log line, carried in context variables."""

import contextvars
import logging

_request_id = contextvars.ContextVar("request_id", default=None)
_tenant = contextvars.ContextVar("tenant", default=None)
_user = contextvars.ContextVar("user", default=None)
_ip = contextvars.ContextVar("ip", default=None)


def bind_context(**values) -> None:
    for name, value in values.items():
        {"request_id": _request_id, "tenant": _tenant, "user": _user, "ip": _ip}[name].set(value)


def current_context() -> dict:
    return {"request_id": _request_id.get(), "tenant": _tenant.get(), "user": _user.get(), "ip": _ip.get()}


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current_context().items():
            if name == "ip":
                continue  # personal data: kept for the audit log, not written to every log line
            if not hasattr(record, name):
                setattr(record, name, value)
        return True
