"""The KPIs of ``shared/reference/measurement.md``, read from the rollups only.

Every function is ``kpi_<name>(scope, period, *, window=...) -> KpiValue``. ``docs/analytics.md``
states each formula exactly as implemented here; keep the two in step.

Vocabulary (see the docs for the details):

- **members of the scope on day d** (``population``): for communities, the people with a
  ``MembershipSpan`` of one of them covering d (guests included) who are active on d (a
  ``PersonRoleSpan`` covers d); for the organisation, the internal active people on d (a
  ``PersonRoleSpan`` covering d whose role is not ``guest``); an org unit keeps those whose
  unit on d (``PersonUnit``) is in its subtree.
- **rows of the scope**: ``PersonDay`` rows of the scope's communities (all rows, presence and
  profile activity included, for the organisation), restricted to the people of the org unit
  on the window's last day when an org unit is given. For *reach* in a community scope the
  members' platform presence (rows without community) counts too: reading is not recorded
  per community, and a member who came to the platform had the community in their feed.
- **reached** = a row with ``reached`` or ``contributions > 0``; **contributing** = a row
  with ``contributions > 0``; **active** (conversion, cohort retention, churn) = reached in
  a row of the scope (without the presence rule above).
- **staff** on day d in community c: an owner or animator span of c covering d, or a global
  role span in ``staff_global_roles`` (the ESN project team and administrators) covering d.
- **window**: the ``window`` days ending on the period's last day; None = the whole period.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rucher.analytics.arrays import contained, count_distinct, distinct, distinct_with_positions
from rucher.analytics.betweenness import betweenness
from rucher.analytics.models import (
    AnalyticsConfig,
    CommunityDay,
    FirstInteraction,
    Interaction,
    MembershipSpan,
    PersonDay,
    PersonRoleSpan,
    PersonUnit,
    Thread,
)
from rucher.analytics.periods import Period, Scope

DAY = datetime.timedelta(days=1)

# Thresholds of the KPIs (the lifecycle's are in lifecycle.py). An administrator may override
# any of them in ``AnalyticsConfig.lifecycle_thresholds`` (one JSON object for both).
KPI_DEFAULTS: dict[str, Any] = {
    "habitual_min_days": 10,  # Workplace "engaged": active on >= 10 of the last 28 days
    "mau_days": 28,  # the "month" of DAU / MAU (stickiness)
    "response_hours": 48,  # response rate: a reply within 48 h
    "response_excluded_types": ["announcement"],  # posts that do not ask for a reply
    "top_share": 0.10,  # participation profile: share of contributions by the top 10 %
    "half_share": 0.50,  # absence / elephant factors: the smallest group making >= 50 %
    "broker_top_share": 0.10,  # brokers: top decile of betweenness...
    "broker_min_units": 2,  # ...whose ties span >= 2 org units
    "betweenness_exact_max_nodes": 500,  # above: estimated from k pivots (seed 0)
    "betweenness_sample": 100,
    "silent_days": 28,  # vitality: a community without a post for 28 days is silent
    "no_post_alert_days": 7,  # alert: no post for 7 days
    "unanswered_alert_hours": 48,  # alert: a question without a reply for 48 h
    "staff_global_roles": ["project_team", "admin"],
}

MANAGING_ROLES = ("owner", "animator")


# Reads that several KPIs of one page make alike (each person's org unit on a day, a window's
# distinct edges): inside ``shared_reads()`` each is made once for the page, outside it every
# call reads afresh. Never across requests: the rollups move on.
_SHARED: ContextVar[dict[Any, Any] | None] = ContextVar("analytics_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _once[T](key: Any, read: Callable[[], T]) -> T:
    """``read()``, or what it returned for ``key`` earlier in the same ``shared_reads()``."""
    memo = _SHARED.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    result: T = memo[key]
    return result


def thresholds() -> dict[str, Any]:
    """The KPI thresholds: defaults overridden by the administrator's settings."""
    overrides = AnalyticsConfig.current().lifecycle_thresholds or {}
    return {key: overrides.get(key, default) for key, default in KPI_DEFAULTS.items()}


@dataclass(frozen=True)
class KpiValue:
    """One KPI over one scope and period.

    ``value`` None means "no data" (never a fake 0). ``numerator`` ÷ ``denominator`` =
    ``value`` for ratios; for counts, medians and factors see ``docs/analytics.md``.
    ``window``: days ending on the period's end (None = the whole period); ``start``/``end``:
    the days actually read. ``group_size``: the people the figure rests on (privacy).
    ``parts``: the sub-figures of multi-part KPIs (participation profile, vitality...).
    ``suppressed``: figures removed because ``group_size`` is below the minimum group size
    (set by ``privacy.suppress_kpi``, never by the KPI functions).
    """

    definition_key: str
    value: float | None
    numerator: float | None
    denominator: float | None
    window: int | None
    period: Period
    start: datetime.date
    end: datetime.date
    group_size: int
    parts: dict[str, Any] = field(default_factory=dict)
    suppressed: bool = False

    @property
    def has_data(self) -> bool:
        return self.value is not None


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


# --- building blocks -------------------------------------------------------------------


