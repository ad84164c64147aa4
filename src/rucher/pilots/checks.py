"""Checks the pilot services share: one field's error, every problem at once, today on the
project clock, trimmed text within a limit, and the choice of one of a pilot's communities.

Services check either one field at a time (``field_error``, ``text``) or gather every
problem of a form first (``collect_text``, ``pilot_community_id``) and then
``raise_problems``; both give the same ``Invalid``: a message and the problems by field.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.core import clock
from rucher.core.errors import Invalid
from rucher.pilots.models import Pilot, PilotCommunity


def field_error(field: str, message: str) -> Invalid:
    """``Invalid`` whose message is also the one problem of ``field``."""
    return Invalid(message, fields={field: [message]})


def raise_problems(problems: dict[str, list[str]], message: str | None = None) -> None:
    """``Invalid`` with every problem under its field, if there is any; its message is
    ``message`` or else the first problem."""
    if problems:
        raise Invalid(message or next(iter(problems.values()))[0], fields=problems)


def today() -> datetime.date:
    """Today where the project is, on the project clock (tests freeze it)."""
    return timezone.localdate(clock.now())


def collect_text(
    problems: dict[str, list[str]], field: str, value: Any, limit: int, required: str = ""
) -> str:
    """``value`` as trimmed text (None as empty); a problem under ``field`` when it is empty
    and ``required`` (the message to show) is given, or when it is longer than ``limit``
    (refused, never cut)."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        problems[field] = [required]
    elif len(text) > limit:
        problems[field] = [_("At most %d characters.") % limit]
    return text


def text(field: str, value: str | None, limit: int, *, required: str | None = None) -> str:
    """``collect_text`` for one field, raising its problem at once."""
    problems: dict[str, list[str]] = {}
    clean = collect_text(problems, field, value, limit, required or "")
    raise_problems(problems)
    return clean


def pilot_community_id(
    problems: dict[str, list[str]], pilot: Pilot, value: Any, message: str
) -> int | None:
    """The id of one of ``pilot``'s communities, or None when none is chosen (the whole
    pilot); ``message`` under "community_id" when ``value`` names no community of the pilot."""
    if value in (None, "", 0):
        return None
    try:
        community_id = int(value)
    except (TypeError, ValueError):
        community_id = 0
    if not PilotCommunity.objects.filter(pilot=pilot, community_id=community_id).exists():
        problems["community_id"] = [message]
    return community_id or None
