"""Survey results as the steering report shows them: per wave sent, who answered (counts
per group), the measures' scores with their intervals, each question's result and the free
answers without names; one chart per measure across the waves.

Reads ``surveys.wave_results``, which hides any group with fewer answers than the minimum
group size: the report shows what it hides and says why, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.analytics.charts import Chart
from rucher.analytics.exports import Table
from rucher.pilots import report_charts, surveys
from rucher.pilots.models import Pilot, SurveyWave
from rucher.pilots.report_evaluation import interval_cells
from rucher.pilots.report_format import number, period
from rucher.pilots.stats import Interval
from rucher.pilots.survey_results import WaveResults, hidden_message

if TYPE_CHECKING:
    from rucher.accounts.models import User


@dataclass
class SurveyWaveSection:
    key: str
    title: str
    period: str
    responses: str  # "Pilot: 12 of 30 invited answered; Comparison group: 9 of 25 ..."
    results: Table | None  # scores of the survey measures, per group, with their intervals
    questions: Table | None  # each question's result per group
    hidden: list[str]  # "fewer than 5 answers in the comparison group: not shown"
    free_text: list[tuple[str, list[str]]]  # (question, answers without names)


def wave_results(pilot: Pilot, viewer: User) -> list[WaveResults]:
    """Each sent wave's results (``wave_results``: anonymous, groups under the minimum size
    hidden), oldest first."""
    waves = (
        SurveyWave.objects.filter(survey__pilot=pilot, sent_at__isnull=False)
        .select_related("survey")
        .order_by("opens_at", "id")
    )
    return [surveys.wave_results(wave, viewer) for wave in waves]


def shown_interval(interval: Interval | None) -> str | None:
    if interval is None or interval.estimate is None:
        return None
    if interval.low is None or interval.high is None:
        return number(interval.estimate, 1)
    return _("%(estimate)s (%(low)s to %(high)s)") % {
        "estimate": number(interval.estimate, 1),
        "low": number(interval.low, 1),
        "high": number(interval.high, 1),
    }


def survey_section(position: int, results: WaveResults) -> SurveyWaveSection:
    wave = results.wave
    key = f"survey_{position}"
    responses = "; ".join(
        _("%(arm)s: %(answered)s of %(invited)s invited answered")
        % {
            "arm": arm.label,
            "answered": arm.responded,
            "invited": arm.invited,
        }
        for arm in results.arms
        if arm.invited
    ) or _("nobody was invited")
    hidden = [
        f"{arm.label}: {hidden_message(results.min_group_size)}"
        for arm in results.arms
        if arm.invited and not arm.shown
    ]
    measure_rows = [
        [
            m.label,
            arm.label,
            arm.n if arm.shown else None,
            *interval_cells(arm.interval if arm.shown else None),
            m.unit,
        ]
        for m in results.measures
        for arm in m.arms
    ]
    measures = Table(
        key=f"{key}_measures",
        title=_("%(wave)s: scores") % {"wave": wave.get_kind_display()},
        columns=[
            ("measure", _("Measure")),
            ("arm", _("Group")),
            ("answers", _("Answers")),
            ("score", _("Score")),
            ("low", _("Interval from")),
            ("high", _("Interval to")),
            ("scale", _("Scale")),
        ],
        rows=measure_rows,
        shown=[
            [*row[:3], *(None if v is None else number(v, 1) for v in row[3:6]), row[6]]
            for row in measure_rows
        ],
    )
    question_rows: list[list[Any]] = []
    free_text: list[tuple[str, list[str]]] = []
    for question in results.questions:
        for arm in question.arms:
            if question.question.kind == "text":
                if arm.shown and arm.texts:
                    free_text.append((f"{question.text} — {arm.label}", list(arm.texts)))
                continue
            if not arm.shown:
                question_rows.append([question.text, arm.label, None, None])
                continue
            if arm.mean is not None:
                summary = shown_interval(arm.mean)
            elif arm.nps is not None:
                summary = _("NPS %(value)s") % {"value": shown_interval(arm.nps)}
            else:
                summary = "; ".join(
                    f"{bar.label}: {number(bar.share * 100, 0)} %" for bar in arm.bars
                )
            question_rows.append([question.text, arm.label, arm.n, summary or None])
    questions = Table(
        key=f"{key}_questions",
        title=_("%(wave)s: answers per question") % {"wave": wave.get_kind_display()},
        columns=[
            ("question", _("Question")),
            ("arm", _("Group")),
            ("answers", _("Answers")),
            ("result", _("Result (mean with its interval, or shares)")),
        ],
        rows=question_rows,
    )
    return SurveyWaveSection(
        key=key,
        title=f"{wave.get_kind_display()} — {results.title}",
        period=period(timezone.localdate(wave.opens_at), timezone.localdate(wave.closes_at)),
        responses=responses,
        results=measures if measure_rows and results.any_shown else None,
        questions=questions if question_rows and results.any_shown else None,
        hidden=hidden,
        free_text=free_text,
    )


def survey_charts(waves: list[WaveResults]) -> list[Chart]:
    """One chart per survey measure: its score per wave and group, with the interval."""
    by_measure: dict[str, dict[str, Any]] = {}
    for results in waves:
        for m in results.measures:
            entry = by_measure.setdefault(m.key, {"label": m.label, "unit": m.unit, "rows": []})
            for arm in m.arms:
                interval = arm.interval if arm.shown else None
                entry["rows"].append(
                    {
                        "wave": results.wave.get_kind_display(),
                        "arm": arm.label,
                        "estimate": None if interval is None else interval.estimate,
                        "low": None if interval is None else interval.low,
                        "high": None if interval is None else interval.high,
                    }
                )
    found = [
        report_charts.survey_scores(
            key=f"survey_{key}", title=entry["label"], rows=entry["rows"], unit_label=entry["unit"]
        )
        for key, entry in by_measure.items()
    ]
    return [chart for chart in found if not chart.empty]
