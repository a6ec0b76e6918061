"""GET /api/v1/: what this host's API offers, with links."""

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

# (name, URL name, what it is) — only those this host serves are listed
ENDPOINTS = [
    ("auth-token", "api:auth-token", "POST username/email + password (+ otp): access and refresh tokens"),
    ("auth-token-refresh", "api:auth-token-refresh", "POST a refresh token: a new pair (rotation)"),
    ("auth-otp-totp", "api:auth-otp-totp", "POST with an enrolment token: a TOTP secret for an authenticator app"),
    ("auth-otp-totp-confirm", "api:auth-otp-totp-confirm", "POST a code with the enrolment token: ten backup codes"),
    ("me", "api:me", "the signed-in user, role and school"),
    ("jobs", "api:job-list", "background jobs you started (admins see all)"),
    ("users", "api:user-list", "the school's people: invite, roles, deactivate (school admins)"),
    ("audit-events", "api:audit-event-list", "the audit log (school admins; the platform owner on the platform)"),
    ("platform-schools", "api:platform-school-list", "schools: list, and provision (platform owner)"),
    ("academic-years", "api:academic-year-list", "academic years (one current)"),
    ("terms", "api:term-list", "terms of the years, their freeze date and publication"),
    ("classes", "api:class-list", "classes (Form 1…), their next class and grading scheme"),
    ("streams", "api:stream-list", "streams (Form 1A…), class teacher and room"),
    ("subjects", "api:subject-list", "subjects with their codes"),
    ("teaching-assignments", "api:teaching-assignment-list", "who teaches which subject to which stream"),
    ("students", "api:student-list", "students: admit, change, status (scoped: teachers their streams, parents "
                                     "their children)"),
    ("guardians", "api:guardian-list", "guardians (parents) and their children"),
    ("attendance", "api:attendance-index", "attendance: registers, term rates, a student's term"),
    ("assessments", "api:assessment-list", "a term's assessments and their weights"),
    ("marks", "api:mark-list", "marks: list, and bulk upsert (all or nothing)"),
    ("mark-flags", "api:mark-flag-list", "suspicious mark changes to accept or revert (school admins)"),
    ("grading-schemes", "api:grading-scheme-list", "grading schemes; POST <code>/evaluate/ for a what-if"),
    ("results", "api:result-list", "term results (parents: published terms only)"),
    ("report-cards", "api:report-card-list", "report cards: list, download, generate"),
    ("notices", "api:notice-list", "the school's notices"),
    ("ledger-accounts", "api:ledger-account-list", "the chart of accounts (school admins and accountants)"),
    ("ledger-entries", "api:ledger-entry-list", "journal entries: list, post a manual entry, reverse"),
    ("ledger-periods", "api:ledger-period-list", "accounting months: close, reopen (school admins)"),
    ("suppliers", "api:supplier-list", "suppliers"),
    ("expenses", "api:expense-list", "bills and expense claims: enter, approve, reject, pay"),
    ("ledger-trial-balance", "api:ledger-report-trial-balance", "trial balance (from, to)"),
    ("ledger-income-statement", "api:ledger-report-income-statement", "income statement with the previous "
                                                                      "period (from, to)"),
    ("ledger-balance-sheet", "api:ledger-report-balance-sheet", "balance sheet (at)"),
    ("ledger-beancount", "api:ledger-export-beancount", "the journal as a beancount file (to)"),
    ("schema", "api-schema", "OpenAPI 3 document"),
    ("docs", "api-docs", "interactive documentation"),
]


class ApiRootView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="List the API's resources",
        tags=["meta"],
        responses=inline_serializer("ApiRoot", {
            "name": serializers.CharField(),
            "version": serializers.CharField(),
            "tenant": serializers.CharField(allow_null=True, help_text="The school's slug, or null on the platform"),
            "resources": serializers.DictField(child=serializers.DictField(child=serializers.CharField())),
        }),
    )
    def get(self, request):
        resources = {}
        for name, url_name, description in ENDPOINTS:
            try:
                url = request.build_absolute_uri(reverse(url_name))
            except NoReverseMatch:
                continue
            resources[name] = {"url": url, "description": description}
        tenant = request.tenant
        return Response({
            "name": "OmniCore API",
            "version": "v1",
            "tenant": None if tenant.is_public else tenant.slug,
            "resources": resources,
        })


def api_not_found(request, *args, **kwargs):
    """The last API route: unknown API paths answer the envelope even while DEBUG shows HTML."""
    from apps.core.api.errors import error_response

    return error_response(404, "not_found", "Nothing here: check the address (GET /api/v1/ lists the API).")
