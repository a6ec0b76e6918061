"""Which school a request is for: by host name, or by X-Tenant-ID on the platform host's API.

A school that is still being provisioned answers 503; an unknown host or school answers 404; a
suspended school answers 403 (`tenant_suspended` on the API); a path in a module switched off for
the school answers 404 (apps.platform.modules).
A token carries the school it was issued in and is refused anywhere else (see
apps.accounts.api.authentication), so the header can only ever narrow, never widen, access.
"""

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware

from apps.core.api.errors import error_response
from apps.core.logging import bind_context
from apps.platform.modules import module_for_path
from apps.platform.selectors import school_by_slug, tenant_for_host

TENANT_HEADER = "HTTP_X_TENANT_ID"


class TenantMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        hostname = self.hostname_from_request(request)
        is_api = request.path.startswith("/api/")
        tenant = tenant_for_host(hostname)
        if tenant is None:
            if is_api:
                return error_response(404, "unknown_host", f"No school or platform answers at {hostname}.")
            raise Http404(f"No school at {hostname}")

        slug = request.META.get(TENANT_HEADER, "").strip()
        if slug and is_api and tenant.is_public:
            tenant = school_by_slug(slug)
            if tenant is None:
                return error_response(404, "unknown_tenant", f"No school “{slug}”.")

        if not tenant.is_public and not tenant.ready:
            if is_api:
                return error_response(503, "tenant_not_ready", "This school is still being set up.")
            return render(request, "errors/school_not_ready.html", {"school_name": tenant.name}, status=503)

        if not tenant.is_public and tenant.is_suspended and not request.path.startswith(settings.STATIC_URL):
            if is_api:
                return error_response(403, "tenant_suspended", "This school's account is suspended.")
            return render(request, "errors/school_suspended.html", {"school": tenant}, status=403)

        if not tenant.is_public:
            module = module_for_path(request.path_info)
            if module is not None and not tenant.module_enabled(module.key):
                if is_api:
                    return error_response(404, "module_disabled",
                                          f"The {module.label} module is switched off for this school.")
                raise Http404(f"module {module.key} is switched off")

        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        bind_context(tenant=tenant.schema_name)
        self.setup_url_routing(request)
        return None

