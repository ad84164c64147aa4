"""Template helpers of the community pages."""

from __future__ import annotations

import re

from django import template

register = template.Library()


@register.filter
def community_initials(name: str) -> str:
    """ "Rail maintenance" -> "RM": the stand-in for a community without an avatar."""
    words = [word for word in str(name or "").split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]) or str(name or "?")[:1]
    return letters.upper()


_HEADING_LINE = re.compile(r"^\s*#{1,6}\s.*$", re.M)
_MARKUP_AT_LINE_START = re.compile(r"^\s*(?:[-*+>]|\d+\.)\s+", re.M)


@register.filter
def excerpt(text: str, length: int = 160) -> str:
    """A one-paragraph plain excerpt of a description written in Markdown, for cards.

    Headings are left out: a description still made of its kind's skeleton says nothing.
    """
    plain = _HEADING_LINE.sub("", str(text or ""))
    plain = _MARKUP_AT_LINE_START.sub("", plain).replace("**", "").replace("__", "")
    plain = " ".join(plain.split())
    return plain if len(plain) <= length else plain[: length - 1].rstrip() + "…"


@register.simple_tag(takes_context=True)
def may_see_insights(context: template.Context, community: object) -> bool:
    """Whether the viewer may open this community's insights (the analytics policy decides)."""
    from rucher.analytics.periods import may_see_community_insights

    request = context.get("request")
    user = getattr(request, "user", None)
    community_id = getattr(community, "pk", None)
    if user is None or community_id is None:
        return False
    return may_see_community_insights(user, community_id)


@register.filter
def community_markdown(text: str) -> str:
    """A description or charter (Markdown, as the kind templates write them), made safe."""
    from django.utils.safestring import mark_safe

    from rucher.core.markdown import render

    # The renderer sanitises with an allow-list; no mention links from a description.
    return mark_safe(render(str(text or ""), people={}).html)
