"""The evaluation of a pilot: for each measure, pilot against comparison, before against
after, the difference in differences with its interval, the checks (parallel trends,
novelty), the projection at the deployment support level and a verdict; the five biases;
the support-normalised view.

``evaluate(pilot)`` computes it from the analytics rollups (``evaluation_data``), the
support log (``support``) and the anonymous survey scores (``surveys.measure_samples``). It
stores nothing; the result is cached per pilot and day (see ``_cache_key``) so that the
evaluation page, the API and the steering report share one computation. Access is the
caller's business: pages, API and report call ``policy.require_results`` first.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rucher.analytics.kpis import KPIS
from rucher.analytics.periods import Period, Scope
from rucher.pilots import biases as bias_rules
from rucher.pilots import checks, verdicts
from rucher.pilots import evaluation_data as data
from rucher.pilots.biases import Bias
from rucher.pilots.models import MeasureKind, ObjectiveMeasure, Pilot

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.pilots.stats import Interval, NoveltyCheck, Projection, TrendCheck

# Measured for every pilot, beside the KPIs its objectives name.
DEFAULT_KPIS = (
    "contributor_rate",
    "reach",
    "response_rate",
    "organic_share",
    "cross_department_share",
)
CACHE_SECONDS = 26 * 3600  # a day, and the key changes with the day anyway
CACHE_VERSION = 1


@dataclass
class MeasureResult:
    key: str  # "kpi:contributor_rate:28" or "survey:umux_lite"
    label: str
    kind: str  # "kpi" | "survey"
    unit: str  # "ratio" | "count" | "hours" | "days" | "index" | "score"
    pilot_before: float | None
    pilot_after: float | None
    comparison_before: float | None
    comparison_after: float | None
    naive_gap: float | None  # pilot after − all non-pilot communities after (the naive view)
    effect: Interval | None  # difference in differences with its interval
    trends: TrendCheck | None
    novelty: NoveltyCheck | None
    projection: Projection | None
    weekly: list[tuple[datetime.date, float | None, float | None]]  # pilot, comparison
    verdict: str = ""
    notes: list[str] = field(default_factory=list)
    direction: str = "up"  # "down": lower is better
    description: str = ""
    unit_label: str = ""  # survey measures: "score from 0 to 100"...
    objectives: list[str] = field(default_factory=list)  # titles of the objectives naming it
    others_after: float | None = None  # all non-pilot communities together, during the pilot
    pilot_units: int = 0  # units with a figure before and during
    comparison_units: int = 0
    pilot_units_left_out: int = 0
    comparison_units_left_out: int = 0
    before_label: str = ""  # what "before" and "after" cover, in words
    after_label: str = ""

    @property
    def has_data(self) -> bool:
        return any(
            v is not None
            for v in (
                self.pilot_before,
                self.pilot_after,
                self.comparison_before,
                self.comparison_after,
            )
        )

    @property
    def dom_id(self) -> str:
        return "measure-" + self.key.replace(":", "-").replace("_", "-")


@dataclass
class Evaluation:
    pilot: Pilot
    pre: Period
    during: Period | None  # None: no complete day of the pilot yet
    measures: list[MeasureResult]
    biases: list[Bias]
    # total_hours, months, per_community_month (pilot), deployment_level, ratio, communities
    # [{"id", "name", "hours", "per_month"}]
    support: dict[str, Any]
    # organic_share and staff_first_responses (pilot and comparison communities), contributions,
    # support_hours, contributions_per_hour
    organic: dict[str, Any]
    warnings: list[str]
    has_data: bool
    computed_on: datetime.date | None = None
    pilot_communities: int = 0
    comparison_groups: int = 0
    pre_blocks: int = 0
    weeks: int = 0

    def measure(self, key: str) -> MeasureResult | None:
        return next((m for m in self.measures if m.key == key), None)


# ---------------------------------------------------------------- which measures


@dataclass(frozen=True)
class _Wanted:
    kind: str
    key: str  # KPI key or survey measure key
    window: int | None
    direction: str
    objectives: tuple[str, ...]


def _wanted(pilot: Pilot, *, surveys_present: bool) -> list[_Wanted]:
    """The objectives' measures (first, in order), then the default KPIs they do not name,
    then the survey measures with answers that no objective names."""
    found: dict[tuple[str, str, int | None], _Wanted] = {}
    for measure in ObjectiveMeasure.objects.filter(objective__pilot=pilot).select_related(
        "objective"
    ):
        if measure.kind == MeasureKind.KPI:
            if measure.kpi_key not in KPIS:
                continue  # a KPI retired since; the objectives page says so
            ident = ("kpi", measure.kpi_key, data.kpi_window(measure.kpi_key, measure.kpi_window))
        else:
            ident = ("survey", measure.survey_measure, None)
        previous = found.get(ident)
        titles = (previous.objectives if previous else ()) + (measure.objective.title,)
        found[ident] = _Wanted(ident[0], ident[1], ident[2], measure.direction, titles)
    named_kpis = {key for kind, key, _w in found if kind == "kpi"}
    for key in DEFAULT_KPIS:
        if key not in named_kpis:
            ident = ("kpi", key, data.kpi_window(key, None))
            found[ident] = _Wanted("kpi", key, ident[2], "up", ())
    if surveys_present:
        from rucher.pilots.questionnaire import MEASURES

        for key in MEASURES:
            ident = ("survey", key, None)
            found.setdefault(ident, _Wanted("survey", key, None, "up", ()))
    return list(found.values())


# ---------------------------------------------------------------- KPI measures


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _kpi_key(key: str, window: int | None) -> str:
    return f"kpi:{key}:{window}" if window else f"kpi:{key}"


def _kpi_label(key: str, window: int | None) -> str:
    label = str(KPIS[key].label)
    if window:
        return _("%(label)s (%(days)d days)") % {"label": label, "days": window}
    return label


def _kpi_measure(
    wanted: _Wanted,
    pilot: Pilot,
    line: data.Timeline,
    found: list[data.Unit],
    others: frozenset[int],
    hours: dict[int, float],
    *,
    resamples: int,
    seed: int,
) -> MeasureResult:
    import numpy as np

    from rucher.pilots import stats

    spec = KPIS[wanted.key]
    panel = data.panel(pilot, wanted.key, wanted.window, line, found, others)
    pilot_arm, comparison_arm = panel.arm(data.PILOT), panel.arm(data.COMPARISON)

    def pairs(arm: list[data.Unit]) -> list[tuple[data.Unit, float | None, float | None]]:
        return [(u, panel.before(u), panel.after(u)) for u in arm]

    pilot_pairs, comparison_pairs = pairs(pilot_arm), pairs(comparison_arm)

    def arm_levels(rows: list[tuple[data.Unit, float | None, float | None]]):
        complete = [(b, a) for _u, b, a in rows if b is not None and a is not None]
        if complete:  # the units the effect rests on: the figures add up to it
            return (
                _mean([b for b, _a in complete]),
                _mean([a for _b, a in complete]),
                len(complete),
            )
        befores = [b for _u, b, _a in rows if b is not None]
        afters = [a for _u, _b, a in rows if a is not None]
        return _mean(befores), _mean(afters), 0

    pilot_before, pilot_after, pilot_n = arm_levels(pilot_pairs)
    comparison_before, comparison_after, comparison_n = arm_levels(comparison_pairs)

    effect: Interval | None = None
    trends: TrendCheck | None = None
    novelty: NoveltyCheck | None = None
    projection: Projection | None = None
    weekly: list[tuple[datetime.date, float | None, float | None]] = []
    if line.during is not None:
        for index, end in enumerate(line.week_ends):
            pilot_week = _mean(
                [v for u in pilot_arm if (v := panel.weekly[u.key][index]) is not None]
            )
            comparison_week = _mean(
                [v for u in comparison_arm if (v := panel.weekly[u.key][index]) is not None]
            )
            weekly.append((end, pilot_week, comparison_week))
    if comparison_arm and pilot_arm:
        effect = stats.did_interval(
            np.array([[_nan(b), _nan(a)] for _u, b, a in pilot_pairs], dtype=float),
            np.array([[_nan(b), _nan(a)] for _u, b, a in comparison_pairs], dtype=float),
            resamples=resamples,
            seed=seed,
        )
        trends = stats.parallel_trends(
            np.array([[_nan(v) for v in panel.pre[u.key]] for u in pilot_arm], dtype=float),
            np.array([[_nan(v) for v in panel.pre[u.key]] for u in comparison_arm], dtype=float),
            resamples=resamples,
            seed=seed,
        )
        if weekly and pilot_before is not None and comparison_before is not None:
            effects = []
            for end, p, c in weekly:
                week = ((end - pilot.start_date).days + 1) // 7
                value = (
                    None if p is None or c is None else (p - pilot_before) - (c - comparison_before)
                )
                effects.append((week, value))
            novelty = stats.novelty(effects)
        comparison_changes = [
            a - b for _u, b, a in comparison_pairs if b is not None and a is not None
        ]
        if comparison_changes and hours:
            baseline_change = sum(comparison_changes) / len(comparison_changes)
            unit_effects: list[float | None] = []
            unit_hours: list[float | None] = []
            for unit, b, a in pilot_pairs:
                unit_effects.append(None if b is None or a is None else (a - b) - baseline_change)
                unit_hours.append(hours.get(unit.id))
            projection = stats.support_projection(
                unit_effects,
                unit_hours,
                float(pilot.deployment_support_hours),
                resamples=resamples,
                seed=seed,
            )
    naive = (
        pilot_after - panel.others_after
        if pilot_after is not None and panel.others_after is not None
        else None
    )
    window_words = (
        _("%(days)d-day windows") % {"days": panel.window} if panel.window else _("whole blocks")
    )
    result = MeasureResult(
        key=_kpi_key(wanted.key, wanted.window),
        label=_kpi_label(wanted.key, wanted.window),
        kind="kpi",
        unit=spec.unit,
        pilot_before=pilot_before,
        pilot_after=pilot_after,
        comparison_before=comparison_before,
        comparison_after=comparison_after,
        naive_gap=naive,
        effect=effect,
        trends=trends,
        novelty=novelty,
        projection=projection,
        weekly=weekly,
        direction=wanted.direction,
        description=str(spec.definition),
        objectives=list(wanted.objectives),
        others_after=panel.others_after,
        pilot_units=pilot_n,
        comparison_units=comparison_n,
        pilot_units_left_out=len(pilot_arm) - pilot_n if pilot_n else 0,
        comparison_units_left_out=len(comparison_arm) - comparison_n if comparison_n else 0,
        before_label=_("Mean of the %(blocks)d four-week blocks before the start (%(windows)s).")
        % {"blocks": len(line.pre_blocks), "windows": window_words},
        after_label=_("Mean of the %(blocks)d four-week blocks of the pilot so far.")
        % {"blocks": len(line.during_blocks)}
        if not line.short
        else _("The pilot so far (fewer than four weeks)."),
    )
    return result


# ---------------------------------------------------------------- survey measures


def _samples(pilot: Pilot, key: str) -> dict[tuple[str, str], list[float]] | None:
    """The survey scores per (wave kind, arm), or None when the survey module cannot give
    them (not installed in this build)."""
    try:
        from rucher.pilots.surveys import measure_samples
    except ImportError:
        return None
    raw = measure_samples(pilot, key)
    return {(str(kind), str(arm)): list(values) for (kind, arm), values in raw.items()}


def _statistic(values: list[float], statistic: str) -> float | None:
    if not values:
        return None
    if statistic == "nps":
        return 100.0 * (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / len(values)
    if statistic == "median":
        ordered = sorted(values)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return sum(values) / len(values)


def _survey_measure(
    wanted: _Wanted, pilot: Pilot, *, resamples: int, seed: int
) -> MeasureResult | None:
    from rucher.pilots import stats
    from rucher.pilots.questionnaire import MEASURES

    definition = MEASURES.get(wanted.key)
    samples = _samples(pilot, wanted.key)
    if definition is None or samples is None:
        return None
    statistic = definition.statistic

    def group(kind: str, arm: str) -> list[float]:
        return samples.get((kind, arm), [])

    before_kind = "baseline"
    after_kind = next(
        (kind for kind in ("end", "mid") if group(kind, "pilot") or group(kind, "comparison")),
        "end",
    )
    groups = (
        group(before_kind, "pilot"),
        group(after_kind, "pilot"),
        group(before_kind, "comparison"),
        group(after_kind, "comparison"),
    )
    if not any(groups) and not wanted.objectives:
        return None  # a measure nobody asked about and nobody answered: not listed
    effect = None
    if all(groups):
        effect = stats.did_unpaired(*groups, statistic=statistic, resamples=resamples, seed=seed)
    wave_labels = {"baseline": _("baseline wave"), "mid": _("mid-pilot wave"), "end": _("end wave")}
    return MeasureResult(
        key=f"survey:{wanted.key}",
        label=str(definition.label),
        kind="survey",
        unit="score",
        pilot_before=_statistic(groups[0], statistic),
        pilot_after=_statistic(groups[1], statistic),
        comparison_before=_statistic(groups[2], statistic),
        comparison_after=_statistic(groups[3], statistic),
        naive_gap=None,
        effect=effect,
        trends=None,
        novelty=None,
        projection=None,
        weekly=[],
        direction=wanted.direction,
        description=str(definition.description),
        unit_label=str(definition.unit),
        objectives=list(wanted.objectives),
        pilot_units=len(groups[0]) + len(groups[1]),
        comparison_units=len(groups[2]) + len(groups[3]),
        before_label=_("Answers to the %(wave)s.") % {"wave": wave_labels[before_kind]},
        after_label=_("Answers to the %(wave)s.") % {"wave": wave_labels[after_kind]},
    )


# ---------------------------------------------------------------- support and organic


def _support(pilot: Pilot, line: data.Timeline) -> tuple[dict[str, Any], dict[int, float]]:
    from rucher.pilots import support

    on = line.during.end if line.during else pilot.start_date - datetime.timedelta(days=1)
    intensity = support.support_intensity(pilot, today=on)

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    rows: list[dict[str, Any]] = [
        {
            "id": row.community_id,
            "name": row.name,
            "hours": float(row.hours + row.shared_hours),
            "per_month": number(row.hours_per_month),
        }
        for row in intensity.rows
        if row.in_pilot and row.community_id is not None
    ]
    info = {
        "total_hours": float(intensity.total_hours),
        "months": number(intensity.months),
        "per_community_month": number(intensity.mean_per_community_month),
        "deployment_level": float(intensity.deployment_level),
        "ratio": intensity.ratio_to_deployment,
        "communities": rows,
    }
    hours: dict[int, float] = {
        int(row["id"]): float(row["per_month"]) for row in rows if row["per_month"] is not None
    }
    return info, hours


def _organic(found: list[data.Unit], line: data.Timeline, support_hours: float) -> dict[str, Any]:
    pilot_ids = frozenset(u.id for u in found if u.arm == data.PILOT)
    comparison_ids = frozenset(
        u.id for u in found if u.arm == data.COMPARISON and u.kind == "community"
    )
    result: dict[str, Any] = {
        "organic_share": None,
        "comparison_organic_share": None,
        "staff_first_responses": None,
        "comparison_staff_first_responses": None,
        "contributions": None,
        "support_hours": support_hours,
        "contributions_per_hour": None,
    }
    during = line.during
    if during is None or not pilot_ids:
        return result

    def staff(ids: frozenset[int]) -> float | None:
        organic = data.reading("organic_first_responses", Scope(communities=ids), during, None)
        return None if organic is None else 1 - organic

    result["organic_share"] = data.reading(
        "organic_share", Scope(communities=pilot_ids), during, None
    )
    result["staff_first_responses"] = staff(pilot_ids)
    if comparison_ids:
        result["comparison_organic_share"] = data.reading(
            "organic_share", Scope(communities=comparison_ids), during, None
        )
        result["comparison_staff_first_responses"] = staff(comparison_ids)
    contributions = data.contributions(set(pilot_ids), during)
    result["contributions"] = contributions
    if support_hours > 0:
        result["contributions_per_hour"] = contributions / support_hours
    return result


def _leaders(found: list[data.Unit], line: data.Timeline) -> tuple[float | None, float | None]:
    """Managers' participation during the pilot, mean over the units of each arm."""
    if line.during is None:
        return None, None
    last = data.rolling(line.during.end) if not line.short else line.during

    def arm_mean(arm: str) -> float | None:
        values = [
            v
            for u in found
            if u.arm == arm
            and (
                v := data.reading(
                    "leader_participation",
                    u.scope,
                    last,
                    data.kpi_window("leader_participation", None),
                )
            )
            is not None
        ]
        return _mean(values)

    return arm_mean(data.PILOT), arm_mean(data.COMPARISON)


