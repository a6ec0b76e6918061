"""What every console page needs: the school, the sidebar for this user, the languages."""

from apps.core.navigation import nav_for


def console(request):
    tenant = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    return {
        "school": tenant if tenant is not None and not tenant.is_public else None,
        "nav_items": nav_for(user=user, tenant=tenant, path=request.path) if user and user.is_authenticated else [],
    }
