"""The figures the evaluation rests on, read from the analytics rollups: which units are
compared, over which days, and each unit's KPI readings.

Nothing here judges anything: ``evaluation.py`` turns these panels into effects, checks and
verdicts. Everything is computed over complete days (the pilot period ends yesterday at the
latest), so a reading taken today stays true all day — which is what makes the daily cache
of ``evaluation.py`` sound.

- **Units**: each pilot community (``Scope.community``) is one unit of the pilot arm; each
  comparison group is one unit of the comparison arm — a community, or an org unit with its
  subtree (``Scope(org_unit_id=...)``: its people's activity anywhere on the network).
- **Blocks**: readings are taken on four-week blocks (28 days). The pre-period is as long
  as the pilot in whole blocks, at least 2 (the parallel-trends check needs two) and at most
  6 (about six months), ending the day before the start. The pilot period is read in whole
  blocks ending on its last complete day; days left over at the very start (the launch) are
  not read. A pilot that has run for less than four weeks is read as one short block.
- **Windows**: a KPI read on a window shorter than the block (a 7-day contributor rate)
  is the mean of the whole windows that tile the block, ending on its last day.
- **Weeks**: a rolling reading of the four weeks ending each week, counted back from the
  last complete day (every week up to 12 weeks, every other week up to 24, then every
  fourth week), for the weekly chart and the novelty check. Rolling readings stay on
  the same scale as the blocks (a weekly contributor rate would be lower than a four-week
  one), at the price of lagging by up to three weeks.
- **Privacy**: a reading resting on fewer people than the minimum group size is dropped
  (no data), as on the analytics pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from rucher.analytics import kpis
from rucher.analytics.kpis import KPIS
from rucher.analytics.periods import Period, Scope
from rucher.analytics.privacy import min_group_size
from rucher.pilots.checks import today
from rucher.pilots.models import Pilot

DAY = datetime.timedelta(days=1)
BLOCK_DAYS = 28
MIN_PRE_BLOCKS = 2
MAX_PRE_BLOCKS = 6
MAX_WEEKLY_POINTS = 12

PILOT = "pilot"
COMPARISON = "comparison"


# ---------------------------------------------------------------- days


@dataclass(frozen=True)
class Timeline:
    pre: Period
    pre_blocks: tuple[Period, ...]
    during: Period | None  # None: the pilot has no complete day yet
    during_blocks: tuple[Period, ...]
    week_ends: tuple[datetime.date, ...]  # oldest first
    short: bool = False  # the pilot has run for fewer than four weeks

    @property
    def pilot_days(self) -> int:
        return self.during.days if self.during else 0


def history_start() -> datetime.date | None:
    """The first day the analytics rollups hold any community activity for (CommunityDay:
    far fewer rows than PersonDay)."""
    from django.db.models import Min

    from rucher.analytics.models import CommunityDay

    first: datetime.date | None = CommunityDay.objects.aggregate(first=Min("day"))["first"]
    return first


def timeline(pilot: Pilot, *, on: datetime.date | None = None) -> Timeline:
    """The pre-period, its blocks, the pilot period so far, its blocks and week ends."""
    on = on or today()
    length = (pilot.end_date - pilot.start_date).days + 1
    blocks = min(MAX_PRE_BLOCKS, max(MIN_PRE_BLOCKS, round(length / BLOCK_DAYS)))
    pre_end = pilot.start_date - DAY
    # Not before the history begins (a young network, an import of a few months): blocks
    # without a day of data would only leave the trend check without figures.
    first = history_start()
    if first is not None and first <= pre_end:
        available = ((pre_end - first).days + 1) // BLOCK_DAYS
        blocks = min(blocks, max(MIN_PRE_BLOCKS, available))
    pre_blocks = tuple(
        Period(
            pre_end - datetime.timedelta(days=BLOCK_DAYS * (i + 1) - 1),
            pre_end - datetime.timedelta(days=BLOCK_DAYS * i),
        )
        for i in reversed(range(blocks))
    )
    pre = Period(pre_blocks[0].start, pre_end)
    last = min(pilot.end_date, on - DAY)
    if last < pilot.start_date:
        return Timeline(pre, pre_blocks, None, (), ())
    during = Period(pilot.start_date, last)
    whole = during.days // BLOCK_DAYS
    if whole == 0:
        during_blocks: tuple[Period, ...] = (during,)
    else:
        during_blocks = tuple(
            Period(
                last - datetime.timedelta(days=BLOCK_DAYS * (i + 1) - 1),
                last - datetime.timedelta(days=BLOCK_DAYS * i),
            )
            for i in reversed(range(whole))
        )
    weeks = during.days // 7
    # Every week up to 12 weeks, every other week up to 24, then every fourth: a reading
    # costs a few queries per unit and measure. Steps of 1, 2 and 4 weeks keep the block
    # ends among the week ends (their readings are shared).
    step = 1 if weeks <= MAX_WEEKLY_POINTS else (2 if weeks <= 2 * MAX_WEEKLY_POINTS else 4)
    week_ends = tuple(
        last - datetime.timedelta(days=7 * i) for i in reversed(range(0, weeks, step))
    )
    return Timeline(pre, pre_blocks, during, during_blocks, week_ends, short=whole == 0)


def rolling(end: datetime.date) -> Period:
    """The four weeks ending on ``end``."""
    return Period(end - datetime.timedelta(days=BLOCK_DAYS - 1), end)


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class Unit:
    arm: str  # PILOT or COMPARISON
    kind: str  # "community" or "org_unit"
    id: int
    name: str

    @property
    def scope(self) -> Scope:
        if self.kind == "community":
            return Scope.community(self.id)
        return Scope(org_unit_id=self.id)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def units(pilot: Pilot) -> list[Unit]:
    """The pilot communities, then the comparison groups, in a stable order."""
    found = [
        Unit(PILOT, "community", pc.community_id, pc.community.name)
        for pc in pilot.pilot_communities.select_related("community").order_by(
            "community__name", "id"
        )
    ]
    for group in pilot.comparison_groups.select_related("community", "org_unit").order_by("id"):
        if group.community is not None:
            found.append(Unit(COMPARISON, "community", group.community.pk, group.community.name))
        elif group.org_unit is not None:
            found.append(Unit(COMPARISON, "org_unit", group.org_unit.pk, group.org_unit.name))
    return found


def other_communities(pilot: Pilot, *, on: datetime.date) -> frozenset[int]:
    """Every community not in the pilot that existed (not archived) on ``on``: the naive
    "everyone else"."""
    from rucher.communities.models import Community

    pilot_ids = pilot.pilot_communities.values("community_id")
    end = timezone.make_aware(datetime.datetime.combine(on + DAY, datetime.time.min))
    return frozenset(
        Community.objects.exclude(pk__in=pilot_ids)
        .filter(created_at__lt=end)
        .exclude(archived_at__lt=end)
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------- readings


def kpi_window(key: str, window: int | None) -> int | None:
    """The window a KPI is read with on a block: the measure's, else the KPI's default;
    None for KPIs that cover the whole period."""
    spec = KPIS[key]
    if not spec.windows:
        return None
    chosen = window if window in spec.windows else spec.default_window
    return min(chosen or BLOCK_DAYS, BLOCK_DAYS)


def reading(key: str, scope: Scope, period: Period, window: int | None) -> float | None:
    """One KPI value, or None for no data and for a group under the minimum size."""
    value = kpis.compute(key, scope, period, window=window)
    if value.value is None or value.group_size < min_group_size():
        return None
    return float(value.value)


@dataclass
class Panel:
    """One KPI's readings for every unit: per pre block, per pilot block, per week end."""

    key: str
    window: int | None
    units: list[Unit]
    pre: dict[str, list[float | None]] = field(default_factory=dict)
    during: dict[str, list[float | None]] = field(default_factory=dict)
    weekly: dict[str, list[float | None]] = field(default_factory=dict)
    others_after: float | None = None  # every non-pilot community together, pilot blocks

    def arm(self, arm: str) -> list[Unit]:
        return [unit for unit in self.units if unit.arm == arm]

    def before(self, unit: Unit) -> float | None:
        return _mean(self.pre.get(unit.key, []))

    def after(self, unit: Unit) -> float | None:
        return _mean(self.during.get(unit.key, []))


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def window_ends(block: Period, window: int | None) -> list[datetime.date]:
    """The last days of the windows a block is read on, latest first.

    A window as long as the block (or none) is one reading. A shorter one tiles the block
    backwards from its end, as many whole windows as fit: a 7-day KPI on a four-week block is
    the mean of its four weeks, not its last week alone (one week in four would widen the
    intervals and let a single quiet week pass for a trend)."""
    if window is None or window >= block.days:
        return [block.end]
    count = block.days // window
    return [block.end - datetime.timedelta(days=window * i) for i in range(count)]


