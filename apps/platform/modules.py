"""The suite's switchable modules, declared once: a school's feature flags name these keys.

A module owns URL prefixes on a school's host (its console pages and its API); while the module is
switched off for a school, the tenant middleware answers 404 under them, the sidebar hides entries
that name it (apps.core.navigation.NavItem.module) and services refuse through
`apps.platform.features.require`. A new domain app declares its prefixes here, nothing more.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    # console and API paths that belong to the module (design section 11)
    prefixes: tuple[str, ...] = ()


MODULES: dict[str, Module] = {module.key: module for module in [
    Module("academics", _("Academics"), (
        "/school/", "/api/v1/academics/", "/api/v1/students/", "/api/v1/guardians/", "/api/v1/classes/",
        "/api/v1/streams/", "/api/v1/subjects/", "/api/v1/teaching-assignments/", "/api/v1/academic-years/",
        "/api/v1/terms/")),
    Module("attendance", _("Attendance"), ("/attendance/", "/api/v1/attendance/")),
    Module("results", _("Results"), (
        "/results/", "/api/v1/results/", "/api/v1/assessments/", "/api/v1/marks/", "/api/v1/report-cards/",
        "/api/v1/grading-schemes/", "/api/v1/mark-flags/")),
    Module("finance", _("Finance"), (
        "/finance/", "/api/v1/finance/", "/api/v1/fee-categories/", "/api/v1/fee-structures/", "/api/v1/invoices/")),
    Module("accounting", _("Accounting"), (
        "/accounting/", "/api/v1/ledger/", "/api/v1/suppliers/", "/api/v1/expenses/")),
    Module("hr", _("Staff and payroll"), ("/team/", "/api/v1/hr/")),
    Module("crm", _("Admissions and CRM"), ("/crm/", "/api/v1/crm/")),
    Module("communication", _("Communication"), ("/communication/", "/api/v1/communication/")),
    Module("lms", _("Learning (LMS)"), ("/lms/", "/api/v1/lms/")),
]}


def module_keys() -> list[str]:
    return list(MODULES)


def module_for_path(path: str) -> Module | None:
    """The module whose URL space `path` is in, if any."""
    for module in MODULES.values():
        if any(path.startswith(prefix) for prefix in module.prefixes):
            return module
    return None
