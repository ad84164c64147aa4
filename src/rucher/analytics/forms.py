"""Forms of the analytics pages: the period chooser, the privacy settings and the lifecycle
thresholds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PRESETS = ("7", "28", "90")


class PeriodForm(forms.Form):
    """7, 28 or 90 complete days (ending yesterday), or a custom period. Read from the query
    string (GET): a bad period re-renders the page with the message and what was typed."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("7", _("Last 7 days")),
            ("28", _("Last 28 days")),
            ("90", _("Last 90 days")),
            ("custom", _("Custom period")),
        ],
        required=False,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, data: object = None, *, today: datetime.date | None = None, **kwargs: object
    ):
        super().__init__(data, **kwargs)  # type: ignore[arg-type]
        self.today = today or timezone.localdate()

    def clean(self) -> dict[str, object]:
        from rucher.analytics.periods import Period
        from rucher.core.errors import Invalid

        cleaned = super().clean() or {}
        choice = cleaned.get("period") or ("custom" if cleaned.get("start") else "28")
        cleaned["period"] = choice
        if self.errors:
            return cleaned
        try:
            if choice in PRESETS:
                period = Period.last(int(choice), today_=self.today)
            else:
                start, end = cleaned.get("start"), cleaned.get("end")
                missing = False
                if start is None:
                    self.add_error("start", _("Enter the first day of the period."))
                    missing = True
                if end is None:
                    self.add_error("end", _("Enter the last day of the period."))
                    missing = True
                if missing:
                    return cleaned
                period = Period.of(start, end, today_=self.today)  # type: ignore[arg-type]
        except Invalid as error:
            for name, messages in (error.fields or {"start": [error.message]}).items():
                target = name if name in self.fields else None
                for message in messages or [error.message]:
                    self.add_error(target, message)
            return cleaned
        cleaned["start"], cleaned["end"] = period.start, period.end
        return cleaned

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        """(start, end) inclusive; call after is_valid()."""
        return self.cleaned_data["start"], self.cleaned_data["end"]

    def query(self) -> str:
        """The query string that reproduces this period (for export links)."""
        if not self.is_bound or not self.is_valid():
            return "period=28"
        if self.cleaned_data["period"] in PRESETS:
            return f"period={self.cleaned_data['period']}"
        start, end = self.bounds()
        return f"period=custom&start={start.isoformat()}&end={end.isoformat()}"


class PrivacySettingsForm(forms.Form):
    min_group_size = forms.IntegerField(
        label=_("Minimum group size"),
        min_value=5,
        max_value=1000,
        help_text=_(
            "Any breakdown hides or merges the groups with fewer people than this. "
            "It is never below 5."
        ),
    )

    def __init__(self, *args: object, current: int, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.current = current


class LifecycleThresholdsForm(forms.Form):
    """One field per lifecycle threshold (``thresholds.THRESHOLDS``), with its default in the
    help text. Types and bounds are checked here for the messages next to each field; the
    service checks them again, with the rules that tie two thresholds together."""

    def __init__(self, *args: object, current: dict[str, object], **kwargs: object):
        from rucher.analytics import thresholds as spec

        kwargs.setdefault("initial", {key: current[key] for key in spec.BY_KEY})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for threshold in spec.THRESHOLDS:
            self.fields[threshold.key] = _threshold_field(threshold)

    def groups(self) -> list[tuple[object, list[forms.BoundField]]]:
        from rucher.analytics import thresholds as spec

        titles = {
            "rules": _("How stages move"),
            "stages": _("Stages"),
            "team": _("Team overlay of small project communities"),
        }
        return [
            (title, [self[t.key] for t in spec.THRESHOLDS if t.group == group])
            for group, title in titles.items()
        ]


def _threshold_field(threshold: object) -> forms.Field:
    from rucher.analytics import thresholds as spec

    assert isinstance(threshold, spec.Threshold)
    default = spec.show(threshold, threshold.default)
    if threshold.kind == spec.KIND:
        kinds = dict(spec.community_kinds())
        default = kinds.get(str(threshold.default), str(threshold.default))
    origin = _("sourced: Millington") if threshold.sourced else _("a proposal, no published source")
    help_text = _("Default: %(default)s (%(origin)s).") % {"default": default, "origin": origin}
    if threshold.kind == spec.KIND:
        return forms.ChoiceField(
            label=threshold.label, choices=spec.community_kinds(), help_text=help_text
        )
    if threshold.kind == spec.WHOLE:
        return forms.IntegerField(
            label=threshold.label,
            min_value=int(threshold.low),
            max_value=int(threshold.high),
            help_text=help_text,
        )
    return forms.DecimalField(
        label=threshold.label,
        min_value=Decimal(str(threshold.low)),
        max_value=Decimal(str(threshold.high)),
        max_digits=4,
        decimal_places=3,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