class _Readings:
    """One unit's readings of one KPI, each window read once (the weekly series and the
    pilot blocks end on the same days)."""

    def __init__(self, key: str, scope: Scope, window: int | None) -> None:
        self.key, self.scope, self.window = key, scope, window
        self._by_end: dict[datetime.date, float | None] = {}

    def rolling(self, end: datetime.date) -> float | None:
        if end not in self._by_end:
            self._by_end[end] = reading(self.key, self.scope, rolling(end), self.window)
        return self._by_end[end]

    def block(self, block: Period) -> float | None:
        if block.days != BLOCK_DAYS:  # the short block of a young pilot: read as it is
            return reading(self.key, self.scope, block, self.window)
        return _mean([self.rolling(end) for end in window_ends(block, self.window)])


def panel(
    pilot: Pilot,
    key: str,
    window: int | None,
    line: Timeline,
    found: list[Unit],
    others: frozenset[int],
) -> Panel:
    """Read ``key`` for every unit over the blocks and weeks of ``line``."""
    read_window = kpi_window(key, window)
    result = Panel(key=key, window=read_window, units=found)
    for unit in found:
        readings = _Readings(key, unit.scope, read_window)
        result.pre[unit.key] = [readings.block(b) for b in line.pre_blocks]
        if line.during is None:
            continue
        result.weekly[unit.key] = [readings.rolling(end) for end in line.week_ends]
        result.during[unit.key] = [readings.block(b) for b in line.during_blocks]
    if line.during is not None and others:
        everyone_else = _Readings(key, Scope(communities=others), read_window)
        result.others_after = _mean([everyone_else.block(b) for b in line.during_blocks])
    return result


