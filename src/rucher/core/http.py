"""The logged-in person of a request, typed for views behind ``login_required``."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from rucher.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """``request.user`` once ``login_required`` (or the admin's check) has let the request in."""
    return cast("User", request.user)
