"""Cross-cutting middleware: request ids, health endpoints outside tenancy, log context."""

import re
import uuid

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from apps.core import health
from apps.core.logging import bind_context

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class TrustedProxyMiddleware:
    """Behind TRUSTED_PROXY_HOPS reverse proxies (nginx in docker/: 1), the client is the address
    that many entries from the right of X-Forwarded-For: each proxy appends who connected to it,
    so entries further left are whatever the client claimed and are ignored. Lockouts (axes) and
    the audit log both read REMOTE_ADDR, so setting it here serves both."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))

    def __call__(self, request):
        if self.hops:
            chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
            if len(chain) >= self.hops and _looks_like_ip(chain[-self.hops]):
                request.META["REMOTE_ADDR"] = chain[-self.hops]
        return self.get_response(request)


def _looks_like_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class RequestIdMiddleware:
    """Take the proxy's X-Request-ID when it looks sane, else make one; echo it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(REQUEST_ID_HEADER, "")
        request.id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        bind_context(request_id=request.id, tenant=None, user=None, ip=request.META.get("REMOTE_ADDR"))
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class HealthCheckMiddleware:
    """Probes hit any host name (often an IP), so they are answered before tenant resolution."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path == "/healthz":
            return JsonResponse({"status": "ok"})
        if path == "/readyz":
            checks = health.readiness()
            ready = all(value == "ok" for value in checks.values())
            return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                                status=200 if ready else 503)
        if path == "/metrics":
            return self._metrics(request)
        return self.get_response(request)

    def _metrics(self, request):
        token = getattr(settings, "METRICS_TOKEN", "")
        if token and request.META.get("HTTP_AUTHORIZATION", "") != f"Bearer {token}":
            return HttpResponse(status=401)
        from django_prometheus.exports import ExportToDjangoView

        return ExportToDjangoView(request)


class LogContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        bind_context(tenant=tenant.schema_name if tenant else None,
                     user=str(user.pk) if user is not None and user.is_authenticated else None)
        return self.get_response(request)