# ---------------------------------------------------------------- the whole


def _compute(pilot: Pilot, *, on: datetime.date, resamples: int, seed: int) -> Evaluation:
    line = data.timeline(pilot, on=on)
    found = data.units(pilot)
    pilot_units = [u for u in found if u.arm == data.PILOT]
    comparison_units = [u for u in found if u.arm == data.COMPARISON]
    support_info, hours = _support(pilot, line)
    surveys_present = pilot.surveys.exists()
    measures: list[MeasureResult] = []
    others = data.other_communities(pilot, on=line.during.end) if line.during else frozenset()
    read = Period(line.pre.start, line.during.end if line.during else line.pre.end)
    # Without any activity in the pilot communities every rate is 0 or None: saying "no
    # data" is truer than a row of zeros with empty intervals (and spares the queries).
    active = bool(pilot_units) and data.has_activity({u.id for u in pilot_units}, read)
    for wanted in _wanted(pilot, surveys_present=surveys_present):
        if wanted.kind == "kpi":
            if not active:
                continue
            result = _kpi_measure(
                wanted, pilot, line, found, others, hours, resamples=resamples, seed=seed
            )
        else:
            maybe = _survey_measure(wanted, pilot, resamples=resamples, seed=seed)
            if maybe is None:
                continue
            result = maybe
        result.verdict = verdicts.verdict(
            result, deployment_support=float(pilot.deployment_support_hours)
        )
        result.notes = verdicts.notes(result)
        measures.append(result)

    warnings: list[str] = []
    if not pilot_units:
        warnings.append(_("The pilot has no community yet: there is nothing to evaluate."))
    if not comparison_units:
        warnings.append(
            _(
                "The pilot has no comparison group: changes cannot be told apart from what "
                "happened everywhere. Add comparison groups on the scope page."
            )
        )
    if line.during is None:
        warnings.append(
            _("The pilot has not run a complete day yet: only the figures before the start show.")
        )
    elif line.short:
        warnings.append(
            _(
                "The pilot has run for fewer than four weeks: the figures during the pilot "
                "cover %(days)d days only."
            )
            % {"days": line.during.days}
        )
    survey_wanted = [w for w in _wanted(pilot, surveys_present=False) if w.kind == "survey"]
    if survey_wanted and _samples(pilot, survey_wanted[0].key) is None:
        warnings.append(_("No survey data: the survey results are not available."))
    has_data = any(m.has_data for m in measures)
    if pilot_units and not active:
        warnings.append(
            _(
                "No activity recorded in the pilot communities from %(start)s to %(end)s: the "
                "evaluation has no data yet."
            )
            % {"start": date_format(read.start), "end": date_format(read.end)}
        )

    pilot_stage = Counter(data.stages_at([u.id for u in pilot_units], pilot.start_date).values())
    comparison_stage = Counter(
        data.stages_at(
            [u.id for u in comparison_units if u.kind == "community"], pilot.start_date
        ).values()
    )
    reasons = Counter(pilot.pilot_communities.values_list("reason", flat=True))
    bias_list = [
        bias_rules.selection(reasons, measures, bool(comparison_units)),
        bias_rules.support(support_info, measures),
        bias_rules.duration(pilot.start_date, pilot.end_date, line.pilot_days, measures),
        bias_rules.maturity(pilot_stage, comparison_stage, reasons.get("mature", 0)),
        bias_rules.management(_leaders(found, line), measures),
    ]
    return Evaluation(
        pilot=pilot,
        pre=line.pre,
        during=line.during,
        measures=measures,
        biases=bias_list,
        support=support_info,
        organic=_organic(found, line, support_info["total_hours"]),
        warnings=warnings,
        has_data=has_data,
        computed_on=on,
        pilot_communities=len(pilot_units),
        comparison_groups=len(comparison_units),
        pre_blocks=len(line.pre_blocks),
        weeks=len(line.week_ends),
    )


