"""Chart specifications: one Vega-Lite specification per chart, for the page and for files.

Each builder takes plain rows (already aggregated from the rollups, already above the privacy
threshold) and returns a ``Chart``: its key, its title, the Vega-Lite specification built with
Altair, and the table of figures it draws. The page embeds the specification in a
``<script type="application/json">`` block that ``static/js/analytics.js`` hands to vega-embed
(with the CSP-safe expression interpreter, no ``eval``); downloads and the pilot reports call
``render(spec, fmt)``, which draws the same specification with vl-convert. Labels are
translated when the chart is built, so the picture speaks the language of the page that asked.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
from django.utils.translation import get_language

from rucher.analytics.exports import Table

# Rucher's colours (static/css/rucher.css): honey first, then the avatar tones, each keeping
# 4.5:1 contrast with white.
HONEY = "#b86e00"
HONEY_DARK = "#7a4b00"
PALETTE = ["#b86e00", "#1f5c8a", "#2f6b3a", "#7b3f8c", "#9c3b2e", "#0f6e6e", "#44566c", "#6b5a14"]
INK = "#1f2430"
FONT = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif"
FILE_WIDTH = 720  # "container" width has no meaning in a file
VEGA_LITE_VERSION = "6.4"
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass
class Chart:
    key: str
    title: str
    spec: dict[str, Any]
    table: Table
    description: str = ""
    empty: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        "background": "#ffffff",
        "view": {"stroke": None},
        "axis": {
            "labelColor": INK,
            "titleColor": INK,
            "gridColor": "#ece6da",
            "domainColor": "#c9bfae",
            "tickColor": "#c9bfae",
            "labelFontSize": 12,
            "titleFontSize": 12,
            "titleFontWeight": "normal",
        },
        "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "orient": "bottom"},
        "title": {"color": INK, "fontSize": 14, "anchor": "start", "fontWeight": 600},
        "range": {"category": PALETTE},
    }


# The chart's rows, named in the spec and added to it at the end: Altair copies, validates
# and hashes inline values at every step, which cost more than the rest of a page's charts.
DATA = "rows"


def _finish(
    chart: alt.TopLevelMixin,
    description: str,
    height: int = 220,
    *,
    values: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The house configuration; ``values``: the rows of a chart drawn from ``DATA``."""
    # Not validated against the Vega-Lite schema on every page (the tests render each kind).
    spec = chart.properties(width="container", height=height).to_dict(validate=False)
    if values is not None:
        spec["datasets"] = {DATA: values}
    spec["config"] = _config()
    spec["description"] = description
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def _iso(day: datetime.date | str) -> str:
    return day.isoformat() if isinstance(day, datetime.date) else str(day)


def _date_format() -> str:
    return "%d/%m" if (get_language() or "en").startswith("fr") else "%d %b"


# ---------------------------------------------------------------- generic shapes


def bars_over_time(
    *,
    key: str,
    title: str,
    rows: Sequence[dict[str, Any]],
    series: Sequence[tuple[str, str]],
    date_label: str,
    value_label: str,
    description: str,
    stacked: bool = True,
    colours: Sequence[str] | None = None,
    step: int = 1,
) -> Chart:
    """Bars per day or week, one colour per series. ``rows`` are {"day": date, <series>: n};
    ``series`` pairs each field with its translated label, in the order of the legend."""
    series_label = str(value_label)
    long_rows = [
        {"day": _iso(row["day"]), "series": label, "rank": rank, "value": row.get(name) or 0}
        for row in rows
        for rank, (name, label) in enumerate(series)
    ]
    labels = [label for _name, label in series]
    chart = (
        alt.Chart(alt.NamedData(name=DATA))
        .mark_bar()
        .encode(
            x=alt.X(
                "day:T",
                timeUnit=alt.TimeUnitParams(unit="yearmonthdate", step=step, utc=True),
                title=str(date_label),
                axis=alt.Axis(format=_date_format(), labelOverlap="greedy", labelSeparation=6),
            ),
            y=alt.Y(
                "sum(value):Q",
                title=series_label,
                stack="zero" if stacked else None,
                axis=alt.Axis(tickMinStep=1),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=labels, range=list(colours or PALETTE)[: len(labels)]),
                sort=labels,
            ),
            order=alt.Order("rank:Q"),
            tooltip=[
                alt.Tooltip("day:T", title=str(date_label), format="%d/%m/%Y"),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("sum(value):Q", title=series_label),
            ],
        )
    )
    if not stacked:
        chart = chart.encode(xOffset=alt.XOffset("series:N", sort=labels))
    columns = [("day", str(date_label))] + [(name, str(label)) for name, label in series]
    table = Table(
        key=key,
        title=title,
        columns=columns,
        rows=[[row["day"], *[row.get(name) for name, _label in series]] for row in rows],
    )
    return Chart(
        key=key,
        title=title,
        spec=_finish(chart, description, values=long_rows),
        table=table,
        description=description,
        empty=not any(value["value"] for value in long_rows),
    )


