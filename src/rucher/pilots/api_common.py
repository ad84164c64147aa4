"""What every pilots API module needs from a request and a payload."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest

from rucher.accounts.models import User


def viewer_of(request: HttpRequest) -> User:
    """The authenticated caller: the API's authentication has set ``request.auth``."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def sent_fields(payload: object) -> dict[str, Any]:
    """The fields the client sent (a PATCH leaves the others as they are)."""
    return {name: getattr(payload, name) for name in payload.model_fields_set}  # type: ignore[attr-defined]
