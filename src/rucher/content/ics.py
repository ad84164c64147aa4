"""An event post as an iCalendar file (RFC 5545), for "add to my calendar".

Written by hand (it is small): one VCALENDAR with one VEVENT. The UID is stable per post and
site, so that a calendar that imported the file once updates the same entry when it is
imported again; SEQUENCE is bumped by the services at each change of time or place and at
cancellation (then STATUS:CANCELLED). Times are given in UTC (``...Z``), which every
calendar shows in its owner's time zone. Text values are escaped (backslash, comma,
semicolon, newlines) and lines are folded at 75 octets without cutting a UTF-8 character.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.content.models import Event as PostEvent
from rucher.content.models import Post, PostType
from rucher.core.errors import NotFound

# Without an end, an event lasts an hour in calendars.
DEFAULT_DURATION = timedelta(hours=1)
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma escaped; newlines as ``\\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with one space)."""
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the leading space counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _site() -> tuple[str, str]:
    base = str(getattr(settings, "SITE_URL", "http://localhost")).rstrip("/")
    host = urlsplit(base).hostname or "localhost"
    return base, host


def post_url(post: Post) -> str:
    """The post's page, or its community's page until the post pages exist."""
    try:
        return reverse("content:post", args=[post.pk])
    except NoReverseMatch:
        if post.community is not None:
            return reverse("communities:detail", args=[post.community.slug])
        return "/"


_BLOCK_END = re.compile(r"</(p|h[1-6]|blockquote|pre|table)>")


def _plain(post: Post) -> str:
    """The post's text without markup, paragraphs apart."""
    text = _BLOCK_END.sub(lambda match: match.group(0) + "\n", post.body_html or "")
    text = html.unescape(strip_tags(text))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text or post.body


def _summary(post: Post) -> str:
    if post.title:
        return post.title
    first = _plain(post).splitlines()[0] if _plain(post) else ""
    return first[:120] or _("Event")


def ics(viewer: User, post: Post) -> bytes:
    """The ``.ics`` file of an event post the viewer may read, else ``NotFound``."""
    if post.type != PostType.EVENT or not Post.objects.visible_to(viewer).filter(pk=post.pk):
        raise NotFound("post")
    try:
        event = PostEvent.objects.get(post_id=post.pk)
    except PostEvent.DoesNotExist:
        raise NotFound("post") from None
    base, host = _site()
    url = base + post_url(post)
    ends_at = event.ends_at or event.starts_at + DEFAULT_DURATION
    description = _plain(post)
    if event.online_url:
        online = _("Online: %(url)s") % {"url": event.online_url}
        description = f"{description}\n\n{online}"
    description = f"{description}\n\n{url}"
    location = event.place or event.online_url
    stamp = post.edited_at or post.created_at or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Rucher//Rucher//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:post-{post.pk}@{host}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{_utc(max(stamp, event.cancelled_at or stamp))}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{escape_text(_summary(post))}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"URL:{url}",
        f"DESCRIPTION:{escape_text(description)}",
        f"STATUS:{'CANCELLED' if event.cancelled_at is not None else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode()


def ics_filename(post: Post) -> str:
    return f"event-{post.pk}.ics"