def horizontal_bars(
    *,
    key: str,
    title: str,
    rows: Sequence[tuple[str, float | None]],
    category_label: str,
    value_label: str,
    description: str,
    percent: bool = False,
    colour: str = HONEY,
) -> Chart:
    """One bar per category, in the order given (funnels, buckets, stages)."""
    order = [label for label, _value in rows]
    values = [{"category": label, "value": value} for label, value in rows if value is not None]
    value_format = ".0%" if percent else ",d"
    base = alt.Chart(alt.NamedData(name=DATA)).encode(
        y=alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(
            "value:Q",
            title=str(value_label),
            axis=alt.Axis(format=value_format, tickMinStep=0.01 if percent else 1),
        ),
        tooltip=[
            alt.Tooltip("category:N", title=str(category_label)),
            alt.Tooltip("value:Q", title=str(value_label), format=value_format),
        ],
    )
    bars = base.mark_bar(color=colour, cornerRadiusEnd=2)
    labels = base.mark_text(align="left", dx=4, color=INK).encode(
        text=alt.Text("value:Q", format=value_format)
    )
    chart = alt.layer(bars, labels)
    table = Table(
        key=key,
        title=title,
        columns=[("category", str(category_label)), ("value", str(value_label))],
        rows=[[label, value] for label, value in rows],
    )
    height = max(60, 34 * len(order))
    return Chart(
        key=key,
        title=title,
        spec=_finish(chart, description, values=values, height=height),
        table=table,
        description=description,
        empty=not values,
    )


def step_line(
    *,
    key: str,
    title: str,
    rows: Sequence[dict[str, Any]],
    levels: Sequence[str],
    date_label: str,
    level_label: str,
    description: str,
) -> Chart:
    """A level over time (the lifecycle stage week by week): ``rows`` are {"day", "level"}."""
    values = [{"day": _iso(row["day"]), "level": row["level"]} for row in rows]
    base = alt.Chart(alt.NamedData(name=DATA)).encode(
        x=alt.X(
            "day:T",
            title=str(date_label),
            scale=alt.Scale(type="utc"),
            axis=alt.Axis(
                format=_date_format(),
                labelOverlap="greedy",
                labelSeparation=6,
                tickCount=alt.TimeIntervalStep(interval="week", step=1),
            ),
        ),
        y=alt.Y(
            "level:N",
            sort=list(reversed(levels)),
            title=None,
            scale=alt.Scale(domain=list(reversed(levels))),
        ),
        tooltip=[
            alt.Tooltip("day:T", title=str(date_label), format="%d/%m/%Y"),
            alt.Tooltip("level:N", title=str(level_label)),
        ],
    )
    chart = alt.layer(
        base.mark_line(interpolate="step-after", color=HONEY, strokeWidth=2),
        base.mark_point(color=HONEY_DARK, filled=True, size=40),
    )
    table = Table(
        key=key,
        title=title,
        columns=[("day", str(date_label)), ("level", str(level_label))],
        rows=[[row["day"], row["level"]] for row in rows],
    )
    return Chart(
        key=key,
        title=title,
        spec=_finish(chart, description, values=values, height=max(120, 28 * len(levels))),
        table=table,
        description=description,
        empty=not rows,
    )


