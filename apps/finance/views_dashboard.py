"""The bursar's fees overview (/finance/): a term's collection, what is owed by class, by age and by channel,
what waits for the accountant; and fee reminders to guardians (/finance/reminders/new/): the form shows how
many guardians would be reminded, POST queues them in the outbox. School admins and accountants only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from apps.academics.selectors import current_term
from apps.accounts.decorators import role_required
from apps.finance import selectors_dashboard as selectors
from apps.finance.forms_dashboard import ReminderForm, TermPickForm
from apps.finance.services_reminders import fee_reminder_targets, fee_reminders_queue
from apps.ledger.access import BOOKKEEPERS


@role_required(*BOOKKEEPERS)
def dashboard(request):
    picker = TermPickForm(request.GET or None)
    term = picker.cleaned_data["term"] if picker.is_bound and picker.is_valid() else None
    term = term or current_term() or picker.fields["term"].queryset.first()
    if not picker.is_bound:
        picker = TermPickForm(initial={"term": getattr(term, "pk", None)})
    data = selectors.fees_dashboard(user=request.user, term=term, today=timezone.localdate())
    charts = {"aging": selectors.chart_rows(data["aging"], "label", "amount"),
              "channels": selectors.chart_rows(data["by_channel"], "label", "amount"),
              "classes": selectors.chart_rows(data["by_class"], "class_name", "balance")}
    return render(request, "finance/dashboard/dashboard.html",
                  {**data, "picker": picker, "charts": charts, "currency": getattr(request.tenant, "currency", "TZS")})


def _criteria(form) -> dict:
    data = form.cleaned_data
    return {"term": data["term"], "school_class": data["school_class"], "min_balance": data["min_balance"] or 0,
            "overdue_only": data["overdue_only"]}


def _preview(form) -> dict:
    targets = fee_reminder_targets(**_criteria(form))
    return {"guardians": len(targets),
            "children": len({invoice.student_id for target in targets for invoice in target["invoices"]})}


@role_required(*BOOKKEEPERS)
def reminder_new(request):
    """GET (with criteria) or POST action=preview: how many guardians would be reminded; POST action=queue:
    queue the reminders and come back with what was queued."""
    if request.method != "POST":
        form = ReminderForm(request.GET or None)
        preview = _preview(form) if form.is_bound and form.is_valid() else None
        return render(request, "finance/dashboard/reminder_new.html", {"form": form, "preview": preview})
    form = ReminderForm(request.POST)
    if not form.is_valid():
        return render(request, "finance/dashboard/reminder_new.html", {"form": form}, status=400)
    if request.POST.get("action") != "queue":
        return render(request, "finance/dashboard/reminder_new.html", {"form": form, "preview": _preview(form)})
    try:
        counts = fee_reminders_queue(actor=request.user, request=request, **_criteria(form))
    except ValidationError as error:
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
        return render(request, "finance/dashboard/reminder_new.html", {"form": form}, status=400)
    text = [ngettext("%(queued)s reminder queued.", "%(queued)s reminders queued.", counts["queued"]),
            ngettext("%(already)s guardian was already reminded today.",
                     "%(already)s guardians were already reminded today.", counts["already"])]
    if counts["no_phone"]:
        text.append(ngettext("%(no_phone)s guardian has no phone number.", "%(no_phone)s guardians have no phone number.",
                             counts["no_phone"]))
    messages.success(request, " ".join(part % counts for part in text))
    return redirect("finance:reminder-new")
