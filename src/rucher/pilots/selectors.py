"""Reads of the pilot programme: the index, baselines, objective progress, scope summaries.

Figures come from the analytics KPIs (rollups only) through ``analytics.selectors.kpi``,
which applies the minimum group size; survey figures from ``pilots.surveys`` once that module
exists. Nothing here writes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rucher.pilots import policy
from rucher.pilots.checks import today
from rucher.pilots.models import (
    MeasureKind,
    Objective,
    ObjectiveMeasure,
    Pilot,
    PilotStatus,
)

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.analytics.kpis import KpiSpec
    from rucher.pilots.questionnaire import Measure

DAY = datetime.timedelta(days=1)
# Duration guidance of the issue: shorter than 3 months says little, longer than 6 drifts.
MIN_MONTHS, MAX_MONTHS = 3, 6
# KPIs that need a stretch of activity before they mean anything (days): retention after k
# weeks follows a weekly cohort k weeks on; conversion and churn compare two 28-day windows.
DAYS_NEEDED = {
    "cohort_retention_4": 5 * 7,
    "cohort_retention_8": 9 * 7,
    "cohort_retention_12": 13 * 7,
    "conversion": 56,
    "churn": 56,
}
# Order in which survey waves make the "current" value: the latest one answered.
WAVE_ORDER = ("end", "mid")


# ---------------------------------------------------------------- registries


def kpi_spec(key: str) -> KpiSpec | None:
    from rucher.analytics.kpis import KPIS

    return KPIS.get(key)


def kpi_choices() -> list[tuple[str, str]]:
    from rucher.analytics.kpis import KPIS

    return sorted(((key, str(spec.label)) for key, spec in KPIS.items()), key=lambda c: c[1])


def days_needed(kpi_key: str) -> int:
    return DAYS_NEEDED.get(kpi_key, 1)


def survey_measures() -> dict[str, Measure]:
    """The survey measures (``questionnaire.MEASURES``); empty when surveys are not installed."""
    try:
        from rucher.pilots.questionnaire import MEASURES
    except ImportError:  # the surveys part is optional for the programme pages
        return {}
    return dict(MEASURES)


def survey_measure_range(key: str) -> tuple[float, float] | None:
    """Lowest and highest value a survey measure's score can take."""
    measure = survey_measures().get(key)
    if measure is None:
        return None
    if measure.scoring == "umux_lite":
        return 0.0, 100.0
    if measure.scoring == "nps":
        return -100.0, 100.0
    from rucher.pilots.questionnaire import RANGES

    low, high = RANGES.get(measure.kind, (0, 10))
    return float(low), float(high)


def measure_label(measure: ObjectiveMeasure) -> str:
    if measure.kind == MeasureKind.KPI:
        spec = kpi_spec(measure.kpi_key)
        return str(spec.label) if spec else measure.kpi_key
    survey = survey_measures().get(measure.survey_measure)
    return str(survey.label) if survey else measure.survey_measure


def measure_unit(measure: ObjectiveMeasure) -> str:
    if measure.kind == MeasureKind.KPI:
        spec = kpi_spec(measure.kpi_key)
        return spec.unit if spec else ""
    return "score"


def format_measure_value(value: float | None, unit: str) -> str:
    from rucher.analytics.selectors import format_value

    if unit == "score":
        if value is None:
            return str(_("no data"))
        from django.utils.formats import number_format

        return number_format(round(value, 1), 1)
    return format_value(value, unit)


# ---------------------------------------------------------------- the pilot


def pilot_community_ids(pilot: Pilot) -> list[int]:
    return list(pilot.pilot_communities.values_list("community_id", flat=True))


def months_between(start: datetime.date, end: datetime.date) -> float:
    return ((end - start).days + 1) / 30.44


