"""Site-wide views: home, health, language switch and the friendly error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rucher.accounts import selectors as people
from rucher.accounts.services import user_set_language
from rucher.api_errors import error_body
from rucher.core.health import health
from rucher.core.http import request_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = {
        "completeness": people.profile_completeness(user.profile),
        "following": people.following_of(viewer=user, person=user)[:8],
        "newcomers": people.newcomers(viewer=user)[:6],
        "suggested": people.suggested_people(viewer=user)[:6],
    }
    return render(request, "core/home.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; a logged-in person keeps it as their preference."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        user_set_language(actor=request_user(request), language=language)
    activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


def _error(
    request: HttpRequest, status: int, template: str, exception: Exception | None = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(status), status=status)
    message = str(exception) if status == 403 and exception and str(exception) else ""
    return render(request, template, {"exception_message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html", exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request context: the failure may be in what the context needs."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(500), status=500)
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)
