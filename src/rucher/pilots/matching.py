"""Comparison groups: suggestions by matching, and the baseline gaps between the two arms.

A comparison community is matched to a pilot community on four things the pilot guide asks
for (shared/reference/measurement.md, "Judging a pilot fairly"):

- **org unit**: how much the two communities' members come from the same units (overlap of
  the distributions of the members' units, 1 = same mix);
- **size**: members on the last day of the pre-period (on a log scale: 20 vs 40 is as far as
  200 vs 400);
- **site**: overlap of the distributions of the members' sites;
- **baseline activity**: contributor rate over the pre-period, from the analytics rollups.

distance = √(size² + (1 − unit overlap)² + (1 − site overlap)² + (rate gap ÷ 0.10)²), where
size = |ln(members₁ ÷ members₂)| ÷ ln 2 (one unit = twice as big) and a 10-point gap in
contributor rate counts as much as doubling the size. Each candidate is matched to its
nearest pilot community; the smallest distances come first.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rucher.analytics.exports import Table
from rucher.pilots.checks import today
from rucher.pilots.models import Pilot

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.communities.models import Community

DAY = datetime.timedelta(days=1)
PRE_DAYS = 56
RATE_SCALE = 0.10  # a 10-point gap in contributor rate = one unit of distance
MIN_MEMBERS = 3  # smaller communities are no comparison for anything


def pre_period(pilot: Pilot) -> tuple[datetime.date, datetime.date]:
    """The 8 weeks before the start; the last 8 weeks when the pilot has not started yet."""
    end = min(pilot.start_date, today()) - DAY
    return end - datetime.timedelta(days=PRE_DAYS - 1), end


@dataclass
class Profile:
    """What a community is matched on."""

    community_id: int
    members: int
    contributors: int
    units: Counter = field(default_factory=Counter)
    sites: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float | None:
        return self.contributors / self.members if self.members else None


def _overlap(a: Counter, b: Counter) -> float:
    """Σ min(share in a, share in b): 1 when the two mixes are the same, 0 when disjoint."""
    total_a, total_b = sum(a.values()), sum(b.values())
    if not total_a or not total_b:
        return 0.0
    return sum(min(a[k] / total_a, b[k] / total_b) for k in set(a) | set(b))


def profiles(
    community_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict[int, Profile]:
    """Members (membership spans covering ``end``), their units and sites (profiles), and
    contributors over ``start``..``end`` (rollups), per community — four queries in all."""
    from rucher.accounts.models import Profile as PersonProfile
    from rucher.analytics.models import MembershipSpan, PersonDay

    ids = list(community_ids)
    members: dict[int, set[int]] = defaultdict(set)
    spans = MembershipSpan.objects.filter(
        Q(end__isnull=True) | Q(end__gt=end), community_id__in=ids, start__lte=end
    ).exclude(role="guest")
    for community_id, person_id in spans.values_list("community_id", "person_id"):
        members[community_id].add(person_id)
    everyone = set().union(*members.values()) if members else set()
    where = dict(
        PersonProfile.objects.filter(user_id__in=everyone).values_list("user_id", "org_unit_id")
    )
    site = dict(
        PersonProfile.objects.filter(user_id__in=everyone).values_list("user_id", "site_id")
    )
    contributors: dict[int, set[int]] = defaultdict(set)
    rows = PersonDay.objects.filter(
        community_id__in=ids, day__gte=start, day__lte=end, contributions__gt=0
    ).values_list("community_id", "person_id")
    for row_community, person_id in rows.distinct():
        if row_community is not None and person_id in members[row_community]:
            contributors[row_community].add(person_id)
    result = {}
    for community_id in ids:
        people = members.get(community_id, set())
        result[community_id] = Profile(
            community_id=community_id,
            members=len(people),
            contributors=len(contributors.get(community_id, set())),
            units=Counter(where[p] for p in people if where.get(p) is not None),
            sites=Counter(site[p] for p in people if site.get(p) is not None),
        )
    return result


@dataclass
class Suggestion:
    community: Community
    matched_to: Community  # the pilot community it resembles most
    distance: float
    members: int
    pilot_members: int
    rate: float | None
    pilot_rate: float | None
    unit_overlap: float
    site_overlap: float
    reasons: list[str] = field(default_factory=list)

    @property
    def size_gap(self) -> str:
        return f"{self.members} / {self.pilot_members}"


def _distance(candidate: Profile, pilot: Profile) -> tuple[float, float, float]:
    size = abs(math.log(max(candidate.members, 1) / max(pilot.members, 1))) / math.log(2)
    units = _overlap(candidate.units, pilot.units)
    sites = _overlap(candidate.sites, pilot.sites)
    if candidate.rate is None or pilot.rate is None:
        rate_gap = 1.0  # unknown activity: as far as a 10-point gap
    else:
        rate_gap = abs(candidate.rate - pilot.rate) / RATE_SCALE
    distance = math.sqrt(size**2 + (1 - units) ** 2 + (1 - sites) ** 2 + rate_gap**2)
    return distance, units, sites


def _reasons(candidate: Profile, pilot: Profile, units: float, sites: float) -> list[str]:
    reasons = []
    if units >= 0.5:
        reasons.append(_("members from the same org units"))
    if sites >= 0.5:
        reasons.append(_("same sites"))
    if pilot.members and 0.67 <= candidate.members / pilot.members <= 1.5:
        reasons.append(_("similar size"))
    if (
        candidate.rate is not None
        and pilot.rate is not None
        and abs(candidate.rate - pilot.rate) <= 0.05
    ):
        reasons.append(_("similar activity before the pilot"))
    return reasons


def suggest_comparisons(
    pilot: Pilot, *, limit: int = 10, viewer: User | None = None
) -> list[Suggestion]:
    """Non-pilot communities (not archived, not already compared with, visible to ``viewer``
    when given) closest to one of the pilot communities."""
    from rucher.communities.models import Community

    pilot_ids = list(pilot.pilot_communities.values_list("community_id", flat=True))
    if not pilot_ids:
        return []
    taken = set(pilot_ids) | set(
        pilot.comparison_groups.filter(community__isnull=False).values_list(
            "community_id", flat=True
        )
    )
    candidates = Community.objects.filter(archived_at__isnull=True).exclude(pk__in=taken)
    if viewer is not None:
        candidates = candidates.visible_to(viewer)
    by_id = {c.pk: c for c in candidates}
    pilots = {c.pk: c for c in Community.objects.filter(pk__in=pilot_ids)}
    start, end = pre_period(pilot)
    found = profiles([*by_id, *pilots], start, end)
    suggestions = []
    for community_id, community in by_id.items():
        candidate = found[community_id]
        if candidate.members < MIN_MEMBERS:
            continue
        best: tuple[float, float, float, int] | None = None
        for pilot_id in pilots:
            distance, units, sites = _distance(candidate, found[pilot_id])
            if best is None or distance < best[0]:
                best = (distance, units, sites, pilot_id)
        if best is None:
            continue
        distance, units, sites, pilot_id = best
        target = found[pilot_id]
        suggestions.append(
            Suggestion(
                community=community,
                matched_to=pilots[pilot_id],
                distance=round(distance, 3),
                members=candidate.members,
                pilot_members=target.members,
                rate=candidate.rate,
                pilot_rate=target.rate,
                unit_overlap=units,
                site_overlap=sites,
                reasons=_reasons(candidate, target, units, sites),
            )
        )
    suggestions.sort(key=lambda s: (s.distance, s.community.name))
    return suggestions[:limit]


# ---------------------------------------------------------------- baseline gaps


def _arm_kpi(
    key: str, scopes: list[Any], start: datetime.date, end: datetime.date
) -> tuple[float | None, int]:
    """One ratio KPI over several scopes pooled (Σ numerators ÷ Σ denominators)."""
    from rucher.analytics.kpis import compute
    from rucher.analytics.periods import Period

    numerator = denominator = 0.0
    people = 0
    for scope in scopes:
        value = compute(key, scope, Period(start, end), window=None)
        if value.numerator is not None and value.denominator:
            numerator += value.numerator
            denominator += value.denominator
        people += value.group_size
    return (numerator / denominator if denominator else None), people


def _arm_people(scopes: list[Any], day: datetime.date) -> int:
    from rucher.analytics.kpis import population

    people: set[int] = set()
    for scope in scopes:
        people |= set(population(scope, day).values_list("person_id", flat=True))
    return len(people)


def _stages(community_ids: list[int], day: datetime.date) -> Counter:
    from rucher.analytics.models import StageHistory

    latest: dict[int, tuple[datetime.date, str]] = {}
    rows = StageHistory.objects.filter(community_id__in=community_ids, week_start__lte=day)
    for community_id, week, stage in rows.values_list("community_id", "week_start", "stage"):
        if community_id not in latest or week > latest[community_id][0]:
            latest[community_id] = (week, stage)
    return Counter(stage for _week, stage in latest.values())


def _stage_text(stages: Counter) -> str | None:
    from rucher.analytics.selectors import stage_label

    if not stages:
        return None
    return ", ".join(f"{stage_label(stage)} ({count})" for stage, count in stages.most_common())


def _points(gap: float | None) -> str | None:
    from django.utils.formats import number_format

    if gap is None:
        return None
    sign = "+" if gap > 0 else ""
    return _("%(sign)s%(points)s points") % {
        "sign": sign,
        "points": number_format(round(gap * 100, 1), 1),
    }


def baseline_gaps(pilot: Pilot) -> Table:
    """Pilot arm vs comparison arm over the pre-period: groups, people, reach, contributor
    rate and lifecycle stages. Figures resting on fewer people than the minimum group size
    are not shown. ``rows`` hold raw values (exports), ``shown`` the page's text."""
    from rucher.analytics.periods import Scope
    from rucher.analytics.selectors import format_value, min_group_size

    start, end = pre_period(pilot)
    pilot_ids = list(pilot.pilot_communities.values_list("community_id", flat=True))
    groups = list(pilot.comparison_groups.all())
    comparison_ids = [g.community_id for g in groups if g.community_id]
    unit_ids = [g.org_unit_id for g in groups if g.org_unit_id]
    pilot_scopes = [Scope(communities=frozenset(pilot_ids))] if pilot_ids else []
    comparison_scopes = [Scope(communities=frozenset(comparison_ids))] if comparison_ids else []
    comparison_scopes += [Scope(org_unit_id=unit) for unit in unit_ids]
    threshold = min_group_size()
    columns = [
        ("measure", _("Before the pilot")),
        ("pilot", _("Pilot communities")),
        ("comparison", _("Comparison groups")),
        ("gap", _("Gap")),
    ]
    rows: list[list[Any]] = []
    shown: list[list[Any]] = []
    rows.append([_("Groups"), len(pilot_ids), len(groups), None])
    shown.append([_("Groups"), len(pilot_ids), len(groups), None])
    pilot_people = _arm_people(pilot_scopes, end) if pilot_scopes else 0
    comparison_people = _arm_people(comparison_scopes, end) if comparison_scopes else 0
    rows.append([_("People"), pilot_people, comparison_people, None])
    shown.append([_("People"), pilot_people, comparison_people, None])
    for key, label in (("reach", _("Reach")), ("contributor_rate", _("Contributor rate"))):
        p_value, p_size = _arm_kpi(key, pilot_scopes, start, end)
        c_value, c_size = _arm_kpi(key, comparison_scopes, start, end)
        if p_size < threshold:
            p_value = None
        if c_size < threshold:
            c_value = None
        gap = p_value - c_value if p_value is not None and c_value is not None else None
        rows.append([label, p_value, c_value, gap])
        shown.append(
            [
                label,
                format_value(p_value, "ratio") if p_value is not None else None,
                format_value(c_value, "ratio") if c_value is not None else None,
                _points(gap),
            ]
        )
    p_stage = _stage_text(_stages(pilot_ids, end))
    c_stage = _stage_text(_stages(comparison_ids, end))
    rows.append([_("Lifecycle stages"), p_stage, c_stage, None])
    shown.append([_("Lifecycle stages"), p_stage, c_stage, None])
    return Table(
        key="baseline_gaps",
        title=_("Baseline gaps"),
        columns=columns,
        rows=rows,
        percent={"pilot", "comparison", "gap"},
        note=_(
            "Over %(start)s – %(end)s. A large gap means the comparison differs from the pilot "
            "before anything started: the evaluation's difference in differences removes a "
            "steady gap, not a gap in trend. Figures resting on fewer than %(n)d people are "
            "not shown."
        )
        % {"start": start.isoformat(), "end": end.isoformat(), "n": threshold},
        shown=shown,
    )
