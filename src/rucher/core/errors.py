"""Domain errors raised by services and selectors, rendered by views and the API alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class RucherError(Exception):
    """Base of the errors a person may see; ``code`` is stable, ``message`` is translated."""

    status = 400
    code = "invalid"

    def __init__(self, message: str | None = None, *, fields: dict[str, list[str]] | None = None):
        self.message = str(message) if message is not None else str(self.default_message())
        self.fields = fields or {}
        super().__init__(self.message)

    def default_message(self) -> str:
        return str(_("The request is not valid."))


class NotFound(RucherError):
    """Missing or forbidden: the two are deliberately indistinguishable."""

    status = 404
    code = "not_found"

    def __init__(self, what: str = "object", message: str | None = None):
        self.what = what
        super().__init__(message)

    def default_message(self) -> str:
        return str(_("Not found."))


class Forbidden(RucherError):
    """The caller may see the object but not do this to it."""

    status = 403
    code = "forbidden"

    def default_message(self) -> str:
        return str(_("You are not allowed to do this."))


class Invalid(RucherError):
    """Input that breaks a rule; ``fields`` maps field names to messages."""

    status = 400
    code = "invalid"


class Conflict(RucherError):
    status = 409
    code = "conflict"

    def default_message(self) -> str:
        return str(_("This conflicts with the current state."))