def _covers(start: str, end: str, day: datetime.date | Any) -> Q:
    """Half-open span ``start <= day < end`` (end None = open)."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def _subtree(org_unit_id: int) -> list[int]:
    from rucher.accounts.models import OrgUnit

    path = OrgUnit.objects.filter(pk=org_unit_id).values_list("path", flat=True).first()
    if path is None:
        return []
    return list(OrgUnit.objects.filter(path__startswith=path).values_list("pk", flat=True))


def _units_in_force(day: datetime.date) -> QuerySet[PersonUnit]:
    """The PersonUnit row of each person in force on ``day`` (greatest ``since`` <= day)."""
    latest = (
        PersonUnit.objects.filter(person_id=OuterRef("person_id"), since__lte=day)
        .order_by("-since")
        .values("since")[:1]
    )
    return PersonUnit.objects.filter(since__lte=day, since=Subquery(latest))


def _unit_people(org_unit_id: int, day: datetime.date) -> QuerySet:
    return _units_in_force(day).filter(org_unit_id__in=_subtree(org_unit_id)).values("person_id")


def units_on(day: datetime.date) -> dict[int, int | None]:
    """person id → org unit id on ``day`` (people without a PersonUnit row are absent).
    Shared within ``shared_reads()``: callers must not change it."""

    def read() -> dict[int, int | None]:
        units: dict[int, int | None] = {}
        rows = PersonUnit.objects.filter(since__lte=day).order_by("person_id", "since")
        for person_id, unit_id in rows.values_list("person_id", "org_unit_id"):
            units[person_id] = unit_id
        return units

    return _once(("units_on", day), read)


def _unit_of(ref: str, day: datetime.date) -> Subquery:
    return Subquery(
        PersonUnit.objects.filter(person_id=OuterRef(ref), since__lte=day)
        .order_by("-since")
        .values("org_unit_id")[:1]
    )


def _active_people(day: datetime.date) -> QuerySet:
    return PersonRoleSpan.objects.filter(_covers("since", "until", day)).values("person_id")


def population(scope: Scope, day: datetime.date) -> QuerySet:
    """The members of the scope on ``day``: a ``values("person_id")`` query (may repeat)."""
    qs: QuerySet
    if scope.communities is not None:
        qs = MembershipSpan.objects.filter(
            _covers("start", "end", day),
            community_id__in=scope.communities,
            person_id__in=_active_people(day),
        ).values("person_id")
    else:
        qs = (
            PersonRoleSpan.objects.filter(_covers("since", "until", day))
            .exclude(role="guest")
            .values("person_id")
        )
    if scope.org_unit_id is not None:
        qs = qs.filter(person_id__in=_unit_people(scope.org_unit_id, day))
    return qs


def _count_people(qs: QuerySet) -> int:
    return qs.values("person_id").distinct().count()


def _people(qs: QuerySet) -> set[int]:
    return set(qs.values_list("person_id", flat=True).distinct().order_by())


def _rows(
    scope: Scope, start: datetime.date, end: datetime.date, *, presence: bool = False
) -> QuerySet[PersonDay]:
    """PersonDay rows of the scope between two days (see the module docstring)."""
    qs = PersonDay.objects.filter(day__gte=start, day__lte=end)
    if scope.communities is not None:
        where = Q(community_id__in=scope.communities)
        if presence:
            where |= Q(community_id__isnull=True)
        qs = qs.filter(where)
    if scope.org_unit_id is not None:
        qs = qs.filter(person_id__in=_unit_people(scope.org_unit_id, end))
    return qs


REACHED = Q(reached=True) | Q(contributions__gt=0)
CONTRIBUTING = Q(contributions__gt=0)


def members(scope: Scope, day: datetime.date) -> set[int]:
    """The distinct members of the scope on ``day`` (``population``), as a set.
    Shared within ``shared_reads()``: callers must not change it."""
    return _once(("members", scope, day), lambda: _people(population(scope, day)))


@dataclass(frozen=True)
class WindowActivity:
    """Each person's rows of the scope between two days, summed in SQL (one row per person):
    the reads of reach, contribution, habit, churn and leaders all come from it.

    ``active_days``: distinct days with a *reached* row (``REACHED``), for the people with one;
    ``flagged_days``: distinct days with ``reached`` set, for the people with one;
    ``contributions``: the sum of ``contributions``, for the people with at least one.
    """

    active_days: dict[int, int]
    flagged_days: dict[int, int]
    contributions: dict[int, int]


def window_activity(
    scope: Scope, start: datetime.date, end: datetime.date, *, presence: bool = False
) -> WindowActivity:
    """``WindowActivity`` of ``_rows(scope, start, end, presence=presence)``.
    Shared within ``shared_reads()``: callers must not change it."""
    if scope.communities is None:
        presence = False  # without a community filter the presence rows are in anyway

    def read() -> WindowActivity:
        grouped = (
            _rows(scope, start, end, presence=presence)
            .values("person_id")
            .annotate(
                active=Count("day", distinct=True, filter=REACHED),
                flagged=Count("day", distinct=True, filter=Q(reached=True)),
                contributed=Sum("contributions", filter=CONTRIBUTING),
            )
            .order_by()
            .values_list("person_id", "active", "flagged", "contributed")
        )
        activity = WindowActivity({}, {}, {})
        for person, active, flagged, contributed in grouped:
            if active:
                activity.active_days[person] = active
            if flagged:
                activity.flagged_days[person] = flagged
            if contributed:
                activity.contributions[person] = contributed
        return activity

    return _once(("activity", scope, start, end, presence), read)


def _staff_on_row(day_ref: str = "day", person_ref: str = "person_id") -> Q:
    """A row's person is staff on its day in its community (see the module docstring)."""
    managing = MembershipSpan.objects.filter(
        community_id=OuterRef("community_id"),
        person_id=OuterRef(person_ref),
        role__in=MANAGING_ROLES,
        start__lte=OuterRef(day_ref),
    ).filter(Q(end__isnull=True) | Q(end__gt=OuterRef(day_ref)))
    team = PersonRoleSpan.objects.filter(
        person_id=OuterRef(person_ref),
        role__in=thresholds()["staff_global_roles"],
        since__lte=OuterRef(day_ref),
    ).filter(Q(until__isnull=True) | Q(until__gt=OuterRef(day_ref)))
    return Q(Exists(managing)) | Q(Exists(team))


class _StaffJudge:
    """``_staff_on_row`` in memory for rows between two days: the few staff spans that
    overlap them are read once (a look-up per row cost seconds on a large window)."""

    def __init__(self, scope: Scope, start: datetime.date, end: datetime.date) -> None:
        managing_spans = MembershipSpan.objects.filter(
            _overlapping("start", "end", start, end), role__in=MANAGING_ROLES
        )
        if scope.communities is not None:
            managing_spans = managing_spans.filter(community_id__in=scope.communities)
        team_spans = PersonRoleSpan.objects.filter(
            _overlapping("since", "until", start, end),
            role__in=thresholds()["staff_global_roles"],
        )
        self.candidates = Q(person_id__in=managing_spans.values("person_id")) | Q(
            person_id__in=team_spans.values("person_id")
        )
        self.managing: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]]
        self.managing = defaultdict(list)
        for community, person, since, until in managing_spans.values_list(
            "community_id", "person_id", "start", "end"
        ):
            self.managing[(community, person)].append((since, until))
        self.team: dict[int, list[tuple[datetime.date, datetime.date | None]]]
        self.team = defaultdict(list)
        for person, since, until in team_spans.values_list("person_id", "since", "until"):
            self.team[person].append((since, until))

    def __call__(self, person: int, community: int | None, day: datetime.date) -> bool:
        if person in self.team and _covered(self.team[person], day):
            return True
        key = (community, person) if community is not None else None
        return key in self.managing and _covered(self.managing[key], day)


def _overlapping(start_field: str, end_field: str, start: datetime.date, end: datetime.date) -> Q:
    """Half-open spans that cover at least one day of ``start`` … ``end``."""
    return Q(**{f"{start_field}__lte": end}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gt": start})
    )


