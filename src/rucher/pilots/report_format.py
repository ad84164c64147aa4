"""Numbers, effects and periods as the steering report writes them, in the viewer's
language. Levels and effects use the evaluation's own wording (``verdicts``) so that the
report and the evaluation page say the same thing the same way."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from rucher.pilots import verdicts


def number(value: float, places: int = 1) -> str:
    """A plain figure: whole numbers without decimals, others rounded to ``places``."""
    if float(value).is_integer():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(round(value, places), places, force_grouping=True)


def format_value(value: float | None, unit: str) -> str:
    """A level: "23 %" for a share, "4.5 h" for hours, a number otherwise."""
    return verdicts.value_text(value, unit)


def format_effect(interval: Any, unit: str) -> str:
    """A signed effect with its interval: "+5.2 percentage points (95% interval +1.0 to
    +9.4 percentage points)"; "" when there is no estimate."""
    if interval is None or interval.estimate is None:
        return ""
    signed = verdicts.signed_text(interval.estimate, unit)
    if interval.low is None or interval.high is None:
        return signed
    return f"{signed} ({verdicts.interval_text(interval, unit)})"


def period(start: datetime.date, end: datetime.date) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(start, "DATE_FORMAT"),
        "end": date_format(end, "DATE_FORMAT"),
    }
