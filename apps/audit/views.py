"""The audit page (school admins on a school's host, the owner on the platform host) and its CSV."""

import csv

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.audit.forms import AuditFilterForm
from apps.audit.selectors import audit_actions, audit_events_for_user
from apps.breakglass.selectors import break_glass_sessions_for_school

READERS = (Role.SCHOOL_ADMIN, Role.PLATFORM_OWNER)
CSV_COLUMNS = ["id", "created_at", "actor", "acting_as", "action", "object_type", "object_id", "object_repr",
               "changes", "detail", "ip", "request_id", "hash"]


@role_required(*READERS)
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for_user(user=request.user, **form.filters())
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "audit/audit_list.html#results" if request.htmx else "audit/audit_list.html"
    return render(request, template, {
        "page": page, "form": form, "actions": audit_actions(), "querystring": _without_page(request),
        # the platform owner's visits to this school (its own host only: on the platform it is all schools)
        "break_glass_sessions": None if request.tenant.is_public
        else break_glass_sessions_for_school(school=request.tenant)[:20],
    })


@role_required(*READERS)
def audit_export(request):
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for_user(user=request.user, **form.filters()).values_list(*CSV_COLUMNS)

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for row in events.iterator(chunk_size=2000):
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
