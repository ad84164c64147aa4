"""The decision on a pilot and the deployment waves that follow it, each wave measured.

- The decision (go, adjust, stop) is recorded once the pilot is closed and makes it
  "decided". It can be corrected until the pilot's results are published: after that the
  report people read rests on it (unpublish the results to correct it).
- A deployment wave says which org units and communities get the network, when, with what
  support. After a "stop" decision there is nothing to deploy.
- ``wave_measurement`` reads the pilot's objective KPIs over each part of a wave's scope, as
  long before the wave's start as since it, beside the pilot's projection at the deployment
  support level (``evaluation.evaluate``), so that planned and actual can be compared.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rucher.core import events
from rucher.core.errors import Conflict, NotFound
from rucher.pilots import checks, policy
from rucher.pilots.models import (
    Decision,
    DecisionOutcome,
    DeploymentWave,
    MeasureKind,
    ObjectiveMeasure,
    Pilot,
    PilotStatus,
)
from rucher.pilots.support import parse_hours

if TYPE_CHECKING:
    from rucher.accounts.models import User

logger = logging.getLogger(__name__)

RATIONALE_MAX = 10_000
DECIDED_BY_MAX = 200
WAVE_NAME_MAX = 160
NOTES_MAX = 5_000
MAX_WAVE_HOURS = Decimal("10000")
# The default KPIs when no objective names one: the same set the evaluation falls back on.
DEFAULT_KPIS = (
    ("contributor_rate", 28),
    ("reach", 28),
    ("response_rate", None),
    ("organic_share", None),
    ("cross_department_share", None),
)
# The "before" reading of a wave never reaches further back than about six months.
MAX_BEFORE_DAYS = 182

_UNSET: Any = object()


def _is_date(value: Any) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _manager_pilot(actor: User, pilot_id: int) -> Pilot:
    pilot = policy.access_pilot(user=actor, pilot_id=pilot_id)
    policy.require_manage(actor, pilot)
    return Pilot.objects.select_for_update().get(pk=pilot.pk)


# ---- decision -------------------------------------------------------------------------


def decision_of(pilot: Pilot) -> Decision | None:
    try:
        return pilot.decision
    except Decision.DoesNotExist:
        return None


def decision_blocker(pilot: Pilot) -> str | None:
    """Why the decision cannot be recorded or changed now, or None when it can."""
    if pilot.status in (PilotStatus.PLANNED, PilotStatus.RUNNING):
        return _("Close the pilot before recording its decision.")
    if pilot.status == PilotStatus.DECIDED and pilot.results_published_at is not None:
        return _("The results are published with this decision: unpublish them to correct it.")
    return None


@transaction.atomic
def decision_record(
    *,
    actor: User,
    pilot_id: int,
    outcome: str,
    rationale: str,
    decided_by: str,
    decided_on: datetime.date,
) -> Decision:
    """Record (or correct) the decision on a closed pilot; the pilot becomes "decided"."""
    pilot = _manager_pilot(actor, pilot_id)
    blocker = decision_blocker(pilot)
    if blocker:
        raise Conflict(blocker)
    problems: dict[str, list[str]] = {}
    if outcome not in DecisionOutcome.values:
        problems["outcome"] = [_("Choose go, adjust or stop.")]
    rationale_text = checks.collect_text(
        problems, "rationale", rationale, RATIONALE_MAX, _("Say why this was decided.")
    )
    by = checks.collect_text(
        problems,
        "decided_by",
        decided_by,
        DECIDED_BY_MAX,
        _("Say who decided (a steering committee, a person)."),
    )
    if not _is_date(decided_on):
        problems["decided_on"] = [_("Enter the date of the decision.")]
    elif decided_on > checks.today():
        problems["decided_on"] = [_("The decision date cannot be in the future.")]
    elif decided_on < pilot.start_date:
        problems["decided_on"] = [_("The decision cannot come before the pilot started.")]
    checks.raise_problems(problems)
    decision = decision_of(pilot)
    verb = "pilot.decision_updated" if decision is not None else "pilot.decided"
    if decision is None:
        decision = Decision(pilot=pilot, recorded_by=actor)
    decision.outcome = outcome
    decision.rationale = rationale_text
    decision.decided_by = by
    decision.decided_on = decided_on
    decision.recorded_by = actor
    decision.save()
    previous = pilot.status
    if previous != PilotStatus.DECIDED:
        pilot.status = PilotStatus.DECIDED
        pilot.save(update_fields=["status", "updated_at"])
    events.record(
        actor=actor,
        verb=verb,
        target=pilot,
        payload={"pilot_id": pilot.pk, "outcome": outcome, "previous_status": previous},
    )
    return decision


# ---- waves ----------------------------------------------------------------------------


def _ids(problems: dict[str, list[str]], name: str, values: Any) -> list[int]:
    try:
        return sorted({int(value) for value in (values or [])})
    except (TypeError, ValueError):
        problems[name] = [_("Not a valid choice.")]
        return []


def _check_wave(
    actor: User, pilot: Pilot, values: dict[str, Any], kept: frozenset[int] = frozenset()
) -> dict[str, Any]:
    """Validated wave fields. ``kept``: communities already in the wave, allowed even if the
    actor no longer sees them (they were checked when added)."""
    from django.db.models import Q

    from rucher.accounts.models import OrgUnit
    from rucher.communities.models import Community

    problems: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    clean["name"] = checks.collect_text(
        problems, "name", values["name"], WAVE_NAME_MAX, _("Give the wave a name.")
    )
    start, end = values["start_date"], values["end_date"]
    if not _is_date(start):
        problems["start_date"] = [_("Enter the day the wave starts.")]
    if end is not None and end != "" and not _is_date(end):
        problems["end_date"] = [_("Enter a valid end date, or leave it empty.")]
    elif _is_date(start) and _is_date(end) and end < start:
        problems["end_date"] = [_("The wave must end after it starts.")]
    clean["start_date"] = start
    clean["end_date"] = end if _is_date(end) else None
    try:
        clean["support_hours"] = parse_hours(
            values["support_hours"], limit=MAX_WAVE_HOURS, allow_zero=True
        )
    except ValueError as error:
        problems["support_hours"] = [str(error)]
    unit_ids = _ids(problems, "org_unit_ids", values["org_unit_ids"])
    units = list(OrgUnit.objects.filter(pk__in=unit_ids))
    if len(units) != len(unit_ids):
        problems["org_unit_ids"] = [_("One of the org units does not exist.")]
    community_ids = _ids(problems, "community_ids", values["community_ids"])
    visible = Community.objects.visible_to(actor).filter(archived_at__isnull=True)
    communities = list(
        Community.objects.filter(
            Q(pk__in=visible.filter(pk__in=community_ids).values("pk"))
            | Q(pk__in=[pk for pk in community_ids if pk in kept])
        )
    )
    if len(communities) != len(community_ids):
        problems["community_ids"] = [
            _("One of the communities does not exist, is archived or is out of your sight.")
        ]
    if not unit_ids and not community_ids and "org_unit_ids" not in problems:
        problems["org_unit_ids"] = [_("A wave needs at least one org unit or community.")]
    clean["notes"] = checks.collect_text(problems, "notes", values["notes"], NOTES_MAX)
    checks.raise_problems(problems)
    clean["org_units"] = units
    clean["communities"] = communities
    return clean


def _not_stopped(pilot: Pilot) -> None:
    decision = decision_of(pilot)
    if decision is not None and decision.outcome == DecisionOutcome.STOP:
        raise Conflict(_("The decision was to stop: there is no deployment to plan."))


def _wave_payload(wave: DeploymentWave) -> dict[str, Any]:
    return {
        "pilot_id": wave.pilot_id,
        "name": wave.name,
        "start_date": wave.start_date.isoformat(),
        "support_hours": str(wave.support_hours),
    }


@transaction.atomic
def wave_create(
    *,
    actor: User,
    pilot_id: int,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    support_hours: Any,
    org_unit_ids: Any = (),
    community_ids: Any = (),
    notes: str = "",
) -> DeploymentWave:
    pilot = _manager_pilot(actor, pilot_id)
    _not_stopped(pilot)
    clean = _check_wave(
        actor,
        pilot,
        {
            "name": name,
            "start_date": start_date,
            "end_date": end_date,
            "support_hours": support_hours,
            "org_unit_ids": org_unit_ids,
            "community_ids": community_ids,
            "notes": notes,
        },
    )
    units, communities = clean.pop("org_units"), clean.pop("communities")
    last = pilot.waves.aggregate(n=Max("position"))["n"]
    wave = DeploymentWave.objects.create(
        pilot=pilot, position=0 if last is None else last + 1, **clean
    )
    wave.org_units.set(units)
    wave.communities.set(communities)
    events.record(actor=actor, verb="pilot.wave_created", target=wave, payload=_wave_payload(wave))
    return wave


def _access_wave(actor: User, wave_id: int) -> DeploymentWave:
    try:
        wave = DeploymentWave.objects.get(pk=wave_id)
    except (DeploymentWave.DoesNotExist, ValueError, TypeError):
        raise NotFound("deployment wave") from None
    wave.pilot = _manager_pilot(actor, wave.pilot_id)
    return wave


@transaction.atomic
def wave_update(
    *,
    actor: User,
    wave_id: int,
    name: str = _UNSET,
    start_date: datetime.date = _UNSET,
    end_date: datetime.date | None = _UNSET,
    support_hours: Any = _UNSET,
    org_unit_ids: Any = _UNSET,
    community_ids: Any = _UNSET,
    notes: str = _UNSET,
) -> DeploymentWave:
    """Change a wave; fields left out keep their value. Communities already in the wave stay
    allowed even if the actor no longer sees them."""
    wave = _access_wave(actor, wave_id)
    kept = frozenset(wave.communities.values_list("pk", flat=True))
    current: dict[str, Any] = {
        "name": wave.name,
        "start_date": wave.start_date,
        "end_date": wave.end_date,
        "support_hours": wave.support_hours,
        "org_unit_ids": list(wave.org_units.values_list("pk", flat=True)),
        "community_ids": sorted(kept),
        "notes": wave.notes,
    }
    given = {
        "name": name,
        "start_date": start_date,
        "end_date": end_date,
        "support_hours": support_hours,
        "org_unit_ids": org_unit_ids,
        "community_ids": community_ids,
        "notes": notes,
    }
    merged = {key: current[key] if value is _UNSET else value for key, value in given.items()}
    clean = _check_wave(actor, wave.pilot, merged, kept=kept)
    units, communities = clean.pop("org_units"), clean.pop("communities")
    for key, value in clean.items():
        setattr(wave, key, value)
    wave.save()
    wave.org_units.set(units)
    wave.communities.set(communities)
    events.record(actor=actor, verb="pilot.wave_updated", target=wave, payload=_wave_payload(wave))
    return wave


@transaction.atomic
def wave_delete(*, actor: User, wave_id: int) -> None:
    wave = _access_wave(actor, wave_id)
    events.record(actor=actor, verb="pilot.wave_deleted", target=wave, payload=_wave_payload(wave))
    wave.delete()


# ---- measurement ----------------------------------------------------------------------


@dataclass
class PartReading:
    """One KPI over one part of the wave's scope (its communities, or one org unit)."""

    label: str
    before: float | None
    since: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.since is None:
            return None
        return self.since - self.before


