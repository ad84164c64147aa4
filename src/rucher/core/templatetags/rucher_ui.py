"""Template helpers used on every page: icons from the vendored Lucide set."""

from __future__ import annotations

import functools
import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ICON_DIR = settings.SRC_DIR / "static" / "vendor" / "lucide"
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


@functools.cache
def _icon_body(name: str) -> str:
    path = ICON_DIR / f"{name}.svg"
    if not re.fullmatch(r"[a-z0-9-]+", name) or not path.exists():
        raise template.TemplateSyntaxError(f"Unknown icon {name!r}: vendor it under {ICON_DIR}")
    svg = re.sub(r"<!--.*?-->", "", path.read_text(), flags=re.S)
    return _SVG_OPEN.sub("", svg, count=1).replace("</svg>", "").strip()


@register.simple_tag
def icon(name: str, size: int = 18, label: str = "") -> SafeString:
    """An inline Lucide icon; decorative unless a label is given."""
    aria = (
        format_html('role="img" aria-label="{}"', label)
        if label
        else mark_safe('aria-hidden="true"')
    )
    return format_html(
        '<svg class="icon" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        '{} focusable="false">{}</svg>',
        size,
        size,
        aria,
        mark_safe(_icon_body(name)),
    )