# ---------------------------------------------------------------- other figures


def contributions(community_ids: set[int], period: Period) -> int:
    """Contributions (posts, comments, reactions, votes) in those communities over the days."""
    from rucher.analytics.models import PersonDay

    total = PersonDay.objects.filter(
        community_id__in=community_ids, day__gte=period.start, day__lte=period.end
    ).aggregate(total=Sum("contributions"))["total"]
    return int(total or 0)


def has_activity(community_ids: set[int], period: Period) -> bool:
    """Whether anyone read or wrote in those communities over the days (presence on the
    platform outside them does not count)."""
    from django.db.models import Q

    from rucher.analytics.models import PersonDay

    return PersonDay.objects.filter(
        Q(reached=True) | Q(contributions__gt=0),
        community_id__in=community_ids,
        day__gte=period.start,
        day__lte=period.end,
    ).exists()


def stages_at(community_ids: list[int], day: datetime.date) -> dict[int, str]:
    """Each community's lifecycle stage in force on ``day`` (the latest week computed up to
    then); communities without a computed week are left out."""
    from rucher.analytics.models import StageHistory

    stages: dict[int, str] = {}
    rows = (
        StageHistory.objects.filter(community_id__in=community_ids, week_start__lte=day)
        .order_by("community_id", "-week_start")
        .values_list("community_id", "stage")
    )
    for community_id, stage in rows:
        stages.setdefault(int(community_id), stage)
    return stages
