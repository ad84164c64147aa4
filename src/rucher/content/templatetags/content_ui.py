"""Template helpers of the conversation pages, and the feeds other apps' pages include.

``{% community_feed community %}``, ``{% profile_feed person %}`` and ``{% home_feed %}`` render a
feed (with its composer when the viewer may write there) inside a page another app owns (the
community page, a person's page, the home page), from that page's request: the feed's cursor
and sort come from the query string, so "more" and the sort links also work without
JavaScript.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, tzinfo
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.templatetags.tz import do_timezone
from django.utils import timezone
from django.utils.safestring import SafeString

from rucher.core.http import request_user

register = template.Library()

REACTION_ICONS = {
    "like": "thumbs-up",
    "thanks": "hand-heart",
    "insightful": "lightbulb",
    "support": "heart-handshake",
    "curious": "circle-help",
}
TYPE_ICONS = {
    "discussion": "message-square",
    "question": "message-circle-question",
    "idea": "lightbulb",
    "poll": "chart-column",
    "event": "calendar",
    "announcement": "megaphone",
}


def _render_feed(context: template.Context, kind: str, target: Any = None) -> SafeString:
    from rucher.content import views

    request = context["request"]
    viewer = request_user(request)
    community = target if kind == "community" else None
    composer = None
    if kind in ("community", "home") or (kind == "profile" and target.pk == viewer.pk):
        composer = views.composer_context(request, viewer, community)
    feed = views.feed_context(request, viewer, kind, target, composer=composer)
    feed["embedded"] = True
    return SafeString(render_to_string("content/_feed.html", feed, request=request))


@register.simple_tag(takes_context=True)
def community_feed(context: template.Context, community: Any) -> SafeString:
    return _render_feed(context, "community", community)


@register.simple_tag(takes_context=True)
def profile_feed(context: template.Context, person: Any) -> SafeString:
    return _render_feed(context, "profile", person)


@register.simple_tag(takes_context=True)
def home_feed(context: template.Context) -> SafeString:
    return _render_feed(context, "home")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``counts|get:kind``: a value of a dict by a key held in a variable."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def reaction_icon(kind: str) -> str:
    return REACTION_ICONS.get(str(kind), "thumbs-up")


@register.filter
def type_icon(kind: str) -> str:
    return TYPE_ICONS.get(str(kind), "message-square")


@register.filter
def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """An aware datetime shown in the given IANA time zone (an event's own).

    Through Django's ``timezone`` filter: its result is marked so that the filters after it
    (``|date``) keep that zone instead of converting back to the reader's current one."""
    if value is None:
        return None
    try:
        zone_info: tzinfo = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone_info = timezone.get_current_timezone()
    return do_timezone(value, zone_info)


@register.filter
def ago(value: datetime | None) -> str:
    """ "just now", or "3 hours ago" (the largest unit)."""
    from django.utils.timesince import timesince
    from django.utils.translation import gettext as _

    if value is None:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value, depth=1)}


@register.filter
def percent(part: int | None, whole: int | None) -> int:
    if not whole:
        return 0
    return round(100 * (part or 0) / whole)


@register.filter
def filesize(size: int | None) -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(size or 0))
