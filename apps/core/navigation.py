"""The console sidebar, declared once: each entry says who sees it and which module it belongs to.
Domain apps add their entries here as they arrive; a disabled module's entries disappear."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset | None = None  # None: every signed-in role
    module: str | None = None  # feature flag that must be on for the school
    public: bool = False  # shown on the platform host instead of a school's
    section: str | Promise = ""  # a heading the entry is listed under (entries of a section are adjacent)


NAV_ITEMS = [
    NavItem("dashboard", _("Dashboard"), "dashboards:home", "bi-speedometer2"),
    # the school's core (entries whose URL does not resolve yet are left out by nav_for)
    NavItem("teacher-home", _("My classes"), "teacher:home", "bi-easel", roles=frozenset({Role.TEACHER}),
            section=_("Teaching")),
    NavItem("teacher-students", _("My students"), "teacher:students", "bi-people", roles=frozenset({Role.TEACHER}),
            section=_("Teaching")),
    NavItem("teacher-marks", _("Marks entry"), "teacher:marks", "bi-pencil-square",
            roles=frozenset({Role.TEACHER}), module="results", section=_("Teaching")),
    NavItem("parent-home", _("My children"), "parent:home", "bi-house-heart", roles=frozenset({Role.PARENT})),
    NavItem("parent-attendance", _("Attendance"), "parent:attendance", "bi-calendar-check",
            roles=frozenset({Role.PARENT}), module="attendance"),
    NavItem("parent-results", _("Results"), "parent:results", "bi-bar-chart", roles=frozenset({Role.PARENT}),
            module="results"),
    NavItem("parent-fees", _("Fees"), "parent:fees", "bi-wallet2", roles=frozenset({Role.PARENT}), module="finance"),
    NavItem("parent-report-cards", _("Report cards"), "parent:report-cards", "bi-file-earmark-pdf",
            roles=frozenset({Role.PARENT}), module="results"),
    NavItem("parent-notices", _("Notices"), "parent:notices", "bi-megaphone", roles=frozenset({Role.PARENT})),
    NavItem("students", _("Students"), "academics:student-list", "bi-mortarboard",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="academics", section=_("People")),
    NavItem("guardians", _("Guardians"), "academics:guardian-list", "bi-person-hearts",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="academics", section=_("People")),
    NavItem("school-structure", _("Classes and subjects"), "academics:structure", "bi-diagram-3",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="academics", section=_("People")),
    NavItem("attendance", _("Attendance"), "attendance:register-list", "bi-calendar-check",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.TEACHER}), module="attendance", section=_("Attendance")),
    NavItem("attendance-report", _("Attendance reports"), "attendance:report", "bi-graph-up",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="attendance", section=_("Attendance")),
    NavItem("assessments", _("Exams and marks"), "results:assessment-list", "bi-pencil-square",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="results", section=_("Exams and results")),
    NavItem("results", _("Results"), "results:result-list", "bi-bar-chart",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="results", section=_("Exams and results")),
    NavItem("report-cards", _("Report cards"), "results:report-card-list", "bi-file-earmark-pdf",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="results", section=_("Exams and results")),
    NavItem("marks-review", _("Marks review"), "results:review-queue", "bi-shield-exclamation",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="results", section=_("Exams and results")),
    NavItem("grading", _("Grading schemes"), "results:scheme-list", "bi-sliders",
            roles=frozenset({Role.SCHOOL_ADMIN}), module="results", section=_("Exams and results")),
    NavItem("finance-dashboard", _("Fees overview"), "finance:dashboard", "bi-speedometer",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("finance-invoices", _("Invoices"), "finance:invoice-list", "bi-receipt-cutoff",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("finance-payments", _("Payments"), "finance:payment-list", "bi-cash-coin",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("finance-statements", _("Statements"), "finance:statement-list", "bi-bank",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("finance-reconciliation", _("Reconciliation"), "finance:reconciliation", "bi-arrow-left-right",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("finance-credit-notes", _("Credit notes"), "finance:credit-note-list", "bi-file-earmark-minus",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("finance-setup", _("Fee setup"), "finance:structure-list", "bi-sliders2",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="finance", section=_("Fees")),
    NavItem("ledger-reports", _("Financial reports"), "ledger:report-index", "bi-graph-up-arrow",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="accounting", section=_("Accounting")),
    NavItem("ledger-journal", _("Journal"), "ledger:entry-list", "bi-journal-text",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="accounting", section=_("Accounting")),
    NavItem("ledger-expenses", _("Expenses"), "ledger:expense-list", "bi-receipt",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="accounting", section=_("Accounting")),
    NavItem("ledger-suppliers", _("Suppliers"), "ledger:supplier-list", "bi-truck",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="accounting", section=_("Accounting")),
    NavItem("ledger-accounts", _("Chart of accounts"), "ledger:account-list", "bi-list-nested",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="accounting", section=_("Accounting")),
    NavItem("ledger-periods", _("Accounting periods"), "ledger:period-list", "bi-calendar-range",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT}), module="accounting", section=_("Accounting")),
    NavItem("notices", _("Notices"), "communication:notice-list", "bi-megaphone",
            roles=frozenset({Role.SCHOOL_ADMIN}), section=_("School")),
    NavItem("jobs", _("Background jobs"), "jobs:job-list", "bi-hourglass-split",
            roles=frozenset({Role.SCHOOL_ADMIN, Role.ACCOUNTANT, Role.TEACHER}), section=_("School")),
    NavItem("users", _("Users and roles"), "users:user-list", "bi-people", roles=frozenset({Role.SCHOOL_ADMIN}),
            section=_("School")),
    NavItem("audit", _("Audit log"), "audit:audit-list", "bi-journal-check",
            roles=frozenset({Role.SCHOOL_ADMIN}), section=_("School")),
    NavItem("break-glass", _("Break-glass"), "breakglass:session-list", "bi-shield-lock", public=True,
            roles=frozenset({Role.PLATFORM_OWNER})),
    NavItem("platform-audit", _("Audit log"), "audit:audit-list", "bi-journal-check", public=True,
            roles=frozenset({Role.PLATFORM_OWNER})),
    NavItem("platform-overview", _("Overview"), "platform:overview", "bi-speedometer2", public=True,
            roles=frozenset({Role.PLATFORM_OWNER})),
    NavItem("schools", _("Schools"), "platform:school-list", "bi-buildings", public=True,
            roles=frozenset({Role.PLATFORM_OWNER})),
    NavItem("platform-jobs", _("Background jobs"), "jobs:job-list", "bi-hourglass-split", public=True,
            roles=frozenset({Role.PLATFORM_OWNER})),
]


def nav_for(*, user, tenant, path: str = "") -> list[dict]:
    on_public = tenant is None or tenant.is_public
    items = []
    for item in NAV_ITEMS:
        if item.public != on_public:
            continue
        if item.roles is not None and user.role not in item.roles:
            continue
        if item.module and not tenant.module_enabled(item.module):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon, "active": False,
                      "section": item.section})
    # the current page belongs to the entry with the longest URL that starts it (/super-admin/schools/new/
    # is under Schools, not Overview)
    matching = [item for item in items if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return items
