"""The one shape of every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

DEFAULT_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


def default_message(status: int) -> str:
    messages = {
        400: _("The request is not valid."),
        401: _("Authentication is required: log in or send a valid API token."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The request is too large."),
        422: _("Some fields are not valid."),
        429: _("Too many requests; try again later."),
        500: _("Something went wrong on our side. It has been logged."),
        503: _("The service is temporarily unavailable."),
    }
    return str(messages.get(status, _("The request could not be handled.")))


def error_body(
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    fields: dict[str, list[str]] | None = None,
) -> dict[str, object]:
    return {
        "error": {
            "code": code or DEFAULT_CODES.get(status, "error"),
            "message": message or default_message(status),
            "fields": fields or {},
        }
    }


class ApiErrorShapeMiddleware:
    """Whatever answers an error under /api/ (Django's 404 in DEBUG, ninja's plain-text 405),
    the client gets the one structured shape, with headers such as ``Allow`` kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = JsonResponse(error_body(response.status_code), status=response.status_code)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
