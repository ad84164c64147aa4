"""Community lifecycle stages, computed weekly from the rollups (``measurement.md``).

Each week (Monday to Sunday) every community existing that week gets a *candidate* stage from
the figures of the 28 days ending on the Sunday, by the rules below in order; the *stage*
shown follows the candidate with hysteresis: it moves up (to a higher rank) once the same
candidate has come out ``up_after`` weeks in a row (2), down after ``down_after`` (3). A new
community starts in inception. Ranks: dormant < inception < decline < establishment <
maturity < mitosis candidate.

1. dormant: no contribution for 56 days (once the community is 56 days old), or ≤ 2
   contributors in each of the last 3 weekly windows with a falling count (first > last).
2. inception: organic share < 0.50 (or no contribution), or contributors < max(3, 5 % of
   members). "Stalled" when the community is older than 270 days.
3. decline: the stage shown last week is establishment, maturity, mitosis candidate or
   decline, contributors fell ≥ 30 % against 12 weeks earlier, and departures exceeded
   arrivals over those 12 weeks.
4. mitosis candidate: organic share ≥ 0.90, contributors not falling against 12 weeks earlier,
   and (departures > arrivals in this window and in the window 4 weeks earlier, or the top
   10 % share rose ≥ 10 points against 12 weeks earlier, or response rate < 0.6 while the
   window's contributions are in the top quartile of all communities that week).
5. maturity: organic share ≥ 0.90, response rate ≥ 0.70, contributors not falling,
   contributor absence factor ≥ 3.
6. establishment: 0.50 ≤ organic share < 0.90 and response rate ≥ 0.50.
7. otherwise establishment when contributors are growing, else inception.

"Falling": contributors now ≤ (1 − ``trend_band``) × contributors 12 weeks earlier; "growing":
≥ (1 + ``trend_band``) × (or from none to some). Only Millington's 50 % / 90 % / 9 months are
sourced; every other threshold is a proposal, overridable in ``AnalyticsConfig``.

Team overlay (Tuckman) for small project communities — kind ``project`` with at most 30
members (communities have no end date: archiving stands for it): adjourning once archived;
forming when younger than 4 weeks or fewer than half the members contributed in the window;
performing when ≥ 70 % of members contributed and the median first response is under 24 h;
otherwise "undetermined" (storming or norming cannot be read from counts: ask the animator).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from rucher.analytics.kpis import (
    CONTRIBUTING,
    _covers,
    _smallest_half,
    _StaffJudge,
    _start_of,
)
from rucher.analytics.kpis import thresholds as kpi_thresholds
from rucher.analytics.models import (
    AnalyticsConfig,
    CommunityDay,
    MembershipSpan,
    PersonDay,
    PersonRoleSpan,
    StageHistory,
    Thread,
)
from rucher.analytics.periods import Scope

DORMANT = "dormant"
INCEPTION = "inception"
DECLINE = "decline"
ESTABLISHMENT = "establishment"
MATURITY = "maturity"
MITOSIS = "mitosis_candidate"

RANK = {DORMANT: 0, INCEPTION: 1, DECLINE: 2, ESTABLISHMENT: 3, MATURITY: 4, MITOSIS: 5}

# With a context: "Decline" is also the button that refuses an invitation ("Refuser").
STAGE = "community lifecycle stage"
STAGE_LABELS = {
    DORMANT: pgettext_lazy(STAGE, "Dormant"),
    INCEPTION: pgettext_lazy(STAGE, "Inception"),
    DECLINE: pgettext_lazy(STAGE, "Decline"),
    ESTABLISHMENT: pgettext_lazy(STAGE, "Establishment"),
    MATURITY: pgettext_lazy(STAGE, "Maturity"),
    MITOSIS: pgettext_lazy(STAGE, "Mitosis candidate"),
}

FORMING = "forming"
PERFORMING = "performing"
ADJOURNING = "adjourning"
UNDETERMINED = "undetermined"

OVERLAY_LABELS = {
    FORMING: gettext_lazy("Forming"),
    PERFORMING: gettext_lazy("Performing"),
    ADJOURNING: gettext_lazy("Adjourning"),
    UNDETERMINED: gettext_lazy("Storming or norming (ask the animator)"),
}

# Sourced (Millington): inception/establishment 0.50, maturity/mitosis 0.90, stalled 270 days.
# Every other value is a proposal (measurement.md) and may be overridden by an administrator.
LIFECYCLE_DEFAULTS: dict[str, Any] = {
    "window_days": 28,
    "up_after": 2,
    "down_after": 3,
    "dormant_silent_days": 56,
    "dormant_max_contributors": 2,
    "dormant_windows": 3,
    "inception_organic_below": 0.50,  # sourced
    "inception_min_contributors": 3,
    "inception_min_member_share": 0.05,
    "stalled_after_days": 270,  # sourced (9 months)
    "trend_weeks": 12,
    "trend_band": 0.10,
    "decline_drop": 0.30,
    "mitosis_organic_min": 0.90,  # sourced
    "mitosis_top_share_rise": 0.10,
    "mitosis_response_below": 0.60,
    "mitosis_volume_quantile": 0.75,
    "mitosis_departures_gap_weeks": 4,
    "maturity_organic_min": 0.90,  # sourced
    "maturity_response_min": 0.70,
    "maturity_absence_min": 3,
    "establishment_organic_min": 0.50,  # sourced
    "establishment_response_min": 0.50,
    "team_kind": "project",
    "team_max_members": 30,
    "forming_weeks": 4,
    "forming_contributed_below": 0.50,
    "performing_contributed_min": 0.70,
    "performing_response_hours": 24,
}
SOURCED = {
    "inception_organic_below",
    "stalled_after_days",
    "mitosis_organic_min",
    "maturity_organic_min",
    "establishment_organic_min",
}


def thresholds() -> dict[str, Any]:
    """Lifecycle thresholds: defaults overridden by ``AnalyticsConfig.lifecycle_thresholds``."""
    overrides = AnalyticsConfig.current().lifecycle_thresholds or {}
    return {key: overrides.get(key, default) for key, default in LIFECYCLE_DEFAULTS.items()}


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def last_complete_week(until: datetime.date) -> datetime.date:
    """The Monday of the last week whose Sunday is on or before ``until``."""
    return week_start(until + datetime.timedelta(days=1)) - datetime.timedelta(weeks=1)


# --- figures -----------------------------------------------------------------------------


def _by_community(rows: Iterable[Any], field: str) -> dict[int, Any]:
    return {row["community_id"]: row[field] for row in rows}


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def week_figures(
    community_ids: list[int],
    week: datetime.date,
    *,
    settings: dict[str, Any] | None = None,
    team_ids: Iterable[int] = (),
) -> dict[int, dict[str, Any]]:
    """The figures of each community for the window ending on ``week``'s Sunday.

    A few grouped queries for all the communities at once (not one per community).
    """
    th = settings or thresholds()
    kt = kpi_thresholds()
    end = week + datetime.timedelta(days=6)
    start = end - datetime.timedelta(days=th["window_days"] - 1)
    ids = list(community_ids)
    rows = PersonDay.objects.filter(
        CONTRIBUTING, community_id__in=ids, day__gte=start, day__lte=end
    )
    volume = rows.values("community_id").annotate(
        total=Sum("contributions"), people=Count("person_id", distinct=True)
    )
    totals = _by_community(volume, "total")
    contributors = _by_community(volume, "people")
    # Staff judged in memory on the rows of people with a staff span (a look-up per row of
    # every community cost most of a year's computation).
    judge = _StaffJudge(Scope(communities=frozenset(ids)), start, end)
    staff: dict[int, int] = {}
    for person, community, day, n in rows.filter(judge.candidates).values_list(
        "person_id", "community_id", "day", "contributions"
    ):
        if community is not None and judge(person, community, day):
            staff[community] = staff.get(community, 0) + n
    silent_start = end - datetime.timedelta(days=th["dormant_silent_days"] - 1)
    recent = _by_community(
        PersonDay.objects.filter(
            CONTRIBUTING, community_id__in=ids, day__gte=silent_start, day__lte=end
        )
        .values("community_id")
        .annotate(n=Sum("contributions")),
        "n",
    )
    active = PersonRoleSpan.objects.filter(_covers("since", "until", end)).values("person_id")
    spans = MembershipSpan.objects.filter(
        _covers("start", "end", end), community_id__in=ids, person_id__in=active
    )
    members = _by_community(
        spans.values("community_id").annotate(n=Count("person_id", distinct=True)), "n"
    )
    hours = kt["response_hours"]
    answered = Q(
        first_response_at__isnull=False,
        first_response_at__lte=F("created_at") + datetime.timedelta(hours=hours),
    )
    decided = answered | Q(created_at__lte=timezone.now() - datetime.timedelta(hours=hours))
    threads = (
        Thread.objects.filter(
            community_id__in=ids,
            created_at__gte=_start_of(start),
            created_at__lt=_start_of(end + datetime.timedelta(days=1)),
            deleted=False,
            hidden=False,
        )
        .exclude(type__in=kt["response_excluded_types"])
        .values("community_id")
        .annotate(decided=Count("pk", filter=decided), answered=Count("pk", filter=answered))
    )
    responses: dict[Any, Any] = {row["community_id"]: row for row in threads}

    def moves(since: datetime.date) -> dict[int, Any]:
        grouped = (
            CommunityDay.objects.filter(community_id__in=ids, day__gte=since, day__lte=end)
            .values("community_id")
            .annotate(arrivals=Sum("arrivals"), departures=Sum("departures"))
        )
        return {row["community_id"]: row for row in grouped}

    window_moves = moves(start)
    trend_moves = moves(end - datetime.timedelta(weeks=th["trend_weeks"]) + datetime.timedelta(1))
    per_person: dict[int | None, list[int]] = {}
    for row in rows.values("community_id", "person_id").annotate(n=Sum("contributions")):
        per_person.setdefault(row["community_id"], []).append(row["n"])

    team = [pk for pk in team_ids if pk in set(ids)]
    member_contributors: dict[int, int] = {}
    delays: dict[int | None, list[float]] = {}
    if team:
        member = MembershipSpan.objects.filter(
            _covers("start", "end", end),
            community_id=OuterRef("community_id"),
            person_id=OuterRef("person_id"),
        )
        member_contributors = _by_community(
            rows.filter(Exists(member), community_id__in=team)
            .values("community_id")
            .annotate(n=Count("person_id", distinct=True)),
            "n",
        )
        for community_id, created, responded in Thread.objects.filter(
            community_id__in=team,
            created_at__gte=_start_of(start),
            created_at__lt=_start_of(end + datetime.timedelta(days=1)),
            deleted=False,
            hidden=False,
            first_response_at__isnull=False,
        ).values_list("community_id", "created_at", "first_response_at"):
            if responded is not None:
                delays.setdefault(community_id, []).append(
                    (responded - created).total_seconds() / 3600
                )

    figures: dict[int, dict[str, Any]] = {}
    for pk in ids:
        total = totals.get(pk) or 0
        organic = total - (staff.get(pk) or 0)
        count = members.get(pk, 0)
        response: dict[str, Any] = responses.get(pk) or {}
        people = sorted(per_person.get(pk, []), reverse=True)
        top_n = math.ceil(kt["top_share"] * count) if count else 0
        absence = _smallest_half(people, kt["half_share"])
        figures[pk] = {
            "window_end": end.isoformat(),
            "members": count,
            "contributions": total,
            "contributors": contributors.get(pk, 0),
            "contributions_silent_window": recent.get(pk) or 0,
            "organic_share": organic / total if total else None,
            "threads": response.get("decided", 0),
            "response_rate": (
                response["answered"] / response["decided"] if response.get("decided") else None
            ),
            "absence_factor": absence[0] if absence else None,
            "top_share": sum(people[:top_n]) / total if total and top_n else None,
            "arrivals": (window_moves.get(pk) or {}).get("arrivals") or 0,
            "departures": (window_moves.get(pk) or {}).get("departures") or 0,
            "arrivals_trend": (trend_moves.get(pk) or {}).get("arrivals") or 0,
            "departures_trend": (trend_moves.get(pk) or {}).get("departures") or 0,
        }
        if pk in team:
            figures[pk]["contributed_share"] = (
                member_contributors.get(pk, 0) / count if count else None
            )
            figures[pk]["median_response_hours"] = _median(delays.get(pk, []))
    return figures


# --- rules -------------------------------------------------------------------------------


def _trend(now: int, before: int | None) -> float | None:
    """Relative change of contributors against ``before`` (None: unknown; inf: from none)."""
    if before is None:
        return None
    if before == 0:
        return math.inf if now > 0 else 0.0
    return (now - before) / before


def candidate(
    figures: dict[str, Any],
    history: dict[int, dict[str, Any]],
    *,
    previous_stage: str | None,
    age_days: int,
    volume_quartile: float | None,
    settings: dict[str, Any] | None = None,
) -> tuple[str, str, dict[str, Any]]:
    """(candidate stage, rule that fired, derived figures) for one community-week.

    ``history``: weeks ago (1, 2, 4, 12...) → that week's figures (missing weeks: the
    community did not exist then, i.e. no contributors, unless absent from the dict because
    they were never computed).
    """
    th = settings or thresholds()
    band = th["trend_band"]
    contributors = figures["contributors"]
    organic = figures["organic_share"]
    response = figures["response_rate"]
    trend_weeks = th["trend_weeks"]
    then = history.get(trend_weeks)
    before = then["contributors"] if then is not None else 0
    change = _trend(contributors, before)
    falling = change is not None and change <= -band
    growing = change is not None and change >= band
    derived: dict[str, Any] = {
        "contributors_change": None if change is None or math.isinf(change) else change,
        "falling": falling,
        "growing": growing,
        "age_days": age_days,
        "stalled": age_days > th["stalled_after_days"],
    }

    # 1. dormant
    if age_days >= th["dormant_silent_days"] and figures["contributions_silent_window"] == 0:
        # The explanation quotes the threshold the rule used, not the default.
        derived["silent_days"] = th["dormant_silent_days"]
        return DORMANT, "dormant_silent", derived
    counts = [contributors] + [
        (history.get(weeks) or {}).get("contributors", 0)
        for weeks in range(1, th["dormant_windows"])
    ]
    oldest = counts[-1]
    if (
        all(c <= th["dormant_max_contributors"] for c in counts)
        and all(counts[i] <= counts[i + 1] for i in range(len(counts) - 1))
        and contributors < oldest
    ):
        return DORMANT, "dormant_few", derived

    # 2. inception
    floor = max(
        th["inception_min_contributors"], th["inception_min_member_share"] * figures["members"]
    )
    derived["contributor_floor"] = floor
    if organic is None or organic < th["inception_organic_below"]:
        return INCEPTION, "inception_organic", derived
    if contributors < floor:
        return INCEPTION, "inception_contributors", derived

    # 3. decline
    if (
        previous_stage in (ESTABLISHMENT, MATURITY, MITOSIS, DECLINE)
        and change is not None
        and change <= -th["decline_drop"]
        and figures["departures_trend"] > figures["arrivals_trend"]
    ):
        return DECLINE, "decline", derived

    # 4. mitosis candidate
    if organic >= th["mitosis_organic_min"] and not falling:
        earlier = history.get(th["mitosis_departures_gap_weeks"])
        leaving_twice = figures["departures"] > figures["arrivals"] and (
            earlier is not None and earlier["departures"] > earlier["arrivals"]
        )
        top_then = (then or {}).get("top_share")
        top_now = figures["top_share"]
        concentrating = (
            top_now is not None
            and top_then is not None
            and top_now - top_then >= th["mitosis_top_share_rise"]
        )
        crowded = (
            response is not None
            and response < th["mitosis_response_below"]
            and volume_quartile is not None
            and figures["contributions"] > 0
            and figures["contributions"] >= volume_quartile
        )
        if leaving_twice or concentrating or crowded:
            derived["mitosis_signal"] = (
                "departures" if leaving_twice else "concentration" if concentrating else "crowded"
            )
            return MITOSIS, "mitosis", derived

    # 5. maturity
    if (
        organic >= th["maturity_organic_min"]
        and response is not None
        and response >= th["maturity_response_min"]
        and not falling
        and (figures["absence_factor"] or 0) >= th["maturity_absence_min"]
    ):
        return MATURITY, "maturity", derived

    # 6. establishment
    if (
        th["establishment_organic_min"] <= organic < th["maturity_organic_min"]
        and response is not None
        and response >= th["establishment_response_min"]
    ):
        return ESTABLISHMENT, "establishment", derived

    # 7. otherwise
    if growing:
        return ESTABLISHMENT, "growing", derived
    return INCEPTION, "not_growing", derived


def settle(
    previous_stage: str | None,
    candidates: list[str],
    *,
    settings: dict[str, Any] | None = None,
) -> str:
    """The stage shown, from last week's and the candidates so far (most recent last).

    A new community starts in inception. The stage moves to the latest candidate once that
    candidate came out ``up_after`` weeks in a row (moving up) or ``down_after`` (down)."""
    th = settings or thresholds()
    current = previous_stage or INCEPTION
    latest = candidates[-1]
    if latest == current:
        return current
    needed = th["up_after"] if RANK[latest] > RANK[current] else th["down_after"]
    recent = candidates[-needed:]
    if len(recent) == needed and all(c == latest for c in recent):
        return latest
    return current


def team_overlay(
    figures: dict[str, Any],
    *,
    age_days: int,
    archived: bool,
    settings: dict[str, Any] | None = None,
) -> str:
    th = settings or thresholds()
    if archived:
        return ADJOURNING
    share = figures.get("contributed_share")
    if (
        age_days < 7 * th["forming_weeks"]
        or share is None
        or share < th["forming_contributed_below"]
    ):
        return FORMING
    median = figures.get("median_response_hours")
    if (
        share >= th["performing_contributed_min"]
        and median is not None
        and median < th["performing_response_hours"]
    ):
        return PERFORMING
    return UNDETERMINED


# --- the weekly computation --------------------------------------------------------------


def _communities() -> list[dict[str, Any]]:
    from rucher.communities.models import Community

    result = []
    for pk, created_at, archived_at, kind in Community.objects.values_list(
        "pk", "created_at", "archived_at", "kind__code"
    ):
        result.append(
            {
                "pk": pk,
                "created": timezone.localdate(created_at),
                "archived": timezone.localdate(archived_at) if archived_at else None,
                "kind": kind,
            }
        )
    return result


def compute_stages(
    until: datetime.date | None = None,
    *,
    community_ids: Iterable[int] | None = None,
    recompute: bool = False,
) -> int:
    """Fill the weeks not yet computed up to the last week ending on or before ``until``
    (default: yesterday). Idempotent: a computed week is never recomputed unless
    ``recompute`` (which first deletes the history of the communities concerned). Returns
    the number of community-weeks written. Each week is written in its own transaction."""
    until = until or timezone.localdate() - datetime.timedelta(days=1)
    last = last_complete_week(until)
    th = thresholds()
    communities = _communities()
    if community_ids is not None:
        wanted = set(community_ids)
        communities = [c for c in communities if c["pk"] in wanted]
    if not communities:
        return 0
    ids = [c["pk"] for c in communities]
    if recompute:
        StageHistory.objects.filter(community_id__in=ids).delete()
    latest: dict[int, datetime.date] = {}
    for community_id, week in (
        StageHistory.objects.filter(community_id__in=ids)
        .order_by("community_id", "week_start")
        .values_list("community_id", "week_start")
    ):
        latest[community_id] = week
    next_week = {
        c["pk"]: (
            latest[c["pk"]] + datetime.timedelta(weeks=1)
            if c["pk"] in latest
            else week_start(c["created"])
        )
        for c in communities
    }
    first = min(next_week.values())
    if first > last:
        return 0
    lookback = max(th["trend_weeks"], th["mitosis_departures_gap_weeks"], th["dormant_windows"])
    cache: dict[tuple[int, datetime.date], tuple[str, dict[str, Any]]] = {
        (row.community_id, row.week_start): (row.stage, row.explanation or {})
        for row in StageHistory.objects.filter(
            community_id__in=ids,
            week_start__gte=first - datetime.timedelta(weeks=lookback),
            week_start__lt=first,
        )
    }
    written = 0
    week = first
    while week <= last:
        week_end = week + datetime.timedelta(days=6)
        due = [
            c
            for c in communities
            if next_week[c["pk"]] <= week
            and c["created"] <= week_end
            and (c["archived"] is None or c["archived"] >= week)
        ]
        if due:
            written += _compute_week(week, due, cache, th)
            for c in due:
                next_week[c["pk"]] = week + datetime.timedelta(weeks=1)
        week += datetime.timedelta(weeks=1)
    return written


def _compute_week(
    week: datetime.date,
    due: list[dict[str, Any]],
    cache: dict[tuple[int, datetime.date], tuple[str, dict[str, Any]]],
    th: dict[str, Any],
) -> int:
    week_end = week + datetime.timedelta(days=6)
    ids = [c["pk"] for c in due]
    figures_now = week_figures(ids, week, settings=th)
    team = [
        c["pk"]
        for c in due
        if c["kind"] == th["team_kind"]
        and figures_now[c["pk"]]["members"] <= th["team_max_members"]
    ]
    if team:
        team_figures = week_figures(team, week, settings=th, team_ids=team)
        for pk in team:
            figures_now[pk].update(
                {
                    key: team_figures[pk][key]
                    for key in ("contributed_share", "median_response_hours")
                }
            )
    volumes = sorted(f["contributions"] for f in figures_now.values() if f["contributions"] > 0)
    quartile = (
        volumes[max(math.ceil(th["mitosis_volume_quantile"] * len(volumes)) - 1, 0)]
        if volumes
        else None
    )
    with transaction.atomic():
        for c in due:
            pk = c["pk"]
            figures = figures_now[pk]
            history: dict[int, dict[str, Any]] = {}
            for weeks_ago in range(1, th["trend_weeks"] + 1):
                past = cache.get((pk, week - datetime.timedelta(weeks=weeks_ago)))
                if past is not None:
                    history[weeks_ago] = past[1]
            previous = cache.get((pk, week - datetime.timedelta(weeks=1)))
            previous_stage = previous[0] if previous else None
            age = (week_end - c["created"]).days
            stage_candidate, rule, derived = candidate(
                figures,
                history,
                previous_stage=previous_stage,
                age_days=age,
                volume_quartile=quartile,
                settings=th,
            )
            needed = max(th["up_after"], th["down_after"])
            candidates = [
                history[w]["candidate"]
                for w in range(needed - 1, 0, -1)
                if w in history and "candidate" in history[w]
            ] + [stage_candidate]
            stage = settle(previous_stage, candidates, settings=th)
            overlay = ""
            if pk in team:
                overlay = team_overlay(
                    figures,
                    age_days=age,
                    archived=c["archived"] is not None and c["archived"] <= week_end,
                    settings=th,
                )
            explanation = {**figures, **derived, "candidate": stage_candidate, "rule": rule}
            StageHistory.objects.update_or_create(
                community_id=pk,
                week_start=week,
                defaults={
                    "stage": stage,
                    "overlay": overlay,
                    "explanation": explanation,
                    "changed": previous_stage is not None and stage != previous_stage,
                },
            )
            cache[(pk, week)] = (stage, explanation)
    return len(due)


# --- explanations ------------------------------------------------------------------------


def _number(value: Any, digits: int = 2) -> str:
    if value is None:
        return _("no data")
    return formats.number_format(round(float(value), digits), digits)


def stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, stage))


def explain(explanation: dict[str, Any], stage: str) -> str:
    """Why a community is at this stage, in the current language:
    "organic share 0.62, response rate 0.71: establishment"."""
    figures = explanation or {}
    rule = figures.get("rule", "")
    organic = _number(figures.get("organic_share"))
    response = _number(figures.get("response_rate"))
    contributors = figures.get("contributors", 0)
    change = figures.get("contributors_change")
    candidate_stage = figures.get("candidate", stage)
    label = stage_label(candidate_stage).lower()
    if rule == "dormant_silent":
        # Weeks computed before the figure was stored read the threshold configured now.
        days = figures.get("silent_days") or thresholds()["dormant_silent_days"]
        text = _("no contribution for %(days)d days: %(stage)s") % {
            "days": days,
            "stage": label,
        }
    elif rule == "dormant_few":
        text = _("%(n)d contributors or fewer for 3 weeks and falling: %(stage)s") % {
            "n": contributors,
            "stage": label,
        }
    elif rule == "inception_organic":
        text = _("organic share %(organic)s: %(stage)s") % {"organic": organic, "stage": label}
    elif rule == "inception_contributors":
        text = _("%(n)d contributors for %(members)d members: %(stage)s") % {
            "n": contributors,
            "members": figures.get("members", 0),
            "stage": label,
        }
    elif rule == "decline":
        text = _(
            "contributors %(change)s in 12 weeks, more departures than arrivals: %(stage)s"
        ) % {"change": _percent(change), "stage": label}
    elif rule == "mitosis":
        signal = figures.get("mitosis_signal")
        reason = {
            "departures": _("more departures than arrivals twice"),
            "concentration": _("the most active 10% make a growing share"),
            "crowded": _("response rate %(response)s while very busy") % {"response": response},
        }.get(signal or "", "")
        text = _("organic share %(organic)s, %(reason)s: %(stage)s") % {
            "organic": organic,
            "reason": reason,
            "stage": label,
        }
    elif rule == "maturity":
        text = _(
            "organic share %(organic)s, response rate %(response)s, "
            "absence factor %(absence)s: %(stage)s"
        ) % {
            "organic": organic,
            "response": response,
            "absence": figures.get("absence_factor"),
            "stage": label,
        }
    elif rule in ("establishment", "growing", "not_growing"):
        if rule == "growing":
            reason = _("contributors growing")
        elif rule == "not_growing":
            reason = _("contributors not growing")
        else:
            reason = ""
        base = _("organic share %(organic)s, response rate %(response)s") % {
            "organic": organic,
            "response": response,
        }
        figures_text = f"{base}, {reason}" if reason else base
        # French puts a space before the colon: the punctuation is the translator's.
        text = _("%(figures)s: %(stage)s") % {"figures": figures_text, "stage": label}
    else:
        text = label
    if figures.get("stalled") and candidate_stage == INCEPTION:
        text += " " + _("(stalled: older than 9 months)")
    if candidate_stage != stage:
        text += " " + _("— still %(stage)s until confirmed") % {"stage": stage_label(stage).lower()}
    return text


def _percent(value: Any) -> str:
    if value is None:
        return _("no data")
    return formats.number_format(round(float(value) * 100), 0) + " %"