def _covered(spans: list[tuple[datetime.date, datetime.date | None]], day: datetime.date) -> bool:
    return any(since <= day and (until is None or until > day) for since, until in spans)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _threads(
    scope: Scope,
    start: datetime.date,
    end: datetime.date,
    *,
    types: Iterable[str] | None = None,
    exclude_types: Iterable[str] = (),
) -> QuerySet[Thread]:
    """Posts of the scope created between two days, neither deleted nor hidden."""
    qs = Thread.objects.filter(
        created_at__gte=_start_of(start),
        created_at__lt=_start_of(end + DAY),
        deleted=False,
        hidden=False,
    )
    if types is not None:
        qs = qs.filter(type__in=list(types))
    if exclude_types:
        qs = qs.exclude(type__in=list(exclude_types))
    if scope.communities is not None:
        qs = qs.filter(community_id__in=scope.communities)
    if scope.org_unit_id is not None:
        qs = qs.filter(author_id__in=_unit_people(scope.org_unit_id, end))
    return qs


def _thread_authors(qs: QuerySet[Thread]) -> int:
    return qs.values("author_id").distinct().count()


def _interactions(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[Interaction]:
    qs = Interaction.objects.filter(day__gte=start, day__lte=end)
    if scope.communities is not None:
        qs = qs.filter(community_id__in=scope.communities)
    if scope.org_unit_id is not None:
        people = _unit_people(scope.org_unit_id, end)
        qs = qs.filter(Q(source_id__in=people) | Q(target_id__in=people))
    return qs


def _value(
    key: str,
    period: Period,
    window: int | None,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    group_size: int,
    parts: dict[str, Any] | None = None,
) -> KpiValue:
    start, end = period.window(window)
    return KpiValue(
        definition_key=key,
        value=value,
        numerator=numerator,
        denominator=denominator,
        window=window,
        period=period,
        start=start,
        end=end,
        group_size=group_size,
        parts=parts or {},
    )


# --- reach and contribution --------------------------------------------------------------


def _members_with(
    scope: Scope, period: Period, window: int | None, *, reached: bool, presence: bool
) -> tuple[int, int]:
    """(members with a reached row — or a contributing one — in the window, members)."""
    start, end = period.window(window)
    people = members(scope, end)
    activity = window_activity(scope, start, end, presence=presence)
    found = activity.active_days if reached else activity.contributions
    return len(people & found.keys()), len(people)


def kpi_reach(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """Members reached in the window ÷ members on its last day."""
    num, den = _members_with(scope, period, window, reached=True, presence=True)
    return _value("reach", period, window, _ratio(num, den), num, den, den)


def kpi_contribution(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """Members who contributed in the window (a count; ÷ members = contributor rate)."""
    num, den = _members_with(scope, period, window, reached=False, presence=False)
    return _value("contribution", period, window, float(num) if den else None, num, den, den)


def kpi_contributor_rate(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """Members who contributed in the window ÷ members on its last day."""
    num, den = _members_with(scope, period, window, reached=False, presence=False)
    return _value("contributor_rate", period, window, _ratio(num, den), num, den, den)


def kpi_habitual_users(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """Members reached on at least ``habitual_min_days`` distinct days of the window."""
    window = window or 28
    start, end = period.window(window)
    people = members(scope, end)
    den = len(people)
    minimum = thresholds()["habitual_min_days"]
    active_days = window_activity(scope, start, end, presence=True).active_days
    num = sum(1 for person, days in active_days.items() if days >= minimum and person in people)
    return _value("habitual_users", period, window, _ratio(num, den), num, den, den)


def kpi_stickiness(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Mean over the days d of the window (default: the period) of DAU(d) ÷ MAU(d).

    DAU(d): members (on the period's end) reached on d; MAU(d): reached on one of the
    ``mau_days`` days ending on d. Days with MAU = 0 are left out of the mean.
    One grouped read of each member's reached days (``_reached_days``), then DAU and MAU of
    every day with arrays.
    """
    mau = int(thresholds()["mau_days"])
    start, end = period.window(window)
    lo = start - datetime.timedelta(days=mau - 1)
    people = members(scope, end)
    reached = _reached_days(scope, lo, end, people)
    daily = reached.sum(axis=0)
    # Reached days so far per person; a person is in MAU(d) when the count grew in the
    # ``mau`` days ending on d.
    so_far = np.cumsum(reached, axis=1, dtype=np.int64)
    before = np.zeros_like(so_far)
    before[:, mau:] = so_far[:, :-mau]
    monthly = (so_far > before).sum(axis=0)
    first = (start - lo).days
    ratios = [
        dau / month
        for dau, month in zip(daily[first:].tolist(), monthly[first:].tolist(), strict=True)
        if month > 0
    ]
    group = len(people)
    if not ratios:
        return _value("stickiness", period, window, None, None, None, group)
    total = sum(ratios)
    return _value("stickiness", period, window, total / len(ratios), total, len(ratios), group)


# Days per integer of ``_reached_days``: bits 0..61 of a signed 64-bit sum.
_DAYS_PER_MASK = 62


def _reached_days(
    scope: Scope, lo: datetime.date, end: datetime.date, people: set[int]
) -> npt.NDArray[np.bool_]:
    """Whether each of ``people`` (in no set order) was reached on each day from ``lo`` to
    ``end`` (``_rows(presence=True)`` with ``REACHED``): one row per person, one column
    per day.

    Grouped in SQL by person, each reached day d as the bit 2^(d − lo) of a
    ``SUM(DISTINCT …)`` (rows of one day in several communities count once): a few
    thousand integers instead of every (person, day) row."""
    days = (end - lo).days + 1
    rows = _rows(scope, lo, end, presence=True).filter(REACHED).values("person_id", "day")
    inner, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    person, day = quote("person_id"), quote("day")
    if connection.vendor == "sqlite":
        offset, one = f"CAST(julianday({day}) - julianday(%s) AS INTEGER)", "1"
    else:
        offset, one = f"({day} - CAST(%s AS date))", "CAST(1 AS bigint)"
    bases = range(0, days, _DAYS_PER_MASK)
    masks = ", ".join(
        f"SUM(DISTINCT CASE WHEN day_offset BETWEEN {base} AND {base + _DAYS_PER_MASK - 1} "
        f"THEN {one} << (day_offset - {base}) END)"
        for base in bases
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {person}, {masks} FROM (SELECT {person}, {offset} AS day_offset "
            f"FROM ({inner}) reached) offsets GROUP BY {person}",
            (lo.isoformat(), *params),
        )
        # PostgreSQL sums bigints as numerics: ``int`` for both.
        found = [
            [int(mask or 0) for mask in person_masks]
            for person_id, *person_masks in cursor.fetchall()
            if person_id in people
        ]
    bits = np.arange(_DAYS_PER_MASK, dtype=np.int64)
    words = np.array(found, dtype=np.int64).reshape(len(found), len(bases))
    reached = ((words[:, :, np.newaxis] >> bits) & 1).astype(np.bool_)
    return reached.reshape(len(found), len(bases) * _DAYS_PER_MASK)[:, :days]


def _as_date(value: datetime.date | str) -> datetime.date:
    """A day read by raw SQL: a date, or SQLite's ISO text (no column type to convert it)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _contribution_totals(scope: Scope, start: datetime.date, end: datetime.date, members=None):
    rows = _rows(scope, start, end).filter(CONTRIBUTING)
    if members is not None:
        rows = rows.filter(person_id__in=members)
    return rows.values("person_id").annotate(total=Sum("contributions")).order_by("-total")


def kpi_participation_profile(
    scope: Scope, period: Period, *, window: int | None = None
) -> KpiValue:
    """Shares of members with 0, 1–2 and ≥ 3 contributions in the window; ``value`` = the
    share of the contributions made by the top 10 % of members (ceil(10 % of members))."""
    start, end = period.window(window)
    members = population(scope, end)
    count = _count_people(members)
    totals = _contribution_totals(scope, start, end, members)
    occasional = totals.filter(total__lte=2).count()
    regular = totals.filter(total__gte=3).count()
    all_contributions = (
        _rows(scope, start, end)
        .filter(CONTRIBUTING, person_id__in=members)
        .aggregate(n=Sum("contributions"))["n"]
        or 0
    )
    if not count:
        return _value("participation_profile", period, window, None, None, None, 0)
    top_n = math.ceil(thresholds()["top_share"] * count)
    top = sum(row["total"] for row in totals[:top_n])
    parts = {
        "none": (count - occasional - regular) / count,
        "occasional": occasional / count,
        "regular": regular / count,
        "top_share": _ratio(top, all_contributions),
        "top_people": top_n,
        "contributions": all_contributions,
        "members": count,
    }
    return _value(
        "participation_profile",
        period,
        window,
        _ratio(top, all_contributions),
        top,
        all_contributions,
        count,
        parts,
    )


def _smallest_half(totals: Iterable[float], half: float) -> tuple[int, float] | None:
    """The smallest k such that the k largest totals make >= ``half`` of the sum."""
    values = sorted((t for t in totals if t > 0), reverse=True)
    whole = sum(values)
    if not whole:
        return None
    running = 0.0
    for k, amount in enumerate(values, start=1):
        running += amount
        if running >= half * whole:
            return k, whole
    return len(values), whole  # pragma: no cover - the loop always returns


def kpi_contributor_absence_factor(
    scope: Scope, period: Period, *, window: int | None = None
) -> KpiValue:
    """Smallest k such that the k largest contributors of the scope made ≥ 50 % of its
    contributions in the window (CHAOSS; staff included)."""
    start, end = period.window(window)
    totals = [row["total"] for row in _contribution_totals(scope, start, end)]
    found = _smallest_half(totals, thresholds()["half_share"])
    if found is None:
        return _value("contributor_absence_factor", period, window, None, None, None, 0)
    k, whole = found
    return _value("contributor_absence_factor", period, window, k, k, whole, len(totals))


# --- staff and responses -----------------------------------------------------------------


def kpi_organic_share(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Contributions by organic people ÷ all contributions of the scope in the window."""
    start, end = period.window(window)
    rows = _rows(scope, start, end).filter(CONTRIBUTING)
    contributions = window_activity(scope, start, end).contributions
    total, people = sum(contributions.values()), len(contributions)
    # Only the rows of people with a staff span in the window need judging, in memory.
    judge = _StaffJudge(scope, start, end)
    staff = sum(
        n
        for person, community, day, n in rows.filter(judge.candidates).values_list(
            "person_id", "community_id", "day", "contributions"
        )
        if judge(person, community, day)
    )
    organic = total - staff
    return _value("organic_share", period, window, _ratio(organic, total), organic, total, people)


def kpi_organic_first_responses(
    scope: Scope, period: Period, *, window: int | None = None
) -> KpiValue:
    """Threads created in the window whose first response (by someone other than the author,
    not deleted) was written by an organic person ÷ threads with a first response. Staff is
    judged on the day of the response, in the thread's community."""
    start, end = period.window(window)
    answered = _threads(
        scope, start, end, exclude_types=thresholds()["response_excluded_types"]
    ).filter(first_response_at__isnull=False)
    total = answered.count()
    staff = (
        answered.annotate(response_day=TruncDate("first_response_at"))
        .filter(_staff_on_row(day_ref="response_day", person_ref="first_responder_id"))
        .count()
    )
    people = answered.values("first_responder_id").distinct().count()
    organic = total - staff
    return _value(
        "organic_first_responses", period, window, _ratio(organic, total), organic, total, people
    )


def _answered_within(hours: float) -> Q:
    return Q(
        first_response_at__isnull=False,
        first_response_at__lte=F("created_at") + datetime.timedelta(hours=hours),
    )


def kpi_response_rate(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Threads created in the window with a first response within 48 h ÷ decided threads.

    A thread is decided once it has such a response or is 48 h old (younger unanswered
    threads are left out of both counts). Announcements are left out (configurable)."""
    settings = thresholds()
    hours = settings["response_hours"]
    start, end = period.window(window)
    threads = _threads(scope, start, end, exclude_types=settings["response_excluded_types"])
    answered = _answered_within(hours)
    old_enough = Q(created_at__lte=timezone.now() - datetime.timedelta(hours=hours))
    decided = threads.filter(answered | old_enough)
    num = threads.filter(answered).count()
    den = decided.count()
    return _value(
        "response_rate", period, window, _ratio(num, den), num, den, _thread_authors(decided)
    )


def kpi_time_to_first_response(
    scope: Scope, period: Period, *, window: int | None = None
) -> KpiValue:
    """Median, in hours, of (first response − creation) over the threads created in the
    window that have a first response (the mean of the two middle ones for an even count)."""
    start, end = period.window(window)
    threads = _threads(
        scope, start, end, exclude_types=thresholds()["response_excluded_types"]
    ).filter(first_response_at__isnull=False)
    n = threads.count()
    if not n:
        return _value("time_to_first_response", period, window, None, None, 0, 0)
    delay = ExpressionWrapper(
        F("first_response_at") - F("created_at"), output_field=DurationField()
    )
    ordered = threads.annotate(delay=delay).order_by("delay", "post_id")
    middle = list(ordered.values_list("delay", flat=True)[(n - 1) // 2 : n // 2 + 1])
    hours = sum(d.total_seconds() for d in middle) / len(middle) / 3600
    return _value(
        "time_to_first_response", period, window, hours, hours, n, _thread_authors(threads)
    )


def kpi_question_resolution(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Questions created in the window that have an accepted answer now ÷ questions."""
    start, end = period.window(window)
    questions = _threads(scope, start, end, types=["question"])
    den = questions.count()
    num = questions.filter(accepted_at__isnull=False).count()
    return _value(
        "question_resolution",
        period,
        window,
        _ratio(num, den),
        num,
        den,
        _thread_authors(questions),
    )


# --- conversion, retention, churn ---------------------------------------------------------


def _active(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet[PersonDay]:
    return _rows(scope, start, end).filter(REACHED)


def kpi_conversion(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """Of the people whose first contribution in the scope ever fell in the window before the
    last one ("month" m: days end−2w+1 … end−w), the share who contributed again in the last
    window (m+1: end−w+1 … end)."""
    w = window or 28
    end = period.end
    m_start, m_end = end - datetime.timedelta(days=2 * w - 1), end - datetime.timedelta(days=w)
    earlier = _rows(scope, datetime.date.min, m_end).filter(
        CONTRIBUTING, person_id=OuterRef("person_id"), day__lt=m_start
    )
    newcomers = (_rows(scope, m_start, m_end).filter(CONTRIBUTING).filter(~Exists(earlier))).values(
        "person_id"
    )
    den = _count_people(newcomers)
    num = _count_people(
        _rows(scope, m_end + DAY, end).filter(CONTRIBUTING, person_id__in=newcomers)
    )
    result = _value("conversion", period, w, _ratio(num, den), num, den, den)
    return _with_days(result, m_start, end)


def _with_days(kpi: KpiValue, start: datetime.date, end: datetime.date) -> KpiValue:
    from dataclasses import replace

    return replace(kpi, start=start, end=end)


def kpi_cohort_retention(
    scope: Scope, period: Period, *, window: int | None = None, k: int = 4
) -> KpiValue:
    """Pooled over the weeks t (Monday to Sunday) that lie wholly in the period: people whose
    first activity in the scope fell in week t − k who were active in week t ÷ those people.
    ``parts``: the share per cohort week (ISO date of its Monday)."""
    first_target = period.start + datetime.timedelta(days=(7 - period.start.weekday()) % 7)
    retained_total = cohort_total = 0
    parts: dict[str, Any] = {}
    target = first_target
    while target + datetime.timedelta(days=6) <= period.end:
        cohort_start = target - datetime.timedelta(weeks=k)
        cohort_end = cohort_start + datetime.timedelta(days=6)
        before = _active(scope, datetime.date.min, cohort_end).filter(
            person_id=OuterRef("person_id"), day__lt=cohort_start
        )
        cohort = (
            _active(scope, cohort_start, cohort_end).filter(~Exists(before)).values("person_id")
        )
        size = _count_people(cohort)
        kept = _count_people(
            _active(scope, target, target + datetime.timedelta(days=6)).filter(person_id__in=cohort)
        )
        parts[cohort_start.isoformat()] = _ratio(kept, size)
        retained_total += kept
        cohort_total += size
        target += datetime.timedelta(weeks=1)
    result = _value(
        f"cohort_retention_{k}",
        period,
        window,
        _ratio(retained_total, cohort_total),
        retained_total,
        cohort_total,
        cohort_total,
        {"k": k, "cohorts": parts},
    )
    return result


def kpi_churn(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """People active in the scope in the window before the last one (days end−2w+1 … end−w)
    and not active in the last window (end−w+1 … end) ÷ those active before."""
    w = window or 28
    end = period.end
    before_start, before_end = (
        end - datetime.timedelta(days=2 * w - 1),
        end - datetime.timedelta(days=w),
    )
    # Two reads of each person's activity, compared in memory (a "not active later" look-up
    # per row of the first window cost more); the later window is the page's usual one.
    active_before = window_activity(scope, before_start, before_end).active_days.keys()
    active_later = window_activity(scope, before_end + DAY, end).active_days.keys()
    den = len(active_before)
    num = len(active_before - active_later)
    return _with_days(
        _value("churn", period, w, _ratio(num, den), num, den, den), before_start, end
    )


# --- network -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowPairs:
    """The distinct directed pairs source → target of a window's interactions, as arrays of
    one length: ``nodes`` the sorted ids of the people in them, ``sources`` and ``targets``
    positions in ``nodes``, ``counts`` the sum of the interactions' ``count`` per pair."""

    nodes: npt.NDArray[np.int64]
    sources: npt.NDArray[np.int64]
    targets: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]


def window_pairs(scope: Scope, start: datetime.date, end: datetime.date) -> WindowPairs:
    """The ``WindowPairs`` of ``_interactions(scope, start, end)``: one grouped read that the
    network KPIs and the unit heat map share (hundreds of thousands of pairs at 10,000
    people, read with a plain cursor: no per-row conversion). Shared within
    ``shared_reads()``: callers must not change it."""

    def read() -> WindowPairs:
        grouped = (
            _interactions(scope, start, end)
            .values_list("source_id", "target_id")
            .annotate(total=Sum("count"))
            .order_by()
        )
        sql, params = grouped.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # From the list of tuples in one call (a generator over every value cost seconds).
        flat = np.array(rows, dtype=np.int64).reshape(-1, 3)
        nodes, positions = distinct_with_positions(flat[:, :2])
        positions = positions.reshape(-1, 2)
        return WindowPairs(nodes, positions[:, 0], positions[:, 1], flat[:, 2])

    return _once(("pairs", scope, start, end), read)


def _unit_codes(nodes: npt.NDArray[np.int64], day: datetime.date) -> npt.NDArray[np.int64]:
    """Each node's org unit id on ``day``, -1 where it is unknown (ids are positive)."""
    units = units_on(day)
    return np.fromiter(
        (unit if (unit := units.get(node)) is not None else -1 for node in nodes.tolist()),
        dtype=np.int64,
        count=len(nodes),
    )


def kpi_reciprocity(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Directed edges u → v of the window whose reverse v → u exists in the window ÷ edges
    (an edge: at least one reply, mention or reaction; networkx ``reciprocity``)."""
    start, end = period.window(window)
    # One read of the distinct edges, matched in memory: a correlated "reverse exists"
    # look-up per edge has no index to use (the unique key starts with the day) and grew
    # with the square of the edges (minutes at 10,000 people).
    pairs = window_pairs(scope, start, end)
    n = len(pairs.nodes)
    forward = pairs.sources * n + pairs.targets
    den = len(forward)
    num = int(contained(pairs.targets * n + pairs.sources, forward).sum())
    return _value("reciprocity", period, window, _ratio(num, den), num, den, n)


def _external_internal(scope: Scope, period: Period, window: int | None) -> tuple[int, int, int]:
    """(E, I, people) over the distinct directed edges of the window whose two ends have a
    known org unit on the window's last day. Organisation or communities: E = different
    units, I = same unit. An org unit scope: E = one end outside its subtree, I = both in."""
    start, end = period.window(window)
    return _once(("external_internal", scope, start, end), lambda: _classify(scope, start, end))


def _classify(scope: Scope, start: datetime.date, end: datetime.date) -> tuple[int, int, int]:
    # Edges and units read once, matched with arrays (a unit look-up per edge cost more).
    pairs = window_pairs(scope, start, end)
    units = _unit_codes(pairs.nodes, end)
    source_units, target_units = units[pairs.sources], units[pairs.targets]
    known = (source_units >= 0) & (target_units >= 0)
    if scope.org_unit_id is not None:
        subtree = np.array(_subtree(scope.org_unit_id), dtype=np.int64)
        inside = contained(source_units, subtree) & contained(target_units, subtree)
    else:
        inside = source_units == target_units
    internal = int((known & inside).sum())
    external = int(known.sum()) - internal
    people = count_distinct(np.concatenate([pairs.sources[known], pairs.targets[known]]))
    return external, internal, people


def kpi_cross_department_share(
    scope: Scope, period: Period, *, window: int | None = None
) -> KpiValue:
    """E ÷ (E + I): edges between different org units ÷ classified edges."""
    external, internal, people = _external_internal(scope, period, window)
    total = external + internal
    return _value(
        "cross_department_share",
        period,
        window,
        _ratio(external, total),
        external,
        total,
        people,
        {"external": external, "internal": internal},
    )


def kpi_ei_index(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Krackhardt & Stern's E-I index: (E − I) ÷ (E + I), from −1 (inward) to +1."""
    external, internal, people = _external_internal(scope, period, window)
    total = external + internal
    return _value(
        "ei_index",
        period,
        window,
        _ratio(external - internal, total),
        external - internal,
        total,
        people,
        {"external": external, "internal": internal},
    )


@dataclass(frozen=True)
class NewPairs:
    """Pairs of people whose first interaction ever falls in a window, as arrays of one
    length: ``lows`` and ``highs`` the lower and higher person ids, ``day_index`` the
    position of each pair's first day in ``days`` (the distinct first days)."""

    lows: npt.NDArray[np.int64]
    highs: npt.NDArray[np.int64]
    day_index: npt.NDArray[np.int64]
    days: list[datetime.date]

    def bridges(self, day: datetime.date) -> npt.NDArray[np.bool_]:
        """Whether each pair's two org units on ``day`` are known and different."""
        people, positions = distinct_with_positions(np.concatenate([self.lows, self.highs]))
        units = _unit_codes(people, day)[positions]
        low_units, high_units = units[: len(self.lows)], units[len(self.lows) :]
        return (low_units >= 0) & (high_units >= 0) & (low_units != high_units)


def new_pairs(scope: Scope, start: datetime.date, end: datetime.date) -> NewPairs:
    """The ``NewPairs`` of the pairs of people whose first interaction ever falls between two
    days; communities: the pair interacted in one of them on that first day; org unit: at
    least one of the two is in its subtree. Read with a plain cursor (no Django converter per
    row), turned into arrays without a Python step per pair (hundreds of thousands at 10
    million events). Shared within ``shared_reads()``: callers must not change it."""

    def read() -> NewPairs:
        pairs = FirstInteraction.objects.filter(first_day__gte=start, first_day__lte=end)
        if scope.communities is not None:
            together = Interaction.objects.filter(
                community_id__in=scope.communities, day=OuterRef("first_day")
            ).filter(
                Q(source_id=OuterRef("person_low_id"), target_id=OuterRef("person_high_id"))
                | Q(source_id=OuterRef("person_high_id"), target_id=OuterRef("person_low_id"))
            )
            pairs = pairs.filter(Exists(together))
        if scope.org_unit_id is not None:
            people = _unit_people(scope.org_unit_id, end)
            pairs = pairs.filter(Q(person_low_id__in=people) | Q(person_high_id__in=people))
        rows = pairs.values_list("person_low_id", "person_high_id", "first_day").order_by()
        sql, params = rows.query.sql_with_params()
        if connection.vendor == "sqlite":
            # The day as the text stored: the driver's date converter would run per row (a
            # second of the page at 10 million events); the distinct days are parsed below.
            sql = f"SELECT person_low_id, person_high_id, CAST(first_day AS TEXT) FROM ({sql})"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        lows, highs, first_days = zip(*found, strict=True) if found else ((), (), ())
        positions: dict[Any, int] = {}
        day_index = [positions.setdefault(day, len(positions)) for day in first_days]
        return NewPairs(
            np.array(lows, dtype=np.int64),
            np.array(highs, dtype=np.int64),
            np.array(day_index, dtype=np.int64),
            [_as_date(day) for day in positions],
        )

    return _once(("new_pairs", scope, start, end), read)


def kpi_new_bridges(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Pairs of people whose first interaction ever falls in the window and whose org units
    (on the window's last day) are known and different. Communities: the pair interacted in
    one of them on that first day. Org unit: at least one of the two is in its subtree."""
    start, end = period.window(window)
    found = new_pairs(scope, start, end)
    all_new = len(found.lows)
    if not all_new and not _interactions(scope, start, end).exists():
        return _value("new_bridges", period, window, None, None, 0, 0)
    # Units read once and matched with arrays (a look-up per pair cost more).
    bridges = found.bridges(end)
    n = int(bridges.sum())
    people_count = count_distinct(np.concatenate([found.lows[bridges], found.highs[bridges]]))
    return _value(
        "new_bridges", period, window, float(n), n, all_new, people_count, {"new_pairs": all_new}
    )


def kpi_department_elephant_factor(
    scope: Scope, period: Period, *, window: int | None = None
) -> KpiValue:
    """Smallest number of org units (each contributor's unit on the window's last day) making
    ≥ 50 % of the scope's contributions in the window; contributors without a unit are left
    out of the total (``parts['unassigned']``)."""
    start, end = period.window(window)
    units = units_on(end)
    per_unit: dict[int, float] = {}
    unassigned = 0
    contributors = 0
    for row in _contribution_totals(scope, start, end):
        contributors += 1
        unit = units.get(row["person_id"])
        if unit is None:
            unassigned += row["total"]
        else:
            per_unit[unit] = per_unit.get(unit, 0) + row["total"]
    found = _smallest_half(per_unit.values(), thresholds()["half_share"])
    parts = {"unassigned": unassigned, "units": len(per_unit)}
    if found is None:
        return _value("department_elephant_factor", period, window, None, None, None, 0, parts)
    k, whole = found
    return _value("department_elephant_factor", period, window, k, k, whole, contributors, parts)


def kpi_brokers(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """How many people are in the top 10 % of betweenness (undirected graph of the window's
    interaction edges; ceil(10 % of people), betweenness > 0) and have neighbours in at least
    2 org units (units on the window's last day). A count only: never names.

    Betweenness is exact up to ``betweenness_exact_max_nodes`` people, estimated above from
    ``betweenness_sample`` pivots (``betweenness.betweenness``, seed 0); scores are compared
    to 12 decimal places, so that rounding never decides a tie."""
    settings = thresholds()
    start, end = period.window(window)
    pairs = window_pairs(scope, start, end)
    loops = pairs.sources == pairs.targets
    tails, heads = pairs.sources[~loops], pairs.targets[~loops]
    n = count_distinct(np.concatenate([tails, heads]))
    if n == 0:
        return _value("brokers", period, window, None, None, 0, 0)
    sampled = n > settings["betweenness_exact_max_nodes"]
    centrality = betweenness(
        np.column_stack([pairs.nodes[tails], pairs.nodes[heads]]),
        pivots=min(settings["betweenness_sample"], n) if sampled else None,
        seed=0,
    )
    top_n = math.ceil(settings["broker_top_share"] * n)
    ranked = sorted(centrality.items(), key=lambda item: (-round(item[1], 12), item[0]))[:top_n]
    # The distinct known units of the neighbours of the top people only, with arrays.
    top = np.searchsorted(pairs.nodes, [person for person, score in ranked if round(score, 12) > 0])
    people = np.concatenate([tails, heads])
    neighbour_units = _unit_codes(pairs.nodes, end)[np.concatenate([heads, tails])]
    wanted = contained(people, top) & (neighbour_units >= 0)
    # Distinct (person, unit) pairs as one number each: person × (largest unit + 1) + unit.
    base = max(int(neighbour_units.max()) + 1, 1) if len(neighbour_units) else 1
    seen = distinct(people[wanted] * base + neighbour_units[wanted]) // base
    spanned = np.bincount(seen, minlength=len(pairs.nodes))[top]
    minimum = settings["broker_min_units"]
    brokers = int((spanned >= minimum).sum())
    return _value("brokers", period, window, float(brokers), brokers, n, n, {"sampled": sampled})


def interaction_matrix(
    scope: Scope,
    period: Period,
    *,
    window: int | None = None,
    depth: int | None = None,
    threshold: int | None = None,
):
    """Interactions (sum of counts) from org unit to org unit in the window, with privacy:
    units with fewer members than the minimum group size are merged into "other groups".
    ``depth``: roll units up to their ancestor at that depth (None: each person's own unit).
    Returns a ``privacy.Matrix`` keyed by org unit id (and ``privacy.OTHER``)."""
    from rucher.accounts.models import OrgUnit
    from rucher.analytics.privacy import suppress_matrix

    start, end = period.window(window)
    ancestor: dict[int, int] = {}
    if depth is not None:
        for pk, path in OrgUnit.objects.values_list("pk", "path"):
            ids = [int(part) for part in path.strip("/").split("/") if part]
            ancestor[pk] = ids[min(depth, len(ids) - 1)] if ids else pk

    def up(unit: int | None) -> int | None:
        return None if unit is None else ancestor.get(unit, unit)

    cells: dict[tuple[Any, Any], float] = {}
    grouped = (
        _interactions(scope, start, end)
        .annotate(su=_unit_of("source_id", end), tu=_unit_of("target_id", end))
        .values("su", "tu")
        .annotate(n=Sum("count"))
    )
    for row in grouped:
        a, b = up(row["su"]), up(row["tu"])
        if a is None or b is None:
            continue
        cells[(a, b)] = cells.get((a, b), 0) + row["n"]
    sizes: dict[Any, int] = {}
    members = set(population(scope, end).values_list("person_id", flat=True))
    for person, unit in units_on(end).items():
        mapped = up(unit)
        if person in members and mapped is not None:
            sizes[mapped] = sizes.get(mapped, 0) + 1
    return suppress_matrix(cells, sizes, threshold=threshold)


# --- communities and leaders -------------------------------------------------------------


def _scope_communities(scope: Scope, day: datetime.date) -> list[int]:
    """Communities of the scope that exist on ``day`` (created, not archived)."""
    from rucher.communities.models import Community

    qs = Community.objects.filter(created_at__lt=_start_of(day + DAY)).filter(
        Q(archived_at__isnull=True) | Q(archived_at__gte=_start_of(day + DAY))
    )
    if scope.communities is not None:
        qs = qs.filter(pk__in=scope.communities)
    return list(qs.values_list("pk", flat=True))


def kpi_vitality(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Days from the last day with a post in the scope's communities to the period's end
    (None: never a post). ``parts``: the share of silent communities (see
    ``kpi_silent_communities``) and the alert (no post for ``no_post_alert_days``)."""
    settings = thresholds()
    end = period.end
    posts = CommunityDay.objects.filter(posts__gt=0, day__lte=end)
    if scope.communities is not None:
        posts = posts.filter(community_id__in=scope.communities)
    last = posts.aggregate(last=Max("day"))["last"]
    days = (end - last).days if last is not None else None
    silent = kpi_silent_communities(scope, period)
    parts = {
        "last_post": last.isoformat() if last else None,
        "silent_share": silent.value,
        "silent": silent.numerator,
        "communities": silent.denominator,
        "alert": days is None or days >= settings["no_post_alert_days"],
    }
    members = _count_people(population(scope, end))
    return _value("vitality", period, None, days, days, None, members, parts)


def kpi_silent_communities(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Communities of the scope existing on the period's end with no post in the
    ``silent_days`` days ending then ÷ those communities."""
    w = window or int(thresholds()["silent_days"])
    start, end = period.window(w)
    existing = _scope_communities(scope, end)
    posted = set(
        CommunityDay.objects.filter(
            community_id__in=existing, day__gte=start, day__lte=end, posts__gt=0
        ).values_list("community_id", flat=True)
    )
    silent = len(existing) - len(posted)
    members = _count_people(population(scope, end))
    return _value(
        "silent_communities",
        period,
        w,
        _ratio(silent, len(existing)),
        silent,
        len(existing),
        members,
    )


def kpi_leader_participation(scope: Scope, period: Period, *, window: int | None = 28) -> KpiValue:
    """Managers who are members of the scope on the window's last day and contributed in it
    ÷ those managers. A manager: someone's manager on that day (PersonUnit.manager_id)."""
    start, end = period.window(window)
    managers = set(
        _units_in_force(end).filter(manager_id__isnull=False).values_list("manager_id", flat=True)
    )
    in_scope = members(scope, end) & managers
    den = len(in_scope)
    num = len(in_scope & window_activity(scope, start, end).contributions.keys())
    return _value("leader_participation", period, window, _ratio(num, den), num, den, den)


def kpi_activation(scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """Members on the period's end who were ever reached (any row, presence included, up to
    that day) ÷ members: "logged in at least once" ÷ "invited"."""
    end = period.end
    members = population(scope, end)
    den = _count_people(members)
    num = _count_people(PersonDay.objects.filter(REACHED, day__lte=end, person_id__in=members))
    return _with_days(
        _value("activation", period, None, _ratio(num, den), num, den, den), datetime.date.min, end
    )


def adoption_funnel(scope: Scope, period: Period) -> list[tuple[str, KpiValue]]:
    """invited → activated → reached → contributing → habitual (28-day windows)."""
    activation = kpi_activation(scope, period)
    invited = _value(
        "invited",
        period,
        None,
        activation.denominator,
        activation.denominator,
        None,
        activation.group_size,
    )
    return [
        ("invited", invited),
        ("activated", activation),
        ("reached", kpi_reach(scope, period)),
        ("contributing", kpi_contributor_rate(scope, period)),
        ("habitual", kpi_habitual_users(scope, period)),
    ]


# --- registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiSpec:
    key: str
    function: Callable[..., KpiValue]
    label: Promise
    definition: Promise
    unit: str  # ratio, count, hours, days, index
    windows: tuple[int, ...] = ()  # windows offered (days); () = the period itself
    default_window: int | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)

    def __call__(self, scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
        chosen = window if window is not None else self.default_window
        return self.function(scope, period, window=chosen, **self.kwargs)


def _spec(
    key: str,
    function: Callable[..., KpiValue],
    label: Promise,
    definition: Promise,
    unit: str,
    windows: tuple[int, ...] = (),
    **kwargs: Any,
) -> KpiSpec:
    return KpiSpec(key, function, label, definition, unit, windows, 28 if windows else None, kwargs)


WINDOWS = (1, 7, 28)

KPIS: dict[str, KpiSpec] = {
    spec.key: spec
    for spec in [
        _spec(
            "activation",
            kpi_activation,
            _("Activation"),
            _("Members who have used the network at least once, out of all members."),
            "ratio",
        ),
        _spec(
            "reach",
            kpi_reach,
            _("Reach"),
            _("Members who used the network in the window (reading counts), out of members."),
            "ratio",
            WINDOWS,
        ),
        _spec(
            "contribution",
            kpi_contribution,
            _("Contributors"),
            _(
                "Members who wrote something in the window: a post, comment, reaction, vote, "
                "answer or mention."
            ),
            "count",
            WINDOWS,
        ),
        _spec(
            "contributor_rate",
            kpi_contributor_rate,
            _("Contributor rate"),
            _("Members who contributed in the window, out of members."),
            "ratio",
            WINDOWS,
        ),
        _spec(
            "habitual_users",
            kpi_habitual_users,
            _("Habitual users"),
            _("Members active on at least 10 of the last 28 days, out of members."),
            "ratio",
            (28,),
        ),
        _spec(
            "stickiness",
            kpi_stickiness,
            _("Stickiness"),
            _(
                "Average over the days of the period of the people active that day divided "
                "by the people active in the 28 days ending that day."
            ),
            "ratio",
        ),
        _spec(
            "participation_profile",
            kpi_participation_profile,
            _("Participation profile"),
            _(
                "Share of members with no contribution, 1 to 2, and 3 or more; and the share "
                "of contributions made by the most active 10% of members."
            ),
            "ratio",
        ),
        _spec(
            "contributor_absence_factor",
            kpi_contributor_absence_factor,
            _("Contributor absence factor"),
            _("The smallest number of people who together made half of the contributions."),
            "count",
        ),
        _spec(
            "organic_share",
            kpi_organic_share,
            _("Organic share"),
            _(
                "Contributions by people who are not staff (owners, animators, ESN project "
                "team), out of all contributions."
            ),
            "ratio",
        ),
        _spec(
            "organic_first_responses",
            kpi_organic_first_responses,
            _("Organic first responses"),
            _("First replies to posts written by people who are not staff, out of first replies."),
            "ratio",
        ),
        _spec(
            "response_rate",
            kpi_response_rate,
            _("Response rate"),
            _("Posts that got a reply from someone else within 48 hours, out of posts."),
            "ratio",
        ),
        _spec(
            "time_to_first_response",
            kpi_time_to_first_response,
            _("Time to first response"),
            _("Median time from a post to the first reply by someone else."),
            "hours",
        ),
        _spec(
            "question_resolution",
            kpi_question_resolution,
            _("Question resolution"),
            _("Questions with an accepted answer, out of questions."),
            "ratio",
        ),
        _spec(
            "conversion",
            kpi_conversion,
            _("Conversion"),
            _(
                "People who contributed for the first time in one 28-day window and "
                "contributed again in the next, out of those first-time contributors."
            ),
            "ratio",
            (28,),
        ),
        _spec(
            "cohort_retention_4",
            kpi_cohort_retention,
            _("Retention after 4 weeks"),
            _("Of the people first active in a week, the share active again 4 weeks later."),
            "ratio",
            k=4,
        ),
        _spec(
            "cohort_retention_8",
            kpi_cohort_retention,
            _("Retention after 8 weeks"),
            _("Of the people first active in a week, the share active again 8 weeks later."),
            "ratio",
            k=8,
        ),
        _spec(
            "cohort_retention_12",
            kpi_cohort_retention,
            _("Retention after 12 weeks"),
            _("Of the people first active in a week, the share active again 12 weeks later."),
            "ratio",
            k=12,
        ),
        _spec(
            "churn",
            kpi_churn,
            _("Churn"),
            _(
                "People active in the previous 28 days and silent in the last 28 days, out of "
                "the people active in the previous 28 days."
            ),
            "ratio",
            (28,),
        ),
        _spec(
            "reciprocity",
            kpi_reciprocity,
            _("Reciprocity"),
            _("Interactions from one person to another that were returned, out of all."),
            "ratio",
        ),
        _spec(
            "cross_department_share",
            kpi_cross_department_share,
            _("Cross-department share"),
            _("Interactions between people of different org units, out of all interactions."),
            "ratio",
        ),
        _spec(
            "ei_index",
            kpi_ei_index,
            _("E-I index"),
            _(
                "External minus internal interactions, divided by all: from −1 (all within "
                "org units) to +1 (all across)."
            ),
            "index",
        ),
        _spec(
            "new_bridges",
            kpi_new_bridges,
            _("New bridges"),
            _("Pairs of people from different org units who interacted for the first time."),
            "count",
        ),
        _spec(
            "department_elephant_factor",
            kpi_department_elephant_factor,
            _("Department elephant factor"),
            _("The smallest number of org units that together made half of the contributions."),
            "count",
        ),
        _spec(
            "brokers",
            kpi_brokers,
            _("Brokers"),
            _(
                "People who most often connect others and whose ties span at least two org "
                "units (a count, never names)."
            ),
            "count",
        ),
        _spec(
            "vitality",
            kpi_vitality,
            _("Days since the last post"),
            _("Days from the last post to the end of the period."),
            "days",
        ),
        _spec(
            "silent_communities",
            kpi_silent_communities,
            _("Silent communities"),
            _("Communities without a post for 28 days, out of communities."),
            "ratio",
            (28,),
        ),
        _spec(
            "leader_participation",
            kpi_leader_participation,
            _("Leader participation"),
            _("Managers who contributed in the window, out of managers."),
            "ratio",
            (28,),
        ),
    ]
}


def compute(key: str, scope: Scope, period: Period, *, window: int | None = None) -> KpiValue:
    """A KPI of the registry by key (KeyError for an unknown key)."""
    return KPIS[key](scope, period, window=window)