@dataclass
class MeasureReading:
    key: str  # "kpi:<key>:<window>", the evaluation's key for the same measure
    kpi_key: str
    label: str
    unit: str
    window: int | None
    parts: list[PartReading]
    # The pilot's projected effect at the deployment support level (an evaluation Interval:
    # estimate, low, high), or None when the evaluation has none for this KPI.
    projection: Any = None
    projection_reliable: bool | None = None


@dataclass
class WaveMeasurement:
    wave: DeploymentWave
    started: bool
    before: tuple[datetime.date, datetime.date] | None
    since: tuple[datetime.date, datetime.date] | None
    measures: list[MeasureReading]
    deployment_level: float  # the pilot's parameter the projection is read at
    notes: list[str] = field(default_factory=list)
    from_objectives: bool = True  # False: the default KPI set (no objective names a KPI)


def wave_kpis(pilot: Pilot) -> tuple[list[tuple[str, int | None]], bool]:
    """The (KPI, window) pairs the pilot's objectives measure, else the default set."""
    from rucher.analytics.kpis import KPIS

    pairs = list(
        dict.fromkeys(
            (measure.kpi_key, measure.kpi_window)
            for measure in ObjectiveMeasure.objects.filter(
                objective__pilot=pilot, kind=MeasureKind.KPI
            ).order_by("objective__position", "objective_id", "id")
            if measure.kpi_key in KPIS
        )
    )
    if pairs:
        return pairs, True
    return [(key, window) for key, window in DEFAULT_KPIS if key in KPIS], False


