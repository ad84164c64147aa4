"""The JSON API under /api/v1/: authentication, error shape, and the routers of each app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from rucher.api_errors import error_body
from rucher.core.errors import Forbidden, RucherError


class BearerToken(HttpBearer):
    """Personal API tokens: ``Authorization: Bearer rch_...``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from rucher.accounts.services import presence_record, token_authenticate

        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        today = timezone.localdate()
        if user.last_presence_on != today:
            presence_record(user=user, today=today)
        return user


class BrowserSession(APIKeyCookie):
    """The browser's session cookie; unsafe methods also need the CSRF token."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a logged-in session there is nothing to protect from CSRF: let the caller
        # get the 401 they deserve instead of a confusing CSRF refusal.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            from django.utils.translation import gettext as _

            raise Forbidden(
                _("The CSRF token is missing or wrong: reload the page, or use an API token.")
            ) from None

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


api = NinjaAPI(
    title="Rucher API",
    version="1",
    description=(
        "The Rucher enterprise social network API. Authenticate with a personal token "
        "(`Authorization: Bearer ...`, created from your profile page or with "
        "`rucher tokens create --user EMAIL`) or with the browser session. Errors always "
        'answer `{"error": {"code", "message", "fields"}}`. Lists use cursor pagination: '
        "pass the `next` value of a page as `cursor` to get the following one."
    ),
    auth=[BearerToken(), BrowserSession(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
)


def _respond(request: HttpRequest, status: int, **kwargs: Any) -> HttpResponse:
    return api.create_response(request, error_body(status, **kwargs), status=status)


@api.exception_handler(RucherError)
def on_domain_error(request: HttpRequest, error: RucherError) -> HttpResponse:
    return _respond(
        request, error.status, code=error.code, message=error.message, fields=error.fields
    )


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    from django.utils.translation import gettext as _

    fields: dict[str, list[str]] = {}
    for problem in error.errors:
        # ("body", "payload", "title") names the field "title": only the leading location
        # and parameter are dropped, so that a field called "body" keeps its name.
        location = [str(part) for part in problem.get("loc", ())]
        if location and location[0] in ("body", "query", "path", "file", "form"):
            location = location[1:]
        if location and location[0] == "payload":
            location = location[1:]
        name = ".".join(location) or "request"
        fields.setdefault(name, []).append(str(problem.get("msg", _("Invalid value."))))
    return _respond(
        request, 422, code="invalid", message=str(_("Some fields are not valid.")), fields=fields
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _respond(request, 401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return _respond(request, error.status_code, message=str(error) or None)


def _register_routers() -> None:
    from rucher.accounts.api import router as accounts_router
    from rucher.analytics.api import router as analytics_router
    from rucher.communities.api import router as communities_router
    from rucher.content.api import router as content_router
    from rucher.exchange.api import router as exchange_router
    from rucher.notifications.api import router as notifications_router
    from rucher.ops.api import router as ops_router
    from rucher.pilots.api import router as pilots_router

    api.add_router("", accounts_router)
    api.add_router("", communities_router)
    api.add_router("", content_router)
    api.add_router("", exchange_router)
    api.add_router("", notifications_router)
    api.add_router("", ops_router)
    api.add_router("", analytics_router)
    api.add_router("", pilots_router)


_register_routers()