def duration_guidance(start: datetime.date, end: datetime.date) -> str | None:
    """A warning (not an error) when the pilot is shorter than 3 or longer than 6 months."""
    months = months_between(start, end)
    if months < MIN_MONTHS - 0.05:
        return _(
            "This pilot lasts about %(months)s months. Under 3 months, usage has not settled "
            "and business effects cannot show yet: the evaluation will mostly see novelty."
        ) % {"months": _months(months)}
    if months > MAX_MONTHS + 0.05:
        return _(
            "This pilot lasts about %(months)s months. Beyond 6 months a pilot drifts into "
            "an unplanned deployment: consider deciding at 6 months and measuring on."
        ) % {"months": _months(months)}
    return None


def _months(months: float) -> str:
    from django.utils.formats import number_format

    return number_format(round(months, 1), 1)


@dataclass
class IndexGroup:
    status: str
    label: str
    pilots: list[Any]  # annotated with community_count and beta_count


def pilot_index(viewer: User) -> list[IndexGroup]:
    """The pilots ``viewer`` may see, grouped by status (running first)."""
    pilots = list(
        policy.pilots_visible_to(viewer).annotate(
            community_count=Count("pilot_communities", distinct=True),
            beta_count=Count("beta_users", distinct=True),
        )
    )
    order = [PilotStatus.RUNNING, PilotStatus.PLANNED, PilotStatus.CLOSED, PilotStatus.DECIDED]
    groups = []
    for status in order:
        members = [pilot for pilot in pilots if pilot.status == status]
        if members:
            groups.append(IndexGroup(status, str(PilotStatus(status).label), members))
    return groups


def status_actions(pilot: Pilot) -> list[tuple[str, str]]:
    """(status, button label) of the status changes offered on the overview."""
    from rucher.pilots.services import TRANSITIONS

    labels: dict[str, Any] = {
        PilotStatus.RUNNING: (
            gettext_lazy("Reopen the pilot")
            if pilot.status == PilotStatus.CLOSED
            else gettext_lazy("Start the pilot")
        ),
        PilotStatus.CLOSED: gettext_lazy("Close the pilot"),
    }
    return [(status, str(labels[status])) for status in TRANSITIONS[pilot.status]]


@dataclass
class ScopeCounts:
    communities: int
    beta_users: int
    comparison_groups: int
    objectives: int
    measures: int


def scope_counts(pilot: Pilot) -> ScopeCounts:
    return ScopeCounts(
        communities=pilot.pilot_communities.count(),
        beta_users=pilot.beta_users.count(),
        comparison_groups=pilot.comparison_groups.count(),
        objectives=pilot.objectives.count(),
        measures=ObjectiveMeasure.objects.filter(objective__pilot=pilot).count(),
    )


def pilot_communities(pilot: Pilot, viewer: User) -> list[Any]:
    """The pilot communities ``viewer`` may see the part of, with their reasons."""
    visible = policy.visible_community_ids(viewer, pilot)
    entries = pilot.pilot_communities.select_related("community", "community__kind")
    if visible is not None:
        entries = entries.filter(community_id__in=visible)
    return list(entries)


def beta_users(pilot: Pilot) -> list[Any]:
    return list(pilot.beta_users.select_related("user", "user__profile", "user__profile__org_unit"))


def comparison_groups(pilot: Pilot) -> list[Any]:
    return list(pilot.comparison_groups.select_related("community", "org_unit"))


def beta_users_in_comparison_communities(pilot: Pilot) -> int:
    """Beta users who are also current members of a comparison community. Allowed (people
    belong to several communities), but the page says so: they answer surveys in the pilot
    arm, and their activity counts on both sides of the comparison."""
    from rucher.communities.models import Membership

    community_ids = pilot.comparison_groups.filter(community__isnull=False).values("community_id")
    return (
        Membership.objects.current()
        .filter(community_id__in=community_ids, user_id__in=pilot.beta_users.values("user_id"))
        .values("user_id")
        .distinct()
        .count()
    )


# ---------------------------------------------------------------- baselines and progress


