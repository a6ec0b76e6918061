"""Bank and wallet statements in the fees console (/finance/statements/): the uploads, uploading a file
(a CSV/XLSX whose columns are not known shows its header row to pick them, saved by name for next time),
a statement's preview (good lines, duplicates, rejected lines with reasons; confirm, confirm the good lines
only, discard) and its imported lines; the saved column mappings. School admins and accountants only."""

import os

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.core.forms import form_errors_from
from apps.finance import selectors_statements as selectors
from apps.finance import services_statements as services
from apps.finance.forms_statements import COLUMN_LABELS, ConfirmForm, MappingForm, UploadForm
from apps.finance.models import Statement, StatementLine
from apps.finance.statement_formats import MappingRequired
from apps.ledger.access import BOOKKEEPERS

PAGE_SIZE = 50


@role_required(*BOOKKEEPERS)
def statement_list(request):
    statements = selectors.statements_for_user(user=request.user)
    page = Paginator(statements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/statements/statement_list.html", {"page": page, "query": ""})


def _mapping_page(request, *, form, token, filename, account_id, headers, status=200):
    return render(request, "finance/statements/statement_upload.html", {
        "mapping_form": form, "held": token, "filename": filename, "account_id": account_id,
        "headers": headers, "column_fields": [form[key] for key in COLUMN_LABELS]}, status=status)


@role_required(*BOOKKEEPERS)
def statement_upload(request):
    if request.method == "POST" and request.POST.get("held"):
        return _upload_with_new_mapping(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement = services.statement_upload(account=data["account"], file=data["file"], actor=request.user,
                                                  mapping=data["mapping"], request=request)
        except MappingRequired as needed:
            headers = needed.headers
            mapping_form = MappingForm(headers=headers, initial={
                "name": os.path.splitext(data["file"].name)[0][:80], "skip_rows": needed.skip_rows})
            return _mapping_page(request, form=mapping_form, token=services.file_hold(data["file"]),
                                 filename=os.path.basename(data["file"].name), account_id=data["account"].pk,
                                 headers=headers)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(file)s read: check the lines and confirm the import.") % {
                "file": statement.filename})
            return redirect("finance:statement-detail", pk=statement.pk)
    return render(request, "finance/statements/statement_upload.html", {"form": form},
                  status=400 if form.errors else 200)


def _upload_with_new_mapping(request):
    token, filename = request.POST.get("held", ""), os.path.basename(request.POST.get("filename", ""))[:200]
    headers = request.POST.getlist("header")
    held = services.held_file_read(token)
    if held is None:
        messages.error(request, _("The file is no longer held; upload it again."))
        return redirect("finance:statement-upload")
    form = MappingForm(request.POST, headers=headers)
    account = services.statement_accounts().filter(pk=request.POST.get("account") or 0).first()
    if form.is_valid():
        data = form.cleaned_data
        try:
            mapping = services.mapping_save(name=data["name"], columns=form.columns(), actor=request.user,
                                            date_format=data["date_format"], skip_rows=data["skip_rows"],
                                            account=account, request=request)
            statement = services.statement_upload(
                account=account, file=ContentFile(held, name=filename or "statement.csv"), actor=request.user,
                mapping=mapping, request=request)
        except MappingRequired as needed:
            form.add_error(None, needed.messages[0])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            services.held_file_release(token)
            messages.success(request, _("Mapping “%(name)s” saved; %(file)s read: check the lines and confirm.") % {
                "name": mapping.name, "file": statement.filename})
            return redirect("finance:statement-detail", pk=statement.pk)
    return _mapping_page(request, form=form, token=token, filename=filename, account_id=request.POST.get("account"),
                         headers=headers, status=400)


def _detail_context(request, statement, confirm_form=None):
    context = {"statement": statement, "confirm_form": confirm_form or ConfirmForm(),
               "rejected": statement.rejected, "statuses": StatementLine.Status.choices}
    if statement.status == Statement.Status.PREVIEW:
        try:
            context["preview"] = selectors.statement_preview(statement)
        except ValidationError as error:
            context["preview_error"] = " ".join(error.messages)
    elif statement.status == Statement.Status.IMPORTED:
        status = request.GET.get("status") if request.GET.get("status") in StatementLine.Status.values else ""
        lines = selectors.statement_lines(statement, status=status)
        context["page"] = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
        context["status"] = status
        context["query"] = f"status={status}" if status else ""
    return context


@role_required(*BOOKKEEPERS)
def statement_detail(request, pk):
    statement = selectors.statement_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/statements/statement_detail.html", _detail_context(request, statement))


@require_POST
@role_required(*BOOKKEEPERS)
def statement_confirm(request, pk):
    statement = selectors.statement_get_for_user(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            statement = services.statement_confirm(statement=statement, actor=request.user, request=request,
                                                   accept_rejected=form.cleaned_data["accept_rejected"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            added = statement.line_count - statement.duplicate_count
            messages.success(request, _("%(added)s lines imported, %(duplicates)s already there; matching has "
                                        "started.") % {"added": added, "duplicates": statement.duplicate_count})
            return redirect("finance:statement-detail", pk=statement.pk)
    statement = selectors.statement_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/statements/statement_detail.html", _detail_context(request, statement, form),
                  status=400)


@require_POST
@role_required(*BOOKKEEPERS)
def statement_discard(request, pk):
    statement = selectors.statement_get_for_user(user=request.user, pk=pk)
    try:
        services.statement_discard(statement=statement, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(file)s discarded; nothing was imported.") % {"file": statement.filename})
    return redirect("finance:statement-detail", pk=statement.pk)


@role_required(*BOOKKEEPERS)
def mapping_list(request):
    return render(request, "finance/statements/mapping_list.html",
                  {"mappings": selectors.mappings_for_user(user=request.user)})


@role_required(*BOOKKEEPERS)
def mapping_edit(request, pk):
    mapping = selectors.mapping_get_for_user(user=request.user, pk=pk)
    initial = {"name": mapping.name, "date_format": mapping.date_format, "skip_rows": mapping.skip_rows,
               **mapping.columns}
    form = MappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mapping_save(name=data["name"], columns=form.columns(), actor=request.user, mapping=mapping,
                                  date_format=data["date_format"], skip_rows=data["skip_rows"],
                                  account=mapping.account, request=request)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Mapping “%(name)s” saved.") % {"name": data["name"]})
            return redirect("finance:mapping-list")
    return render(request, "finance/statements/mapping_edit.html", {
        "mapping": mapping, "form": form, "column_fields": [form[key] for key in COLUMN_LABELS]},
        status=400 if form.errors else 200)
