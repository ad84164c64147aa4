"""The steering report: every part of a pilot gathered into what a steering committee reads.

``build_report(pilot, viewer)`` assembles, in this order: a one-page summary (the verdicts
with their uncertainty, the decision), scope and selection, objectives against their KPIs,
charts, survey results, the support summary, the evaluation with its biases, lessons learned,
the decision and the deployment waves. The page, the PDF (``pdf.py``) and the data annex all
draw the same ``Report``, built after the same permission check (``policy.require_results``
in the views), so a file never holds more than the page shows.

Each section has its own small builder that reads one part (programme, surveys, support,
evaluation, deployment) and copes with that part having nothing to show: a pilot with no
data gets a report that says so in plain words, never an empty chart or an error. Numbers stay
numbers in the ``Table``s (the annex writes them raw; the page and PDF format them in the
viewer's language); sentences are translated when the report is built.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rucher.analytics.charts import Chart
from rucher.analytics.exports import Table
from rucher.core import clock
from rucher.pilots import checks, evaluation, matching, report_charts, selectors, support
from rucher.pilots.models import (
    ComparisonGroup,
    Decision,
    DeploymentWave,
    Lesson,
    LessonKind,
    Pilot,
    SupportKind,
)
from rucher.pilots.report_evaluation import EvaluationSection, Verdict, evaluation_section
from rucher.pilots.report_format import number, period
from rucher.pilots.report_surveys import (
    SurveyWaveSection,
    survey_charts,
    survey_section,
    wave_results,
)

if TYPE_CHECKING:
    from rucher.accounts.models import User

# ---------------------------------------------------------------- the report's shape


@dataclass
class Summary:
    status: str
    period: str
    duration: str
    headline: list[tuple[str, str]]  # (figure, what it counts)
    verdicts: list[Verdict]
    decision: Decision | None
    has_data: bool
    no_data_reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ScopeSection:
    communities: Table
    beta_users: int
    comparison: Table
    baseline_gaps: Table | None


@dataclass
class SupportSection:
    table: Table
    total_hours: float
    total_entries: int
    total_people: int
    months: float | None
    per_community_month: float | None
    deployment_level: float
    ratio_to_deployment: float | None
    sentence: str


@dataclass
class LessonItem:
    title: str
    body: str
    community: str
    adjustment: str
    wave: str
    in_library: bool


@dataclass
class Report:
    pilot: Pilot
    generated_at: datetime.datetime
    language: str
    summary: Summary
    overview: dict[str, Any]
    scope: ScopeSection
    objectives: Table
    charts: list[Chart]
    surveys: list[SurveyWaveSection]
    survey_note: str
    support: SupportSection
    evaluation: EvaluationSection
    successes: list[LessonItem]
    failures: list[LessonItem]
    decision: Decision | None
    waves: Table
    sections: list[tuple[str, str]] = field(default_factory=list)

    def tables(self) -> list[Table]:
        """Every table of the report in reading order: the data annex."""
        tables = [
            self.scope.communities,
            self.scope.comparison,
            *([self.scope.baseline_gaps] if self.scope.baseline_gaps else []),
            self.objectives,
            self.support.table,
        ]
        tables += [self.evaluation.measures, self.evaluation.biases]
        if self.evaluation.organic:
            tables.append(self.evaluation.organic)
        for wave in self.surveys:
            tables += [table for table in (wave.results, wave.questions) if table]
        tables += [chart.table for chart in self.charts]
        tables.append(self.waves)
        return tables

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.key == key), None)

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables() if table.key == key), None)


# ---------------------------------------------------------------- formatting


def _months(pilot: Pilot) -> float:
    return ((pilot.end_date - pilot.start_date).days + 1) / 30.4375


# ---------------------------------------------------------------- the sections


def _overview(pilot: Pilot) -> dict[str, Any]:
    months = _months(pilot)
    guidance = selectors.duration_guidance(pilot.start_date, pilot.end_date)
    return {
        "purpose": pilot.purpose,
        "period": period(pilot.start_date, pilot.end_date),
        "months": months,
        "guidance": guidance or "",
        "sponsors": [user.display_name for user in pilot.sponsors.order_by("display_name")],
        "team": [user.display_name for user in pilot.team.order_by("display_name")],
        "status": pilot.get_status_display(),
    }


def _scope(pilot: Pilot) -> ScopeSection:
    chosen = pilot.pilot_communities.select_related("community").order_by("community__name")
    communities = Table(
        key="pilot_communities",
        title=_("Pilot communities and why they were chosen"),
        columns=[
            ("community", _("Community")),
            ("reason", _("Why it was chosen")),
            ("detail", _("Details")),
        ],
        rows=[
            [entry.community.name, entry.get_reason_display(), entry.reason_detail]
            for entry in chosen
        ],
    )
    groups = ComparisonGroup.objects.filter(pilot=pilot).select_related("community", "org_unit")
    comparison = Table(
        key="comparison_groups",
        title=_("Comparison groups"),
        columns=[("group", _("Group")), ("kind", _("Kind")), ("source", _("Source"))],
        rows=[
            [
                group.community.name if group.community else group.org_unit.name,  # type: ignore[union-attr]
                _("Community") if group.community else _("Org unit"),
                group.get_source_display(),
            ]
            for group in groups
        ],
    )
    gaps = matching.baseline_gaps(pilot) if chosen else None
    if gaps is not None:
        gaps.key = "baseline_gaps"
    return ScopeSection(
        communities=communities,
        beta_users=pilot.beta_users.count(),
        comparison=comparison,
        baseline_gaps=gaps if gaps is not None and gaps.rows else None,
    )


def _objectives(pilot: Pilot, viewer: User) -> Table:
    """Objectives against their indicators: baseline, now, target, how far along."""
    progress = selectors.objective_progress(pilot, viewer)
    rows: list[list[Any]] = []
    shown: list[list[Any]] = []
    for objective in progress:
        for m in objective.measures:
            rows.append(
                [
                    objective.objective.title,
                    m.label,
                    m.measure.get_direction_display(),
                    m.baseline,
                    m.current,
                    m.target,
                    m.target_date,
                    m.share,
                    m.status_label,
                    m.note,
                ]
            )
            shown.append(
                [
                    objective.objective.title,
                    m.label,
                    m.measure.get_direction_display(),
                    m.baseline_display,
                    m.current_display,
                    m.target_display,
                    date_format(m.target_date, "DATE_FORMAT"),
                    None if m.share is None else f"{number(m.share * 100, 0)} %",
                    m.status_label,
                    m.note or None,
                ]
            )
    return Table(
        key="objectives",
        title=_("Objectives and their indicators"),
        columns=[
            ("objective", _("Objective")),
            ("indicator", _("Indicator")),
            ("direction", _("Direction")),
            ("baseline", _("Baseline")),
            ("current", _("Now")),
            ("target", _("Target")),
            ("target_date", _("By")),
            ("progress", _("Share of the way")),
            ("state", _("State")),
            ("note", _("Note")),
        ],
        rows=rows,
        shown=shown,
        note=_(
            "In the files, shares are fractions (0.25 = 25 %). A baseline is measured over the "
            'weeks before the start; "now" over the pilot so far.'
        ),
    )


def _support(intensity: support.Intensity) -> SupportSection:
    rows: list[list[Any]] = [
        [
            row.name,
            row.entries,
            float(row.hours),
            float(row.shared_hours),
            row.people_reached,
            None if row.hours_per_month is None else float(row.hours_per_month),
            row.ratio_to_deployment,
        ]
        for row in intensity.rows
    ]
    whole = intensity.whole_pilot
    if whole is not None and whole.entries:
        rows.append(
            [whole.name, whole.entries, float(whole.hours), None, whole.people_reached, None, None]
        )
    table = Table(
        key="support",
        title=_("Support per community"),
        columns=[
            ("community", _("Community")),
            ("entries", _("Entries")),
            ("hours", _("Hours")),
            ("shared_hours", _("Share of whole-pilot hours")),
            ("people", _("People reached")),
            ("per_month", _("Hours per month")),
            ("ratio", _("Times the deployment level")),
        ],
        rows=rows,
        shown=[
            [
                *row[:2],
                *(None if value is None else number(value, 2) for value in row[2:4]),
                row[4],
                None if row[5] is None else number(row[5], 2),
                None if row[6] is None else number(row[6], 1),
            ]
            for row in rows
        ],
    )
    level = float(intensity.deployment_level)
    mean = intensity.mean_per_community_month
    ratio = intensity.ratio_to_deployment
    if not intensity.total_entries:
        sentence = _("No support has been logged for this pilot.")
    elif mean is None:
        sentence = _("The pilot has not started: support per month cannot be computed yet.")
    else:
        sentence = _(
            "Each pilot community received %(mean)s hours of support per month; deployment "
            "plans %(level)s hours."
        ) % {"mean": number(float(mean), 2), "level": number(level, 2)}
        if ratio is not None and ratio > 1:
            sentence += " " + _(
                "The pilot had %(ratio)s times the support deployment will give: effects that "
                "depend on support will be smaller."
            ) % {"ratio": number(ratio, 1)}
    return SupportSection(
        table=table,
        total_hours=float(intensity.total_hours),
        total_entries=intensity.total_entries,
        total_people=intensity.total_people,
        months=None if intensity.months is None else float(intensity.months),
        per_community_month=None if mean is None else float(mean),
        deployment_level=level,
        ratio_to_deployment=ratio,
        sentence=sentence,
    )


def _lessons(pilot: Pilot) -> tuple[list[LessonItem], list[LessonItem]]:
    lessons = Lesson.objects.filter(pilot=pilot).select_related("community", "wave")
    items: dict[str, list[LessonItem]] = {LessonKind.SUCCESS: [], LessonKind.FAILURE: []}
    for lesson in lessons.order_by("kind", "id"):
        items[lesson.kind].append(
            LessonItem(
                title=lesson.title,
                body=lesson.body,
                community=lesson.community.name if lesson.community else "",
                adjustment=lesson.adjustment,
                wave=lesson.wave.name if lesson.wave else "",
                in_library=lesson.in_library,
            )
        )
    return items[LessonKind.SUCCESS], items[LessonKind.FAILURE]


def _decision(pilot: Pilot) -> Decision | None:
    try:
        return pilot.decision
    except Decision.DoesNotExist:
        return None


def _waves(pilot: Pilot) -> Table:
    waves = DeploymentWave.objects.filter(pilot=pilot).prefetch_related("org_units", "communities")
    return Table(
        key="deployment_waves",
        title=_("Deployment waves"),
        columns=[
            ("wave", _("Wave")),
            ("start", _("Start")),
            ("end", _("End")),
            ("support", _("Support (hours per community per month)")),
            ("org_units", _("Org units")),
            ("communities", _("Communities")),
            ("notes", _("Notes")),
        ],
        rows=[
            [
                wave.name,
                wave.start_date,
                wave.end_date,
                float(wave.support_hours),
                ", ".join(unit.name for unit in wave.org_units.all()),
                ", ".join(community.name for community in wave.communities.all()),
                wave.notes,
            ]
            for wave in waves
        ],
    )


def _charts(
    pilot: Pilot, result: evaluation.Evaluation, intensity: support.Intensity
) -> list[Chart]:
    """Week by week for each measure the evaluation followed, then the support given. Charts
    with nothing to draw are left out: the sections say "no data" in words instead."""
    found: list[Chart] = []
    for position, measure in enumerate(result.measures, start=1):
        if not measure.weekly:
            continue
        found.append(
            report_charts.weekly_measure(
                key=f"weekly_{position}",
                title=measure.label,
                unit=measure.unit,
                weekly=measure.weekly,
                start=pilot.start_date,
            )
        )
    kinds = {code: str(label) for code, label in SupportKind.choices}
    found.append(
        report_charts.support_by_month(
            key="support_by_month",
            rows=[(month, kind, float(hours)) for month, kind, hours in intensity.by_month],
            kinds=kinds,
        )
    )
    found.append(report_charts.intensity_chart(intensity))
    return [chart for chart in found if not chart.empty]


def _summary(
    pilot: Pilot,
    overview: dict[str, Any],
    scope: ScopeSection,
    given: SupportSection,
    judged: EvaluationSection,
    surveys: list[SurveyWaveSection],
    decision: Decision | None,
) -> Summary:
    answered = any(wave.results is not None for wave in surveys)
    has_data = judged.has_data or answered or bool(given.total_entries)
    reason = ""
    if not has_data:
        if pilot.start_date > checks.today():
            reason = _(
                "The pilot starts on %(start)s: there is nothing to measure yet. This report "
                "shows its plan — scope, objectives and support planned."
            ) % {"start": date_format(pilot.start_date, "DATE_FORMAT")}
        else:
            reason = _(
                "No data yet: no activity was recorded in the pilot or comparison groups, no "
                "survey wave has answers to show and no support was logged. The sections below "
                "show the plan; figures will appear as the pilot runs."
            )
    headline = [
        (str(len(scope.communities.rows)), _("pilot communities")),
        (str(scope.beta_users), _("beta users")),
        (str(len(scope.comparison.rows)), _("comparison groups")),
        (number(given.total_hours, 1), _("hours of support")),
    ]
    return Summary(
        status=overview["status"],
        period=overview["period"],
        duration=ngettext("about %(n)s month", "about %(n)s months", round(overview["months"]))
        % {"n": number(overview["months"], 1)},
        headline=headline,
        verdicts=judged.verdicts,
        decision=decision,
        has_data=has_data,
        no_data_reason=reason,
        warnings=[w for w in [overview["guidance"]] if w] + judged.warnings,
    )


def sections() -> list[tuple[str, str]]:
    """The report's sections in reading order: anchors of the page and the PDF's contents."""
    return [
        ("summary", _("Summary")),
        ("scope", _("Scope and selection")),
        ("objectives", _("Objectives and KPIs")),
        ("charts", _("Charts")),
        ("surveys", _("Survey results")),
        ("support", _("Support given")),
        ("evaluation", _("Evaluation and biases")),
        ("lessons", _("Lessons learned")),
        ("decision", _("Decision and deployment")),
    ]


def build_report(pilot: Pilot, viewer: User) -> Report:
    """The whole report for ``viewer``, who must be allowed to see the pilot's results
    (``policy.require_results``: the callers check it)."""
    from django.utils.translation import get_language

    overview = _overview(pilot)
    scope = _scope(pilot)
    intensity = support.support_intensity(pilot)
    given = _support(intensity)
    result = evaluation.evaluate(pilot, viewer=viewer)
    judged = evaluation_section(result)
    answered = wave_results(pilot, viewer)
    surveys = [survey_section(n, results) for n, results in enumerate(answered, start=1)]
    decision = _decision(pilot)
    successes, failures = _lessons(pilot)
    summary = _summary(pilot, overview, scope, given, judged, surveys, decision)
    return Report(
        pilot=pilot,
        generated_at=clock.now(),
        language=get_language() or "en",
        summary=summary,
        overview=overview,
        scope=scope,
        objectives=_objectives(pilot, viewer),
        charts=_charts(pilot, result, intensity) + survey_charts(answered),
        surveys=surveys,
        survey_note=_survey_note(),
        support=given,
        evaluation=judged,
        successes=successes,
        failures=failures,
        decision=decision,
        waves=_waves(pilot),
        sections=sections(),
    )


def _survey_note() -> str:
    from rucher.analytics.selectors import min_group_size

    size = min_group_size()
    return ngettext(
        "Answers are anonymous; a group's results are shown only from %(n)d answer.",
        "Answers are anonymous; a group's results are shown only from %(n)d answers.",
        size,
    ) % {"n": size}