def _fingerprint(pilot: Pilot) -> str:
    """What the evaluation depends on besides the day: the pilot's settings, scope,
    objectives, support log and survey answers, the privacy threshold and KPI settings.
    Any change through the services changes it, so the cache never serves a stale scope."""
    from rucher.analytics.models import AnalyticsConfig
    from rucher.pilots.models import SupportEntry, SurveyResponse

    config = AnalyticsConfig.current()
    parts: list[Any] = [
        pilot.pk,
        pilot.start_date,
        pilot.end_date,
        pilot.deployment_support_hours,
        pilot.updated_at,
        sorted(pilot.pilot_communities.values_list("community_id", "reason")),
        sorted(pilot.comparison_groups.values_list("id", "community_id", "org_unit_id")),
        list(
            ObjectiveMeasure.objects.filter(objective__pilot=pilot)
            .order_by("id")
            .values_list(
                "id",
                "kind",
                "kpi_key",
                "kpi_window",
                "survey_measure",
                "direction",
                "objective__title",
            )
        ),
        list(
            SupportEntry.objects.filter(pilot=pilot)
            .order_by("id")
            .values_list("id", "community_id", "day", "hours")
        ),
        list(
            SurveyResponse.objects.filter(wave__survey__pilot=pilot)
            .order_by("-id")
            .values_list("id", flat=True)[:1]
        ),
        SurveyResponse.objects.filter(wave__survey__pilot=pilot).count(),
        config.min_group_size,
        config.lifecycle_thresholds,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cache_key(pilot: Pilot, *, on: datetime.date, resamples: int, seed: int) -> str:
    language = get_language() or "en"
    return (
        f"pilots:evaluation:v{CACHE_VERSION}:{pilot.pk}:{on.isoformat()}:{language}:"
        f"{resamples}:{seed}:{_fingerprint(pilot)}"
    )


def evaluate(
    pilot: Pilot,
    *,
    viewer: User | None = None,
    resamples: int = 2000,
    seed: int = 0,
    fresh: bool = False,
) -> Evaluation:
    """The pilot's evaluation as of today (complete days), from the cache when it was
    computed today for the same pilot state and language; ``fresh`` recomputes it.

    ``viewer`` is not used to filter: the evaluation is whole or not shown at all (callers
    check ``policy.require_results``); it is accepted so callers can pass who asks."""
    on = checks.today()
    key = cache_key(pilot, on=on, resamples=resamples, seed=seed)
    if not fresh:
        cached = cache.get(key)
        if isinstance(cached, Evaluation):
            cached.pilot = pilot
            return cached
    result = _compute(pilot, on=on, resamples=resamples, seed=seed)
    cache.set(key, result, CACHE_SECONDS)
    return result


def warm_cache() -> int:
    """Compute today's evaluation of every running or recently closed pilot in each
    language, where it is not cached yet, so that the first visitor of the day does not wait
    for it (a big pilot takes seconds to minutes). Returns how many were computed."""
    from django.conf import settings
    from django.utils import translation

    from rucher.pilots.models import PilotStatus

    on = checks.today()
    recent = on - datetime.timedelta(days=92)
    pilots = Pilot.objects.filter(status=PilotStatus.RUNNING) | Pilot.objects.filter(
        status__in=(PilotStatus.CLOSED, PilotStatus.DECIDED), end_date__gte=recent
    )
    computed = 0
    for pilot in pilots.order_by("id"):
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                key = cache_key(pilot, on=on, resamples=2000, seed=0)
                if cache.get(key) is None:
                    evaluate(pilot)
                    computed += 1
    return computed
