"""Payment channels and the sandbox in the fees console: the channels (how parents pay, where the money
lands, whether notifications are accepted; the signing secret set by school admins and only ever shown as
"set"/"not set"), the sandbox payment simulator with the fate of what it sent (refreshed until the worker
is done with it), and the notifications received and refused. School admins and accountants only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.core.forms import form_errors_from
from apps.finance.forms_sandbox import PaymentChannelForm, SandboxPaymentForm
from apps.finance import selectors_channels as selectors
from apps.finance.models import InboundEvent
from apps.finance.services_sandbox import EDITABLE, payment_channel_update, sandbox_payment_simulate
from apps.ledger.access import BOOKKEEPERS, get_for_bookkeeper

PAGE_SIZE = 50


@role_required(*BOOKKEEPERS)
def channel_list(request):
    return render(request, "finance/sandbox/channel_list.html", {
        "channels": selectors.channels_for_user(user=request.user)})


@role_required(*BOOKKEEPERS)
def channel_edit(request, pk):
    channel = selectors.channel_get_for_user(user=request.user, pk=pk)
    can_set_secret = request.user.role == Role.SCHOOL_ADMIN
    if request.method != "POST":
        form = PaymentChannelForm(initial={name: getattr(channel, name) for name in EDITABLE},
                                  can_set_secret=can_set_secret)
        return render(request, "finance/sandbox/channel_edit.html", {"channel": channel, "form": form})
    form = PaymentChannelForm(request.POST, can_set_secret=can_set_secret)
    if form.is_valid():
        data = dict(form.cleaned_data)
        secret = data.pop("secret", "") or None
        try:
            payment_channel_update(channel=channel, actor=request.user, secret=secret, request=request, **data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(channel)s saved.") % {"channel": channel})
            return redirect("finance:channel-list")
    return render(request, "finance/sandbox/channel_edit.html", {"channel": channel, "form": form}, status=400)


def _sandbox_channel():
    channel = selectors.sandbox_channel_enabled()
    if channel is None:
        raise Http404  # the simulator exists only while the sandbox channel is switched on
    return channel


@role_required(*BOOKKEEPERS)
def sandbox(request):
    _sandbox_channel()
    form = SandboxPaymentForm(request.POST or None, initial={"amount": request.GET.get("amount"),
                                                             "reference": request.GET.get("reference")})
    if request.method == "POST" and form.is_valid():
        try:
            inbound = sandbox_payment_simulate(request=request, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                form.add_error(None, text)
        else:
            return redirect(f"{request.path}?sent={inbound.pk}")
    sent_by_simulator = selectors.sandbox_sent_for_user(user=request.user)
    sent = sent_by_simulator.filter(pk=_int(request.GET.get("sent"))).first()
    return render(request, "finance/sandbox/sandbox.html", {
        "form": form, "status": selectors.sandbox_status(sent), "recent": sent_by_simulator[:10]},
        status=400 if form.errors else 200)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@role_required(*BOOKKEEPERS)
def sandbox_status(request, pk):
    _sandbox_channel()
    sent_by_simulator = selectors.sandbox_sent_for_user(user=request.user)
    inbound = get_for_bookkeeper(sent_by_simulator, user=request.user, pk=pk)
    return render(request, "finance/sandbox/sandbox.html#status", {
        "status": selectors.sandbox_status(inbound), "recent": sent_by_simulator[:10]})


@role_required(*BOOKKEEPERS)
def inbound_list(request):
    status = request.GET.get("status", "")
    inbound = selectors.inbound_for_user(user=request.user, status=status)
    page = Paginator(inbound, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "finance/sandbox/inbound_list.html", {
        "page": page, "rejections": selectors.rejections_recent(user=request.user), "status": status, "statuses": InboundEvent.Status.choices,
        "query": f"status={status}" if status else ""})