def heat_map(
    *,
    key: str,
    title: str,
    cells: Sequence[tuple[str, str, int]],
    source_label: str,
    target_label: str,
    value_label: str,
    description: str,
) -> Chart:
    """Interactions from one group to another: ``cells`` are (source, target, count)."""
    values = [{"source": s, "target": t, "value": v} for s, t, v in cells]
    names = sorted({s for s, _t, _v in cells} | {t for _s, t, _v in cells})
    base = alt.Chart(alt.NamedData(name=DATA)).encode(
        x=alt.X(
            "target:N",
            sort=names,
            title=str(target_label),
            axis=alt.Axis(labelAngle=-30, labelLimit=140),
        ),
        y=alt.Y("source:N", sort=names, title=str(source_label), axis=alt.Axis(labelLimit=160)),
    )
    rects = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            title=str(value_label),
            scale=alt.Scale(range=["#fff4d6", HONEY, HONEY_DARK]),
        ),
        tooltip=[
            alt.Tooltip("source:N", title=str(source_label)),
            alt.Tooltip("target:N", title=str(target_label)),
            alt.Tooltip("value:Q", title=str(value_label), format=",d"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("value:Q", format=",d"),
        color=alt.condition("datum.value > 0", alt.value(INK), alt.value("#8a8a8a")),
    )
    chart = alt.layer(rects, text)
    table = Table(
        key=key,
        title=title,
        columns=[
            ("source", str(source_label)),
            ("target", str(target_label)),
            ("value", str(value_label)),
        ],
        rows=[[s, t, v] for s, t, v in cells],
    )
    return Chart(
        key=key,
        title=title,
        spec=_finish(chart, description, values=values, height=max(120, 36 * len(names))),
        table=table,
        description=description,
        empty=not cells,
    )


# ---------------------------------------------------------------- rendering


def _language_tag() -> Any:
    """vl-convert's name of the number and date formats of the current language."""
    return "fr-FR" if (get_language() or "en").startswith("fr") else "en-GB"


def locales() -> dict[str, Any]:
    """Number and date formats of the current language, for vega-embed and vl-convert alike."""
    import vl_convert

    tag = _language_tag()
    return {
        "formatLocale": vl_convert.get_format_locale(tag),
        "timeFormatLocale": vl_convert.get_time_format_locale(tag),
    }


def for_file(spec: dict[str, Any], title: str = "") -> dict[str, Any]:
    """The page's specification with a fixed width (and the title, which the page shows as a
    heading): what a file or a PDF report draws."""
    fixed = copy.deepcopy(spec)
    fixed["width"] = FILE_WIDTH
    fixed["autosize"] = {"type": "fit", "contains": "padding"}
    for layer in fixed.get("layer", []):
        if layer.get("width") == "container":
            layer["width"] = FILE_WIDTH
    if title:
        fixed["title"] = title
    return fixed


def render(spec: dict[str, Any], fmt: str, *, scale: float = 2.0) -> bytes:
    """Draw a Vega-Lite specification as SVG or PNG bytes with vl-convert (no browser)."""
    import vl_convert

    if fmt not in FORMATS:
        raise ValueError(f"Unknown chart format {fmt!r}")
    drawable = for_file(spec) if spec.get("width") == "container" else spec
    tag = _language_tag()
    if fmt == "svg":
        svg = vl_convert.vegalite_to_svg(
            drawable, vl_version=VEGA_LITE_VERSION, format_locale=tag, time_format_locale=tag
        )
        return svg.encode()
    return bytes(
        vl_convert.vegalite_to_png(
            drawable,
            vl_version=VEGA_LITE_VERSION,
            scale=scale,
            format_locale=tag,
            time_format_locale=tag,
        )
    )