def projections(pilot: Pilot, viewer: User | None = None) -> tuple[dict[str, Any], str | None]:
    """Projection per measure key from the pilot's evaluation (cached per pilot and day by
    ``evaluation.evaluate``), and a note when there is none. Pass it to ``wave_measurement``
    when measuring several waves of one pilot."""
    try:
        from rucher.pilots import evaluation
    except ImportError:
        return {}, _("The pilot's evaluation is not available yet: no projection to compare.")
    try:
        result = evaluation.evaluate(pilot, viewer=viewer)
    except Exception:  # a failing evaluation must not take the deployment plan down with it
        logger.exception("evaluation of pilot %s failed", pilot.pk)
        return {}, _("The pilot's projection could not be computed; the wave's figures stand.")
    found = {}
    for measure in getattr(result, "measures", []) or []:
        projection = getattr(measure, "projection", None)
        if projection is not None:
            found[measure.key] = projection
    return found, None


def _parts(wave: DeploymentWave, viewer: User | None) -> tuple[list[tuple[str, Any]], int]:
    """The scope parts of a wave: its communities together, then each org unit; and how many
    communities were left out because ``viewer`` may not see them."""
    from rucher.analytics.periods import Scope
    from rucher.communities.models import Community

    ids = set(wave.communities.values_list("pk", flat=True))
    hidden = 0
    if viewer is not None:
        seen = set(
            Community.objects.visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True)
        )
        hidden = len(ids - seen)
        ids = seen
    parts: list[tuple[str, Any]] = []
    if ids:
        parts.append((_("The wave's communities"), Scope(communities=frozenset(ids))))
    for unit in wave.org_units.order_by("path"):
        parts.append((unit.name, Scope(org_unit_id=unit.pk)))
    return parts, hidden


