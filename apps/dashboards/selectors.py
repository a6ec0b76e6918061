"""The facts a school's dashboard shows; one query per figure, none per row."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from apps.accounts.roles import Role


def school_summary(*, school) -> dict:
    User = get_user_model()
    by_role = dict(User.objects.filter(is_active=True).values_list("role").annotate(n=Count("id")))
    return {
        "name": school.name,
        "slug": school.slug,
        "host": school.primary_host,
        "plan": school.plan.name if school.plan else None,
        "country": school.country,
        "currency": school.currency,
        "created_at": school.created_at,
        "users_total": sum(by_role.values()),
        "users_by_role": [(Role(role).label, count) for role, count in sorted(by_role.items()) if role in Role.values],
    }


def school_admin_widgets(*, school, date: datetime.date) -> dict:
    """The school admin's day at a glance: students per class, which streams' registers are taken
    today, mark changes waiting for review, and whether the current term's results are published.
    A fixed number of queries whatever the size of the school."""
    from apps.academics.models import SchoolClass, Stream, Student
    from apps.academics.selectors import current_term

    by_class = (SchoolClass.objects.annotate(n=Count("streams__students", filter=Q(
        streams__students__status=Student.Status.ACTIVE))).order_by("level").values_list("name", "n"))
    widgets = {"students_by_class": [[name, n] for name, n in by_class], "term": current_term()}
    widgets["students_total"] = sum(n for _name, n in widgets["students_by_class"])
    if school.module_enabled("attendance"):
        from apps.attendance.models import Register

        streams = list(Stream.objects.select_related("school_class").order_by("school_class__level", "name")
                       .annotate(taken=Exists(Register.objects.filter(stream=OuterRef("pk"), date=date))))
        widgets["registers"] = {"total": len(streams), "taken": sum(1 for s in streams if s.taken),
                                "missing": [s for s in streams if not s.taken]}
    if school.module_enabled("results"):
        from apps.results.models import MarkFlag

        widgets["open_flags"] = MarkFlag.objects.filter(status=MarkFlag.Status.OPEN).count()
    return widgets


def teacher_widgets(*, user, school, date: datetime.date) -> dict:
    """A teacher's day: her classes, the registers she still has to take today, and how far the
    marking of the current term has got across her assignments."""
    from apps.academics.selectors import current_term
    from apps.portals import selectors as portal

    term = current_term()
    cards = portal.teacher_classes(user=user, term=term if school.module_enabled("results") else None, date=date)
    progress = [row for card in cards for assignment in card["assignments"] for row in assignment.progress]
    return {
        "term": term,
        "classes": len(cards),
        "students": sum(card["students"] for card in cards),
        "registers_due": [card["stream"] for card in cards if card["leads"] and card["register"] is None]
        if school.module_enabled("attendance") else [],
        "marked": sum(row["marked"] for row in progress),
        "to_mark": sum(row["total"] for row in progress),
    }
