"""DRF exception handler and Django error handlers that answer API paths with the envelope."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.api.errors import error_body, error_response

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """409: the request is right but the thing is not in a state that allows it (already decided, paid...)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Not in a state that allows this."


def service_call(service, *, forbidden: dict | None = None, conflicts: tuple = (), **kwargs):
    """Run a service for an API view; a refusal whose code is in `forbidden` answers 403 (with the code it
    maps to), one in `conflicts` 409; any other refusal stays a ValidationError (400 with the envelope)."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        code = getattr(error, "code", None)
        if forbidden and code in forbidden:
            raise exceptions.PermissionDenied(detail=" ".join(error.messages), code=forbidden[code]) from None
        if code in conflicts:
            raise Conflict(detail=" ".join(error.messages), code=code) from None
        raise

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for field, value in detail.items():
            message = _first_message(value)
            return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def envelope_exception_handler(exc, context):
    # a service's error may name its own code (apps.platform.limits.LimitReached: "limit_reached")
    envelope_code = getattr(exc, "envelope_code", None)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response(error_body("server_error", "Something went wrong on our side; it has been logged."),
                        status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    detail = exc.detail if isinstance(exc, exceptions.APIException) else {}
    if isinstance(exc, exceptions.ValidationError):
        code = envelope_code or "invalid"
        message = _first_message(detail)
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    else:
        code = _code_of(exc, response.status_code)
        message = str(detail) if not isinstance(detail, (dict, list)) else _first_message(detail)
        details = detail if isinstance(detail, dict) else {}
        details = {k: v for k, v in details.items() if k not in ("detail", "code")}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details["retry_after_seconds"] = int(exc.wait)
    response.data = error_body(code, message, details)
    return response


def _code_of(exc, status_code: int) -> str:
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if isinstance(codes, str) and codes not in ("error", "invalid"):
        return codes
    if isinstance(codes, dict) and isinstance(codes.get("code"), str):
        return codes["code"]
    return CODES.get(status_code, "error")


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def handler404(request, exception=None):
    if is_api_request(request):
        return error_response(404, "not_found", "Nothing here: check the address.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception, template_name="errors/404.html")


def handler500(request):
    if is_api_request(request):
        return error_response(500, "server_error", "Something went wrong on our side; it has been logged.")
    from django.views.defaults import server_error

    return server_error(request, template_name="errors/500.html")


def handler403(request, exception=None):
    if is_api_request(request):
        return error_response(403, "permission_denied", "You do not have permission to do this.")
    from django.views.defaults import permission_denied

    return permission_denied(request, exception, template_name="errors/403.html")


def handler400(request, exception=None):
    if is_api_request(request):
        return error_response(400, "bad_request", "The request could not be understood.")
    from django.views.defaults import bad_request

    return bad_request(request, exception, template_name="errors/400.html")
