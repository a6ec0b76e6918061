"""/api/v1/reconciliation/suggestions/: the matches the engine suggests (filters: status, rule, minimum
confidence, line or event), confirming one (the payment is recorded) and rejecting one. School admins
and accountants; others 403. The same services as the console: a refusal (already decided, the line
already matched) is a 400 envelope and writes nothing."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.finance import selectors_reconciliation as selectors
from apps.finance.api.serializers_reconciliation import ConfirmedSerializer, SuggestionSerializer
from apps.finance.models import MatchSuggestion
from apps.finance.services_reconciliation import suggestion_confirm, suggestion_reject
from apps.ledger.api.permissions import BOOKKEEPERS

SCOPE = "School admins and accountants; others get 403."
TAGS = ["reconciliation"]


def _int(params, name):
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise exceptions.ValidationError({name: ["A whole number."]}) from None


@extend_schema(tags=TAGS)
class SuggestionListView(generics.ListAPIView):
    permission_classes = [BOOKKEEPERS]
    serializer_class = SuggestionSerializer

    def get_queryset(self):
        params = self.request.query_params
        rows = selectors.match_suggestions_for_user(user=self.request.user).order_by("-confidence", "id")
        state = params.get("status") or MatchSuggestion.Status.OPEN
        if state not in MatchSuggestion.Status.values:
            raise exceptions.ValidationError({"status": [f"One of {', '.join(MatchSuggestion.Status.values)}."]})
        rows = rows.filter(status=state)
        rule = params.get("rule") or ""
        if rule:
            if rule not in MatchSuggestion.Rule.values:
                raise exceptions.ValidationError({"rule": [f"One of {', '.join(MatchSuggestion.Rule.values)}."]})
            rows = rows.filter(rule=rule)
        for name, lookup in (("min_confidence", "confidence__gte"), ("line", "line_id"), ("event", "event_id")):
            value = _int(params, name)
            if value is not None:
                rows = rows.filter(**{lookup: value})
        return rows

    @extend_schema(summary="Suggested matches", description=SCOPE + " Open ones unless asked otherwise; the surest "
                   "first.", parameters=[
                       OpenApiParameter("status", str, enum=MatchSuggestion.Status.values),
                       OpenApiParameter("rule", str, enum=MatchSuggestion.Rule.values),
                       OpenApiParameter("min_confidence", int), OpenApiParameter("line", int),
                       OpenApiParameter("event", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=TAGS)
class SuggestionConfirmView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Confirm a suggested match", request=None, responses=ConfirmedSerializer,
                   description=SCOPE + " Records the payment for the suggested invoice's student (the whole amount "
                               "of the line or event) and closes the other suggestions of that line or event. 400 "
                               "when the suggestion is already decided or the line or event is already matched.")
    def post(self, request, pk: int):
        suggestion = selectors.match_suggestion_get_for_user(user=request.user, pk=pk)
        payment = suggestion_confirm(suggestion=suggestion, actor=request.user, request=request)
        suggestion = selectors.match_suggestion_get_for_user(user=request.user, pk=suggestion.pk)
        return Response({"suggestion": SuggestionSerializer(suggestion).data, "receipt_number": payment.receipt_number,
                         "payment": payment.pk})


@extend_schema(tags=TAGS)
class SuggestionRejectView(APIView):
    permission_classes = [BOOKKEEPERS]

    @extend_schema(summary="Reject a suggested match", request=None, responses=SuggestionSerializer,
                   description=SCOPE + " The line or event is unmatched when no suggestion is left. 400 when the "
                               "suggestion is already decided.")
    def post(self, request, pk: int):
        suggestion = selectors.match_suggestion_get_for_user(user=request.user, pk=pk)
        suggestion_reject(suggestion=suggestion, actor=request.user, request=request)
        return Response(SuggestionSerializer(selectors.match_suggestion_get_for_user(user=request.user, pk=suggestion.pk)).data)