def _kpi(
    measure: ObjectiveMeasure, communities: list[int], start: datetime.date, end: datetime.date
) -> Any:
    """The KPI view (privacy threshold applied) over the communities, or None if unknown."""
    from rucher.analytics import selectors as analytics

    if kpi_spec(measure.kpi_key) is None or not communities or end < start:
        return None
    scope = analytics.make_scope(communities)
    return analytics.kpi(measure.kpi_key, scope, start, end, window=measure.kpi_window)


def _survey_samples(pilot: Pilot, key: str) -> dict[tuple[str, str], list[float]]:
    try:
        from rucher.pilots.surveys import measure_samples
    except ImportError:  # the surveys part is not installed yet
        return {}
    return measure_samples(pilot, key)


def _survey_value(key: str, scores: list[float]) -> float | None:
    measure = survey_measures().get(key)
    if measure is None or not scores:
        return None
    return measure.aggregate(scores).estimate


def measure_baseline(
    pilot: Pilot, measure: ObjectiveMeasure, communities: list[int] | None = None
) -> float | None:
    """The baseline: the KPI over the baseline period for the pilot communities (None = no
    data, too few people, or the period has not passed yet); for a survey measure the pilot
    arm's score in the baseline wave."""
    if measure.kind == MeasureKind.SURVEY:
        samples = _survey_samples(pilot, measure.survey_measure)
        return _survey_value(measure.survey_measure, samples.get(("baseline", "pilot"), []))
    if measure.baseline_start is None or measure.baseline_end is None:
        return None
    if measure.baseline_end >= today():
        return None  # not over yet: measured when the pilot starts
    ids = pilot_community_ids(pilot) if communities is None else communities
    view = _kpi(measure, ids, measure.baseline_start, measure.baseline_end)
    return view.value if view is not None else None


@dataclass
class MeasureProgress:
    measure: ObjectiveMeasure
    label: str
    unit: str
    window: int | None
    baseline: float | None
    current: float | None
    current_period: tuple[datetime.date, datetime.date] | None
    target: float
    target_date: datetime.date
    share: float | None  # of the way from the baseline to the target (may leave 0..1)
    expected: float | None  # share of the time from the start to the target date elapsed
    status: str  # reached, on_track, behind, no_data, not_started, hidden
    note: str = ""
    suppressed: bool = False

    @property
    def baseline_display(self) -> str:
        return format_measure_value(self.baseline, self.unit)

    @property
    def current_display(self) -> str:
        return format_measure_value(self.current, self.unit)

    @property
    def target_display(self) -> str:
        return format_measure_value(self.target, self.unit)

    @property
    def bar_percent(self) -> int:
        """Width of the progress bar (0 to 100)."""
        if self.share is None:
            return 0
        return round(max(0.0, min(1.0, self.share)) * 100)

    @property
    def expected_percent(self) -> int | None:
        if self.expected is None:
            return None
        return round(max(0.0, min(1.0, self.expected)) * 100)

    @property
    def expected_step(self) -> int | None:
        """``expected_percent`` rounded to 5 (the page's CSS classes: no inline styles)."""
        percent = self.expected_percent
        return None if percent is None else 5 * round(percent / 5)

    @property
    def window_label(self) -> str:
        if self.window is None:
            return ""
        return _("over %(days)d days") % {"days": self.window}

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


STATUS_LABELS = {
    "reached": gettext_lazy("Target reached"),
    "on_track": gettext_lazy("On track"),
    "behind": gettext_lazy("Behind"),
    "no_data": gettext_lazy("No data"),
    "not_started": gettext_lazy("Not started"),
    "hidden": gettext_lazy("Not published"),
}


@dataclass
class ObjectiveProgress:
    objective: Objective
    measures: list[MeasureProgress] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The objective's summary: reached when all measures are, behind if one is."""
        states = {m.status for m in self.measures}
        if "behind" in states:
            return "behind"
        if states == {"reached"}:
            return "reached"
        if states & {"on_track", "reached"}:
            return "on_track"
        for state in ("not_started", "hidden"):
            if state in states:
                return state
        return "no_data"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))


