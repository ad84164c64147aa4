"""The steering report's charts: one Vega-Lite specification each, drawn by vega-embed on
the report page and by vl-convert (``analytics.charts.render``) in the PDF.

The analytics builders draw counts per day; a pilot's measures are shares and scores per
week and its support is hours per month, so these three shapes are built here with the same
colours, fonts and axes (``charts._finish`` applies the house configuration).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import altair as alt
from django.utils.translation import gettext as _

from rucher.analytics import charts
from rucher.analytics.charts import HONEY, PALETTE, Chart
from rucher.analytics.exports import Table

if TYPE_CHECKING:
    from rucher.pilots.support import Intensity

PILOT_COLOUR = PALETTE[0]
COMPARISON_COLOUR = PALETTE[1]


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _axis_format(unit: str) -> str:
    return ".0%" if unit == "ratio" else ",.2~f"


def weekly_measure(
    *,
    key: str,
    title: str,
    unit: str,
    weekly: Sequence[tuple[datetime.date, float | None, float | None]],
    start: datetime.date | None = None,
) -> Chart:
    """A measure week by week, pilot against comparison; ``start`` draws the pilot's start
    as a rule so that the before and after read at a glance."""
    pilot_label, comparison_label = _("Pilot"), _("Comparison")
    week_label, value_label = _("Week"), _("Value")
    values = [
        {"day": _iso(day), "arm": label, "value": value}
        for day, pilot, comparison in weekly
        for label, value in ((pilot_label, pilot), (comparison_label, comparison))
        if value is not None
    ]
    fmt = _axis_format(unit)
    labels = [pilot_label, comparison_label]
    lines = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X(
                "day:T",
                title=week_label,
                scale=alt.Scale(type="utc"),
                axis=alt.Axis(format=charts._date_format(), labelOverlap="greedy"),
            ),
            y=alt.Y("value:Q", title=value_label, axis=alt.Axis(format=fmt)),
            color=alt.Color(
                "arm:N",
                title=None,
                scale=alt.Scale(domain=labels, range=[PILOT_COLOUR, COMPARISON_COLOUR]),
                sort=labels,
            ),
            strokeDash=alt.StrokeDash(
                "arm:N", title=None, scale=alt.Scale(domain=labels, range=[[1, 0], [5, 3]])
            ),
            tooltip=[
                alt.Tooltip("day:T", title=week_label, format="%d/%m/%Y"),
                alt.Tooltip("arm:N", title=" "),
                alt.Tooltip("value:Q", title=value_label, format=fmt),
            ],
        )
    )
    layers: list[Any] = [lines]
    if start is not None and values:
        layers.append(
            alt.Chart(alt.Data(values=[{"day": _iso(start)}]))
            .mark_rule(color="#8a8a8a", strokeDash=[2, 2])
            .encode(x="day:T")
        )
    description = _("%(measure)s week by week in the pilot and in the comparison group.") % {
        "measure": title
    }
    table = Table(
        key=key,
        title=title,
        columns=[("week", week_label), ("pilot", pilot_label), ("comparison", comparison_label)],
        rows=[[day, pilot, comparison] for day, pilot, comparison in weekly],
        percent={"pilot", "comparison"} if unit == "ratio" else set(),
    )
    return Chart(
        key=key,
        title=title,
        spec=charts._finish(alt.layer(*layers), description),
        table=table,
        description=description,
        empty=not values,
    )


def support_by_month(
    *, key: str, rows: Sequence[tuple[datetime.date, str, float]], kinds: dict[str, str]
) -> Chart:
    """Hours of support per month, stacked by kind (training, coaching...)."""
    title = _("Support given, month by month")
    month_label, hours_label, kind_label = _("Month"), _("Hours"), _("Kind of support")
    order = [label for code, label in kinds.items() if any(k == code for _m, k, _h in rows)]
    months = len({month for month, _k, _h in rows})
    values = [
        {"month": _iso(month), "kind": kinds.get(kind, kind), "hours": hours}
        for month, kind, hours in rows
    ]
    # A pilot of a few months has few bars: a fixed width keeps them bar-shaped, not a wall.
    width: Any = 48 if months < 5 else alt.RelativeBandSize(0.7)
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(width=width)
        .encode(
            x=alt.X(
                "month:O",
                timeUnit=alt.TimeUnitParams(unit="yearmonth", utc=True),
                title=month_label,
                axis=alt.Axis(format="%m/%Y", labelAngle=0),
            ),
            y=alt.Y("sum(hours):Q", title=hours_label, stack="zero"),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=order, range=PALETTE[: len(order)]),
                sort=order,
            ),
            tooltip=[
                alt.Tooltip("month:T", title=month_label, format="%m/%Y"),
                alt.Tooltip("kind:N", title=kind_label),
                alt.Tooltip("sum(hours):Q", title=hours_label, format=",.2~f"),
            ],
        )
    )
    description = _("Hours of support logged each month, by kind of support.")
    table = Table(
        key=key,
        title=title,
        columns=[("month", month_label), ("kind", kind_label), ("hours", hours_label)],
        rows=[[month, kinds.get(kind, kind), hours] for month, kind, hours in rows],
    )
    return Chart(
        key=key,
        title=title,
        spec=charts._finish(chart, description),
        table=table,
        description=description,
        empty=not values,
    )


def intensity_chart(intensity: Intensity) -> Chart:
    """``support_per_community`` of a pilot's support intensity, its pilot communities only:
    the support tab and the report draw this one picture."""
    return support_per_community(
        key="support_per_community",
        rows=[
            (row.name, None if row.hours_per_month is None else float(row.hours_per_month))
            for row in intensity.rows
            if row.in_pilot
        ],
        deployment_level=float(intensity.deployment_level),
    )


def support_per_community(
    *, key: str, rows: Sequence[tuple[str, float | None]], deployment_level: float
) -> Chart:
    """Hours per community per month, with the level deployment will give as a rule."""
    title = _("Support intensity per community")
    community_label = _("Community")
    value_label = _("Hours per community per month")
    order = [name for name, _value in rows]
    values = [{"category": name, "value": value} for name, value in rows if value is not None]
    base = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("value:Q", title=value_label),
        tooltip=[
            alt.Tooltip("category:N", title=community_label),
            alt.Tooltip("value:Q", title=value_label, format=",.2~f"),
        ],
    )
    level_label = _("Deployment level")
    rule = (
        alt.Chart(alt.Data(values=[{"value": deployment_level, "label": level_label}]))
        .mark_rule(color=COMPARISON_COLOUR, strokeDash=[5, 3], strokeWidth=2)
        .encode(x="value:Q", tooltip=[alt.Tooltip("label:N", title=" "), "value:Q"])
    )
    chart = alt.layer(
        base.mark_bar(color=HONEY, cornerRadiusEnd=2),
        base.mark_text(align="left", dx=4, color=charts.INK).encode(
            text=alt.Text("value:Q", format=",.2~f")
        ),
        rule,
    )
    description = _(
        "Support hours per month in each pilot community; the dashed line is the level "
        "planned for deployment (%(level)s hours)."
    ) % {"level": f"{deployment_level:g}"}
    table = Table(
        key=key,
        title=title,
        columns=[("community", community_label), ("hours_per_month", value_label)],
        rows=[[name, value] for name, value in rows],
    )
    return Chart(
        key=key,
        title=title,
        spec=charts._finish(chart, description, height=max(80, 34 * len(order))),
        table=table,
        description=description,
        empty=not values,
    )


def survey_scores(
    *, key: str, title: str, rows: Sequence[dict[str, Any]], unit_label: str
) -> Chart:
    """Mean scores with their intervals, per wave and arm: ``rows`` are {"wave", "arm",
    "estimate", "low", "high"} (groups under the minimum size are left out upstream)."""
    wave_label, arm_label = _("Wave"), _("Group")
    values = [row for row in rows if row.get("estimate") is not None]
    waves = list(dict.fromkeys(row["wave"] for row in rows))
    arms = list(dict.fromkeys(row["arm"] for row in rows))
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("wave:N", sort=waves, title=wave_label, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("arm:N", sort=arms),
        color=alt.Color(
            "arm:N",
            title=None,
            sort=arms,
            scale=alt.Scale(domain=arms, range=[PILOT_COLOUR, COMPARISON_COLOUR][: len(arms)]),
        ),
    )
    chart = alt.layer(
        base.mark_point(filled=True, size=70).encode(
            y=alt.Y("estimate:Q", title=unit_label, scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("wave:N", title=wave_label),
                alt.Tooltip("arm:N", title=arm_label),
                alt.Tooltip("estimate:Q", title=unit_label, format=",.2~f"),
                alt.Tooltip("low:Q", title=_("from"), format=",.2~f"),
                alt.Tooltip("high:Q", title=_("to"), format=",.2~f"),
            ],
        ),
        base.mark_rule(strokeWidth=2).encode(y="low:Q", y2="high:Q"),
    )
    description = _("%(measure)s per wave and group, with the 95%% interval.") % {"measure": title}
    table = Table(
        key=key,
        title=title,
        columns=[
            ("wave", wave_label),
            ("arm", arm_label),
            ("estimate", unit_label),
            ("low", _("Interval from")),
            ("high", _("Interval to")),
        ],
        rows=[
            [row["wave"], row["arm"], row.get("estimate"), row.get("low"), row.get("high")]
            for row in rows
        ],
    )
    return Chart(
        key=key,
        title=title,
        spec=charts._finish(chart, description),
        table=table,
        description=description,
        empty=not values,
    )