def wave_measurement(
    wave: DeploymentWave,
    viewer: User | None = None,
    *,
    today: datetime.date | None = None,
    projected: tuple[dict[str, Any], str | None] | None = None,
) -> WaveMeasurement:
    """The pilot's KPIs over the wave's scope since its start (and as long before it), beside
    the pilot's projection at the deployment support level.

    Readings go through the evaluation's reader (``evaluation_data.reading``): a reading that
    rests on fewer people than the minimum group size is no data, as everywhere else.
    """
    from rucher.analytics.kpis import KPIS
    from rucher.analytics.periods import Period
    from rucher.pilots.evaluation_data import kpi_window, reading

    pilot = wave.pilot
    today = today or checks.today()
    last = today - datetime.timedelta(days=1)
    if wave.end_date is not None:
        last = min(last, wave.end_date)
    pairs, from_objectives = wave_kpis(pilot)
    notes: list[str] = []
    level = float(pilot.deployment_support_hours)
    if float(wave.support_hours) != level:
        notes.append(
            _(
                "This wave has %(wave)s hours of support per community per month; the pilot's "
                "projection is read at %(level)s hours."
            )
            % {"wave": f"{float(wave.support_hours):g}", "level": f"{level:g}"}
        )
    if not from_objectives:
        notes.append(
            _("No objective of the pilot names a KPI: the wave is measured on the default set.")
        )
    if last < wave.start_date:
        return WaveMeasurement(
            wave=wave,
            started=False,
            before=None,
            since=None,
            measures=[],
            deployment_level=level,
            notes=[
                _("The wave has not started yet (or has no complete day): nothing to measure."),
                *notes,
            ],
            from_objectives=from_objectives,
        )
    since = Period(wave.start_date, last)
    length = min((last - wave.start_date).days + 1, MAX_BEFORE_DAYS)
    before_end = wave.start_date - datetime.timedelta(days=1)
    before = Period(before_end - datetime.timedelta(days=length - 1), before_end)
    parts, hidden = _parts(wave, viewer)
    if hidden:
        notes.append(
            _("%(n)s of the wave's communities are out of your sight and not counted here.")
            % {"n": hidden}
        )
    found, missing = projected if projected is not None else projections(pilot, viewer)
    if missing:
        notes.append(missing)
    measures = []
    for key, window in pairs:
        spec = KPIS[key]
        read_window = kpi_window(key, window)
        readings = [
            PartReading(
                label=label,
                before=reading(key, scope, before, read_window),
                since=reading(key, scope, since, read_window),
            )
            for label, scope in parts
        ]
        measure_key = f"kpi:{key}:{window if window is not None else ''}".rstrip(":")
        projection = found.get(measure_key) or next(
            (p for k, p in found.items() if k.split(":")[:2] == ["kpi", key]), None
        )
        measures.append(
            MeasureReading(
                key=measure_key,
                kpi_key=key,
                label=str(spec.label),
                unit=spec.unit,
                window=read_window,
                parts=readings,
                projection=getattr(projection, "at_deployment", None),
                projection_reliable=getattr(projection, "reliable", None),
            )
        )
    return WaveMeasurement(
        wave=wave,
        started=True,
        before=(before.start, before.end),
        since=(since.start, since.end),
        measures=measures,
        deployment_level=level,
        notes=notes,
        from_objectives=from_objectives,
    )


def waves_of(pilot: Pilot) -> list[DeploymentWave]:
    return list(
        pilot.waves.prefetch_related("org_units", "communities", "adjustments").order_by(
            "position", "start_date", "id"
        )
    )