def _share(baseline: float | None, current: float | None, target: float, up: bool) -> float | None:
    if baseline is None or current is None:
        return None
    gap = target - baseline
    if gap == 0:
        return 1.0 if (current >= target if up else current <= target) else 0.0
    return (current - baseline) / gap


def _reached(current: float | None, target: float, up: bool) -> bool:
    return current is not None and (current >= target if up else current <= target)


def measure_progress(
    pilot: Pilot, measure: ObjectiveMeasure, viewer: User | None = None
) -> MeasureProgress:
    """Baseline, value now, target and how far along, for ``viewer`` (animators: their part)."""
    visible = policy.visible_community_ids(viewer, pilot) if viewer is not None else None
    now = today()
    up = measure.direction == "up"
    unit = measure_unit(measure)
    label = measure_label(measure)
    progress = MeasureProgress(
        measure=measure,
        label=label,
        unit=unit,
        window=measure.kpi_window,
        baseline=measure.baseline_value,
        current=None,
        current_period=None,
        target=measure.target_value,
        target_date=measure.target_date,
        share=None,
        expected=None,
        status="no_data",
    )
    span = (measure.target_date - pilot.start_date).days
    if span > 0:
        progress.expected = (now - pilot.start_date).days / span
    if measure.kind == MeasureKind.SURVEY:
        if visible is not None:
            progress.status = "hidden"
            progress.baseline = None
            progress.note = _("Survey results are shown once the pilot team publishes them.")
            return progress
        samples = _survey_samples(pilot, measure.survey_measure)
        for wave in WAVE_ORDER:
            value = _survey_value(measure.survey_measure, samples.get((wave, "pilot"), []))
            if value is not None:
                progress.current = value
                break
        if progress.baseline is None:
            progress.baseline = _survey_value(
                measure.survey_measure, samples.get(("baseline", "pilot"), [])
            )
        if progress.current is None:
            progress.note = _("No survey wave after the baseline has enough answers yet.")
    else:
        communities = pilot_community_ids(pilot)
        if visible is not None:
            communities = [pk for pk in communities if pk in visible]
            # Their own part: the baseline too is theirs, not the whole pilot's.
            progress.baseline = measure_baseline(pilot, measure, communities)
        if now <= pilot.start_date:
            progress.status = "not_started"
            progress.note = _("The pilot has not started: progress shows from its first day.")
            return progress
        end = min(pilot.end_date, now - DAY)
        view = _kpi(measure, communities, pilot.start_date, end)
        if view is not None:
            progress.current = view.value
            progress.current_period = (view.start, view.end)
            progress.suppressed = view.suppressed
            if view.suppressed:
                progress.note = _("Fewer people than the minimum group size: not shown.")
    if progress.baseline is None and measure.kind == MeasureKind.KPI and not progress.note:
        progress.note = _("No baseline: there was no activity to measure before the start.")
    progress.share = _share(progress.baseline, progress.current, measure.target_value, up)
    if _reached(progress.current, measure.target_value, up):
        progress.status = "reached"
    elif progress.share is None:
        progress.status = "no_data"
    elif progress.expected is None or progress.share >= min(progress.expected, 1.0):
        progress.status = "on_track"
    else:
        progress.status = "behind"
    return progress


def objective_progress(pilot: Pilot, viewer: User | None = None) -> list[ObjectiveProgress]:
    """Every objective with the progress of each of its measures (see ``measure_progress``)."""
    objectives = pilot.objectives.prefetch_related(
        Prefetch("measures", queryset=ObjectiveMeasure.objects.order_by("id"))
    )
    return [
        ObjectiveProgress(
            objective=objective,
            measures=[measure_progress(pilot, m, viewer) for m in objective.measures.all()],
        )
        for objective in objectives
    ]
