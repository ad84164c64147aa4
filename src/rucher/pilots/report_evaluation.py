"""The evaluation as the steering report shows it: per measure the before and after of each
arm, the effect with its interval, the checks (parallel trends, novelty) and the projection at
the deployment support level; the verdicts; the support-normalised view; the biases.

Reads ``evaluation.evaluate`` (cached per pilot and day, shared with the evaluation page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rucher.analytics.exports import Table
from rucher.pilots import verdicts
from rucher.pilots.evaluation import Evaluation, MeasureResult
from rucher.pilots.report_format import format_effect, format_value
from rucher.pilots.stats import Interval


@dataclass
class Verdict:
    """One measure's result as the summary states it."""

    key: str
    label: str
    text: str  # the evaluation's plain-language verdict, with its uncertainty
    effect: str  # "+4.2 points (95% interval 1.0 to 7.5)", or "" when there is none
    caution: str = ""  # e.g. "rests on 6 communities: the interval may be too narrow"


@dataclass
class EvaluationSection:
    measures: Table
    verdicts: list[Verdict]
    biases: Table
    organic: Table | None
    warnings: list[str]
    has_data: bool


def verdict(measure: MeasureResult) -> Verdict:
    effect = measure.effect
    caution = ""
    if effect is not None and effect.few_units:
        caution = ngettext(
            "Rests on %(n)d unit: the interval may be too narrow.",
            "Rests on %(n)d units: the interval may be too narrow.",
            effect.units,
        ) % {"n": effect.units}
    return Verdict(
        key=measure.key,
        label=measure.label,
        text=measure.verdict,
        effect=format_effect(effect, measure.unit),
        caution=caution,
    )


def _unit_label(measure: MeasureResult) -> str:
    if measure.unit_label:
        return str(measure.unit_label)
    return {
        "ratio": _("share"),
        "count": _("count"),
        "hours": _("hours"),
        "days": _("days"),
        "index": _("index"),
        "score": _("score"),
    }.get(measure.unit, measure.unit)


def _check(value: bool | None, yes: str, no: str) -> str:
    return _("cannot tell") if value is None else (yes if value else no)


def _projection(measure: MeasureResult) -> tuple[float | None, str | None]:
    """The effect read at the deployment support level, and how far to trust it."""
    projection = measure.projection
    if projection is None or projection.at_deployment.estimate is None:
        return None, None
    text = format_effect(projection.at_deployment, measure.unit)
    if not projection.reliable:
        text += " — " + _("unreliable: too few communities or no spread in support")
    elif projection.extrapolated:
        text += " — " + _("read beyond the support the pilot communities received")
    return projection.at_deployment.estimate, text


def _evaluation_rows(result: Evaluation) -> tuple[list[list[Any]], list[list[Any]]]:
    rows: list[list[Any]] = []
    shown: list[list[Any]] = []
    for m in result.measures:
        effect = m.effect
        trends = _check(m.trends.holds if m.trends else None, _("parallel"), _("not parallel"))
        novelty = _check(m.novelty.fades if m.novelty else None, _("fades"), _("holds"))
        projected, projection_text = _projection(m)
        values = [m.pilot_before, m.pilot_after, m.comparison_before, m.comparison_after]
        rows.append(
            [
                m.label,
                _unit_label(m),
                *values,
                m.naive_gap,
                *interval_cells(effect),
                effect.units if effect else None,
                effect.method if effect else "",
                trends,
                novelty,
                projected,
            ]
        )
        shown.append(
            [
                m.label,
                _unit_label(m),
                *(None if v is None else format_value(v, m.unit) for v in values),
                None if m.naive_gap is None else verdicts.signed_text(m.naive_gap, m.unit),
                format_effect(effect, m.unit) or None,
                None,
                None,
                effect.units if effect else None,
                effect.method if effect else None,
                trends,
                novelty,
                projection_text,
            ]
        )
    return rows, shown


def evaluation_section(result: Evaluation) -> EvaluationSection:
    rows, shown = _evaluation_rows(result)
    measures = Table(
        key="evaluation",
        title=_("Pilot against comparison, before and during the pilot"),
        columns=[
            ("measure", _("Measure")),
            ("unit", _("Unit")),
            ("pilot_before", _("Pilot before")),
            ("pilot_after", _("Pilot during")),
            ("comparison_before", _("Comparison before")),
            ("comparison_after", _("Comparison during")),
            ("naive_gap", _("Naive gap (pilot − everyone else)")),
            ("effect", _("Effect (difference in differences)")),
            ("low", _("Interval from")),
            ("high", _("Interval to")),
            ("units", _("Units")),
            ("method", _("Method")),
            ("trends", _("Trends before the start")),
            ("novelty", _("Novelty")),
            ("projection", _("Effect at the deployment support level")),
        ],
        rows=rows,
        shown=shown,
        note=_(
            "In the files, shares are fractions (0.25 = 25 %) and effects on shares are "
            "differences of fractions (0.05 = 5 points)."
        ),
    )
    biases = Table(
        key="biases",
        title=_("Biases: what was measured and how it was handled"),
        columns=[
            ("bias", _("Bias")),
            ("measured", _("What was measured")),
            ("handled", _("How it was handled")),
            ("level", _("Risk")),
        ],
        rows=[[b.label, b.measured, b.handled, b.level_label] for b in result.biases],
    )
    return EvaluationSection(
        measures=measures,
        verdicts=[verdict(m) for m in result.measures],
        biases=biases,
        organic=_organic_table(result),
        warnings=list(result.warnings),
        has_data=bool(result.has_data),
    )


def _organic_table(result: Evaluation) -> Table | None:
    """The support-normalised view: how much of the activity came without the project team."""
    organic = result.organic or {}
    figures = [
        ("organic_share", "comparison_organic_share", _("Organic share of contributions"), "ratio"),
        (
            "staff_first_responses",
            "comparison_staff_first_responses",
            _("Staff share of first responses"),
            "ratio",
        ),
        ("contributions", "", _("Contributions during the pilot"), "count"),
        ("support_hours", "", _("Support hours"), "hours"),
        ("contributions_per_hour", "", _("Contributions per support hour"), "count"),
    ]
    rows: list[list[Any]] = []
    shown: list[list[Any]] = []
    for key, other_key, label, unit in figures:
        value = organic.get(key)
        if value is None:
            continue
        other = organic.get(other_key) if other_key else None
        rows.append([label, value, other])
        shown.append(
            [label, format_value(value, unit), None if other is None else format_value(other, unit)]
        )
    if not rows:
        return None
    return Table(
        key="organic",
        title=_("Support-normalised view"),
        columns=[("figure", _("Figure")), ("pilot", _("Pilot")), ("comparison", _("Comparison"))],
        rows=rows,
        shown=shown,
    )


def interval_cells(interval: Interval | None) -> list[Any]:
    if interval is None:
        return [None, None, None]
    return [interval.estimate, interval.low, interval.high]
