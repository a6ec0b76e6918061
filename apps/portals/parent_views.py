"""The parent portal (/parent/): his children's class, attendance, published results, report cards and
the school's notices. Small pages for slow connections: no charts, no scripts of their own.

A parent with several children switches with ?child=<id>; the choice is remembered in the session.
A child that is not his is a 404, never someone else's data."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from apps.academics.selectors import children_for_guardian, current_term
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.attendance.selectors import student_attendance_summary
from apps.portals import selectors

SESSION_KEY = "parent_child_id"
NOTICES_ON_HOME = 5
PAGE_SIZE = 20


def _children_and_child(request):
    """(his children, the chosen one or None). ?child=<id> chooses (404 if not his) and is remembered."""
    children = list(children_for_guardian(user=request.user))
    by_id = {child.pk: child for child in children}
    asked = request.GET.get("child")
    if asked is not None:
        try:
            child = by_id[int(asked)]
        except (KeyError, ValueError):
            raise Http404("Not found") from None
        request.session[SESSION_KEY] = child.pk
        return children, child
    remembered = by_id.get(request.session.get(SESSION_KEY))
    return children, remembered or (children[0] if children else None)


def _context(children, child, **extra):
    return {"children": children, "child": child, **extra}


@role_required(Role.PARENT)
def home(request):
    children, chosen = _children_and_child(request)
    ids = [child.pk for child in children]
    today = timezone.localdate()
    attendance = selectors.attendance_on(student_ids=ids, date=today)
    results = selectors.latest_published_results(student_ids=ids)
    for child in children:
        child.today = attendance.get(child.pk)
        child.latest_result = results.get(child.pk)
    notices = list(selectors.notices_for_parent(user=request.user, limit=NOTICES_ON_HOME))
    return render(request, "portals/parent_home.html", _context(children, chosen, today=today, notices=notices))


@role_required(Role.PARENT)
def attendance(request):
    children, child = _children_and_child(request)
    term = current_term()
    context = _context(children, child, term=term)
    if child is not None:
        context["summary"] = student_attendance_summary(student=child, term=term)
        context["exceptions"] = list(selectors.attendance_exceptions(student=child, term=term))
    return render(request, "portals/parent_attendance.html", context)


@role_required(Role.PARENT)
def results(request):
    children, child = _children_and_child(request)
    # the published terms in which this child has results, latest first (the latest shown first)
    terms = list(selectors.published_terms(student=child)) if child is not None else []
    term = terms[0] if terms else None
    if request.GET.get("term"):
        # only a published term can be asked for; any other (a draft, a stranger's id) is not found
        term = next((t for t in terms if str(t.pk) == request.GET["term"]), None)
        if term is None:
            raise Http404("Not found")
    context = _context(children, child, terms=terms, term=term)
    if child is not None and term is not None:
        context["result"] = selectors.term_result(student=child, term=term)
        context["subject_results"] = list(selectors.subject_results(student=child, term=term))
    return render(request, "portals/parent_results.html", context)


@role_required(Role.PARENT)
def report_cards(request):
    children, child = _children_and_child(request)
    cards = list(selectors.published_report_cards(user=request.user, student=child)) if child is not None else []
    return render(request, "portals/parent_report_cards.html", _context(children, child, cards=cards))


@role_required(Role.PARENT)
def notices(request):
    children, child = _children_and_child(request)
    found = selectors.notices_for_parent(user=request.user)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portals/parent_notices.html", _context(children, child, page=page, query=""))
