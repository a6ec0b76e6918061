"""Notices and the outbox for a school's admins (/communication/).

Notices: list with a create form, edit page, publish / withdraw as small POSTs (HTMX answers with
the changed row; without JavaScript, a redirect back to the list). The outbox page is read-only: it
shows what would be sent (nothing is delivered until a channel provider is set up)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.communication import selectors, services
from apps.communication.access import notice_get_for_user
from apps.communication.forms import NoticeFilterForm, NoticeForm, OutboxFilterForm
from apps.core.forms import form_errors_from

LIST = "communication/notice_list.html"
PAGE_SIZE = 25


def _list_context(request, form=None):
    filters = NoticeFilterForm(request.GET)
    filters.is_valid()
    state = getattr(filters, "cleaned_data", {}).get("state", "")
    notices = selectors.notices_manageable(user=request.user, state=state)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "filters": filters, "form": form or NoticeForm(), "query": query.urlencode(),
            "state": state}


@role_required(Role.SCHOOL_ADMIN)
def notice_list(request):
    return render(request, LIST, _list_context(request))


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def notice_create(request):
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.notice_publish(**form.cleaned_data, publish=request.POST.get("draft") != "1",
                                    actor=request.user, request=request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            if request.htmx:
                context = _list_context(request)
                context["created"] = True
                return render(request, f"{LIST}#panel", context)
            messages.success(request, _("Notice saved."))
            return redirect("communication:notice-list")
    if request.htmx:
        return render(request, f"{LIST}#panel", _list_context(request, form=form))
    return render(request, LIST, _list_context(request, form=form))


@role_required(Role.SCHOOL_ADMIN)
def notice_edit(request, pk):
    notice = notice_get_for_user(user=request.user, pk=pk, manage=True)
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                services.notice_update(notice=notice, **form.cleaned_data, actor=request.user, request=request)
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("Notice updated."))
                return redirect("communication:notice-list")
    else:
        form = NoticeForm(initial={"title": notice.title, "body": notice.body, "audience": notice.audience,
                                   "stream": notice.stream_id, "expires_on": notice.expires_on})
    return render(request, "communication/notice_edit.html", {"notice": notice, "form": form})


def _row_or_back(request, notice, error: str = ""):
    if request.htmx:
        notice.refresh_from_db()
        return render(request, f"{LIST}#row", {"notice": notice, "row_error": error})
    if error:
        messages.error(request, error)
    return redirect("communication:notice-list")


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def notice_publish(request, pk):
    notice = notice_get_for_user(user=request.user, pk=pk, manage=True)
    try:
        services.notice_update(notice=notice, publish=True, actor=request.user, request=request)
    except ValidationError as error:
        return _row_or_back(request, notice, " ".join(error.messages))
    return _row_or_back(request, notice)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def notice_withdraw(request, pk):
    notice = notice_get_for_user(user=request.user, pk=pk, manage=True)
    try:
        services.notice_withdraw(notice=notice, actor=request.user, request=request)
    except ValidationError as error:
        return _row_or_back(request, notice, " ".join(error.messages))
    return _row_or_back(request, notice)


@role_required(Role.SCHOOL_ADMIN)
def outbox(request):
    filters = OutboxFilterForm(request.GET, kinds=selectors.outbox_kinds())
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    page = Paginator(selectors.outbox_for_user(user=request.user, kind=data.get("kind", ""),
                                               status=data.get("status", "")), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query.urlencode()}
    template = "communication/outbox.html#table" if request.htmx and request.htmx.target == "outbox-table" \
        else "communication/outbox.html"
    return render(request, template, context)
