"""Per-request behaviour tied to the logged-in person: language and daily presence."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from rucher.accounts.services import presence_record


class UserLanguageMiddleware:
    """A saved language preference wins over the browser's; without one, the browser decides."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        preferred = getattr(user, "language", "") if user and user.is_authenticated else ""
        if preferred and preferred in dict(settings.LANGUAGES):
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred
        response = self.get_response(request)
        if preferred:
            response.headers.setdefault("Content-Language", preferred)
        return response


class PresenceMiddleware:
    """Records one "present" event per person per day, on their first authenticated request.

    Analytics need reach (who came and read), not only contributions. The check costs nothing
    after the first request of the day: the user row is already loaded.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            today = timezone.localdate()
            if user.last_presence_on != today:
                presence_record(user=user, today=today)
        return self.get_response(request)
