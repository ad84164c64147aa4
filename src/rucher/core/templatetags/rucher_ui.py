"""Template helpers used on every page: icons from the vendored Lucide set."""

from __future__ import annotations

import functools
import re

from django import forms, template
from django.conf import settings
from django.forms import BoundField
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


@register.filter
def tone(value: int | None) -> int:
    """One of eight avatar colours, stable for a person."""
    return (value or 0) % 8


@register.filter
def control(bound_field: BoundField) -> SafeString:
    """Render a form field's widget with Bootstrap classes and its error state for AT."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs: dict[str, str | bool] = {"class": css}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        attrs["class"] = f"{css} is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def indent(depth: int) -> str:
    """Visual nesting for tree items inside a <select>, where markup cannot indent."""
    return "– " * int(depth or 0)
