"""Forms of the conversation pages. They check shape (lengths, dates, choices); the services
check the rules. Field names follow the services' error fields (``body``, ``title``,
``options``, ``closes_at``, ``starts_at``...) so that a refused write shows its message beside
the right field, with everything typed kept.

Dates are typed in the browser's ``datetime-local`` control: naive, read in the time zone
chosen beside them (events) or in the organisation's time zone (a poll's closing date).
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.content.models import Event as PostEvent
from rucher.content.models import IdeaStatus, Post, PostType, RsvpAnswer
from rucher.content.services import EventSpec

BODY_MAX = 20_000
COMMENT_MAX = 5_000
REASON_MAX = 1_000
OPTIONS_MAX = 20

# The time zones offered first; any IANA name typed is accepted.
COMMON_TIME_ZONES = (
    "Europe/Paris",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Brussels",
    "Europe/Zurich",
    "America/New_York",
    "America/Montreal",
    "America/Los_Angeles",
    "Asia/Singapore",
    "Asia/Tokyo",
    "UTC",
)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def valid_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def aware(value: datetime.datetime | None, zone: str) -> datetime.datetime | None:
    """A naive ``datetime-local`` value read in ``zone``."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = timezone.make_naive(value)
    return value.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def wall_time(value: datetime.datetime | None, zone: str) -> datetime.datetime | None:
    """An aware instant as the naive time on a clock in ``zone`` (a ``datetime-local`` value)."""
    if value is None:
        return None
    return value.astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)


class PostForm(forms.Form):
    type = forms.ChoiceField(
        label=_("Kind of post"), choices=PostType.choices, initial="discussion"
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    # Polls: the choices come as repeated "options" values (see ``options_list``).
    multiple = forms.BooleanField(label=_("Several choices allowed"), required=False)
    closes_at = forms.DateTimeField(
        label=_("Closes at (optional)"), required=False, widget=DateTimeLocalInput()
    )
    # Events
    starts_at = forms.DateTimeField(
        label=_("Starts at"), required=False, widget=DateTimeLocalInput()
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at (optional)"), required=False, widget=DateTimeLocalInput()
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    # Announcements
    asks_read_confirmation = forms.BooleanField(
        label=_("Ask readers to confirm they have read it"), required=False
    )

    def __init__(self, *args: Any, types: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if types is not None:
            self.fields["type"].choices = types  # type: ignore[attr-defined]
        self.fields["time_zone"].initial = settings.TIME_ZONE

    def options_list(self) -> list[str]:
        """The poll choices typed, blanks kept so that a refused form shows the same rows."""
        if not self.is_bound:
            return ["", ""]
        raw = self.data.getlist("options") if hasattr(self.data, "getlist") else []
        values = [str(value)[:200] for value in raw][:OPTIONS_MAX]
        return values if len(values) >= 2 else [*values, *[""] * (2 - len(values))]

    def clean_time_zone(self) -> str:
        zone = (self.cleaned_data.get("time_zone") or "").strip() or settings.TIME_ZONE
        if not valid_time_zone(zone):
            raise forms.ValidationError(_("Unknown time zone; choose one from the list."))
        return zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone") or settings.TIME_ZONE
        for name in ("starts_at", "ends_at"):
            data[name] = aware(data.get(name), zone)
        data["closes_at"] = aware(data.get("closes_at"), settings.TIME_ZONE)
        if data.get("type") == PostType.EVENT and data.get("starts_at") is None:
            self.add_error("starts_at", _("When does it start?"))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class EditForm(forms.Form):
    """A post's text, and what else its kind lets its author change: an event's time and place
    (shown in the event's own time zone), an announcement's read confirmation. The fields of
    other kinds are left out, so a missing one never reads as "cleared"."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 8})
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(
        label=_("Ends at (optional)"), required=False, widget=DateTimeLocalInput()
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    asks_read_confirmation = forms.BooleanField(
        label=_("Ask readers to confirm they have read it"), required=False
    )

    EVENT_FIELDS = ("starts_at", "ends_at", "time_zone", "place", "online_url")

    def __init__(self, *args: Any, post: Post, **kwargs: Any):
        event: PostEvent | None = (
            PostEvent.objects.filter(post=post).first() if post.type == PostType.EVENT else None
        )
        self.event = event if event is not None and event.cancelled_at is None else None
        kwargs.setdefault("initial", self.initial_for(post, self.event))
        super().__init__(*args, **kwargs)
        if self.event is None:
            for name in self.EVENT_FIELDS:
                del self.fields[name]
        if post.type != PostType.ANNOUNCEMENT:
            del self.fields["asks_read_confirmation"]

    @staticmethod
    def initial_for(post: Post, event: PostEvent | None) -> dict[str, Any]:
        initial: dict[str, Any] = {"title": post.title, "body": post.body}
        if event is not None:
            zone = event.time_zone if valid_time_zone(event.time_zone) else settings.TIME_ZONE
            initial.update(
                starts_at=wall_time(event.starts_at, zone),
                ends_at=wall_time(event.ends_at, zone),
                time_zone=zone,
                place=event.place,
                online_url=event.online_url,
            )
        if post.type == PostType.ANNOUNCEMENT:
            initial["asks_read_confirmation"] = post.asks_read_confirmation
        return initial

    def clean_time_zone(self) -> str:
        zone = (self.cleaned_data.get("time_zone") or "").strip() or settings.TIME_ZONE
        if not valid_time_zone(zone):
            raise forms.ValidationError(_("Unknown time zone; choose one from the list."))
        return zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.event is None:
            return data
        zone = data.get("time_zone") or self.event.time_zone
        for name in ("starts_at", "ends_at"):
            if name not in data:  # refused by the field: its message is already there
                continue
            moment = aware(data[name], zone)
            stored = getattr(self.event, name)
            # Minutes are all the control shows: an unchanged minute keeps the stored instant,
            # so saving the text alone never "moves" the event (and notifies nobody).
            if (
                moment is not None
                and stored is not None
                and zone == self.event.time_zone
                and moment == stored.replace(second=0, microsecond=0)
            ):
                moment = stored
            data[name] = moment
        return data

    def event_spec(self) -> EventSpec | None:
        """The event's new time and place for ``services.post_edit``, or None (not an event)."""
        if self.event is None:
            return None
        data = self.cleaned_data
        return EventSpec(
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            time_zone=data["time_zone"],
            place=data.get("place", ""),
            online_url=data.get("online_url", ""),
        )

    def read_confirmation(self) -> bool | None:
        """The announcement's setting, or None when the post is not an announcement."""
        if "asks_read_confirmation" not in self.fields:
            return None
        return bool(self.cleaned_data.get("asks_read_confirmation"))


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    response = forms.CharField(
        label=_("Official response"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Voters and the author are told of the change with this response."),
    )


RSVP_CHOICES = RsvpAnswer.choices
