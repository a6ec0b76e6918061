"""/api/v1/webhooks/<provider>/: where payment providers notify a school of money received. No user: the
provider signs each notification with the school's channel secret. In this order: an unknown provider is
404, a channel switched off 403, a missing signature 401 and a wrong one 403, each logged as a rejection
without its body; a signed notification is stored raw first, queued for the worker on commit, and answered
at once in the provider's own format (a signed body that cannot be read is stored failed and answered
with the provider's error, 400)."""

from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from apps.core.api.errors import error_response
from apps.finance.models import PaymentChannel
from apps.finance.providers import REGISTRY, Rejected, provider_get
from apps.finance.services_events import inbound_event_store, webhook_rejection_record


class ProviderFormat(BaseContentNegotiation):
    """The answer is in the provider's format whatever its Accept header says (no 406 for an XML bank)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@method_decorator(csrf_exempt, name="dispatch")
class WebhookView(APIView):
    # the provider's signature is the credential: no JWT or session, no throttle that could drop a payment
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []
    content_negotiation_class = ProviderFormat

    @extend_schema(
        tags=["webhooks"], auth=[], operation_id="webhook_receive",
        summary="A payment provider's notification (signed with the school's channel secret)",
        parameters=[OpenApiParameter("provider", str, OpenApiParameter.PATH, enum=sorted(REGISTRY))],
        request={"application/json": OpenApiTypes.OBJECT, "application/xml": OpenApiTypes.STR},
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The provider's acknowledgement"),
                   400: OpenApiResponse(OpenApiTypes.OBJECT, description="Signed, but unreadable (stored)"),
                   401: OpenApiResponse(description="Signature missing"),
                   403: OpenApiResponse(description="Signature wrong, or the channel is switched off"),
                   404: OpenApiResponse(description="Unknown provider")})
    def post(self, request, provider):
        remote_addr = request.META.get("REMOTE_ADDR") or None
        adapter = provider_get(provider)
        if adapter is None:
            webhook_rejection_record(provider=provider, reason="unknown provider", status_code=404,
                                     remote_addr=remote_addr)
            return error_response(404, "unknown_provider", "No such payment provider.")
        channel = PaymentChannel.objects.filter(provider=provider).only("is_enabled", "secret").first()
        if channel is None or not channel.is_enabled:
            webhook_rejection_record(provider=provider, reason="channel switched off", status_code=403,
                                     remote_addr=remote_addr)
            return error_response(403, "channel_disabled", "This school does not accept this provider's notifications.")
        body = request.body
        try:
            adapter.verify(body, request.headers, channel.secret)
        except Rejected as exc:
            webhook_rejection_record(provider=provider, reason=exc.reason, status_code=exc.status,
                                     remote_addr=remote_addr)
            return error_response(exc.status, "bad_signature", "The notification's signature was refused.")
        inbound, payments = inbound_event_store(adapter=adapter, body=body, headers=request.headers,
                                                remote_addr=remote_addr)
        if inbound.error:
            return adapter.acknowledge([], ok=False, error=inbound.error)
        return adapter.acknowledge(payments)
