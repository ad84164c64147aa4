"""What the analytics pages, files and API show: access rules and read-only assembly.

Everything here reads the rollups (``models``) and the KPI functions (``kpis``), never the
live content tables; the only live reads are the community itself (name, visibility, through
the access policy) and org unit names.

Who sees what (the measurement charter says the same in plain words):

- A community's insights: its owners and animators, administrators, the ESN project team
  (for the communities they can see), and the internal members of an open community. Anyone
  else who can see the community gets 403; who cannot see it gets the 404 of a missing one.
- The network dashboard: the ESN project team and administrators.
- "My activity": each person, about themself only.
- The charter: everybody logged in. The privacy settings: administrators.

Nothing here lists or ranks individual people. Counts of people over a group smaller than
the minimum group size are hidden (``privacy``), and breakdowns merge such groups.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import OrgUnit, User
from rucher.analytics import charts, lifecycle, privacy
from rucher.analytics.arrays import distinct_with_positions
from rucher.analytics.charts import Chart
from rucher.analytics.exports import Table
from rucher.analytics.models import (
    CommunityDay,
    MembershipSpan,
    PersonDay,
    PersonRoleSpan,
    PersonUnit,
    StageHistory,
    Thread,
)
from rucher.communities import policy
from rucher.communities.models import Community, Visibility
from rucher.core.errors import Forbidden

DAY = datetime.timedelta(days=1)
STAFF_ROLES = {"owner", "animator"}
HABITUAL_DAYS = 10
SILENT_DAYS = 7
UNANSWERED_HOURS = 48


def stage_label(code: str) -> str:
    return lifecycle.stage_label(code)


def stage_codes() -> list[str]:
    """Stage codes from the least to the most developed (the lifecycle's rank)."""
    return sorted(lifecycle.STAGE_LABELS, key=lambda code: lifecycle.RANK.get(code, 0))


def overlay_label(code: str) -> str:
    return str(lifecycle.OVERLAY_LABELS.get(code, code)) if code else ""


# ---------------------------------------------------------------- access


def can_see_network(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_project_team)


def insights_community(
    *, user: User, community_id: int | None = None, slug: str | None = None
) -> Community:
    """The community whose insights ``user`` may read; NotFound when they cannot see it,
    Forbidden when they see it but its insights are not for them."""
    community = policy.access_community(user=user, community_id=community_id, slug=slug)
    if not can_see_insights(user, community):
        raise Forbidden(
            _(
                "A community's insights are for its owners and animators, the ESN project "
                "team and the members of an open community."
            )
        )
    return community


def can_see_insights(user: User, community: Community) -> bool:
    if not (user.is_authenticated and user.is_active) or user.is_guest:
        return False
    if user.is_project_team:  # administrators included; visibility was checked before
        return True
    membership = policy.membership_of(user, community)
    if membership is None:
        return False
    return membership.manages or community.visibility == Visibility.OPEN


def insights_communities(user: User) -> list[Community]:
    """The communities whose insights ``user`` may open (for the analytics home)."""
    if not (user.is_authenticated and user.is_active) or user.is_guest:
        return []
    visible = Community.objects.visible_to(user).order_by("name")
    if user.is_project_team:
        return list(visible)
    return [
        c
        for c in visible.filter(pk__in=policy.current_community_ids(user))
        if can_see_insights(user, c)
    ]


def min_group_size() -> int:
    return privacy.min_group_size()


# ---------------------------------------------------------------- KPI values


@dataclass
class KpiView:
    key: str
    label: str
    definition: str
    unit: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    window: int | None = None
    group_size: int | None = None
    suppressed: bool = False
    start: datetime.date | None = None
    end: datetime.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def no_data(self) -> bool:
        return self.value is None

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def shows_fraction(self) -> bool:
        """ "22 of 25" reads right under a ratio, not under a median or an index."""
        return self.unit == "ratio" and None not in (self.numerator, self.denominator)


def format_value(value: float | None, unit: str) -> str:
    from django.utils.formats import number_format

    if value is None:
        return str(_("no data"))
    if unit in ("ratio", "share", "rate", "%", "percent"):
        return f"{number_format(round(value * 100, 1), 1)} %"
    if unit in ("hours", "h"):
        return _("%(hours)s h") % {"hours": number_format(round(value, 1), 1)}
    if unit in ("days", "d"):
        return _("%(days)s days") % {"days": number_format(round(value), 0)}
    if unit == "index":
        return ("+" if value > 0 else "") + number_format(round(value, 2), 2)
    if float(value).is_integer():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(round(value, 2), 2)


def _entry(key: str) -> tuple[Any, str, str, str]:
    """(callable(scope, period, window=...), label, definition, unit) of a KPI."""
    from rucher.analytics import kpis

    spec = kpis.KPIS[key]
    return spec, str(spec.label), str(spec.definition), spec.unit


def kpi_keys() -> list[str]:
    from rucher.analytics import kpis

    return list(kpis.KPIS)


def make_scope(communities: Iterable[int] | None = None, org_unit_id: int | None = None) -> Any:
    from rucher.analytics.periods import Scope

    return Scope(
        communities=frozenset(communities) if communities is not None else None,
        org_unit_id=org_unit_id,
    )


def make_period(start: datetime.date, end: datetime.date) -> Any:
    from rucher.analytics.periods import Period

    return Period(start, end)


def kpi(
    key: str,
    scope: Any,
    start: datetime.date,
    end: datetime.date,
    *,
    window: int | None = None,
) -> KpiView:
    """One KPI, with the privacy threshold applied to the people behind it."""
    spec, label, definition, unit = _entry(key)
    result = privacy.suppress_kpi(spec(scope, make_period(start, end), window=window))
    parts = {
        name: value
        for name, value in (result.parts or {}).items()
        if isinstance(value, int | float) or value is None
    }
    return KpiView(
        key=key,
        label=label,
        definition=definition,
        unit=unit,
        value=result.value,
        numerator=result.numerator,
        denominator=result.denominator,
        window=result.window,
        group_size=result.group_size,
        suppressed=result.suppressed,
        start=result.start,
        end=result.end,
        extra=parts,
    )


def _number(value: float | None) -> str | None:
    from django.utils.formats import number_format

    if value is None:
        return None
    if float(value).is_integer():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(round(value, 2), 2, force_grouping=True)


def kpi_table(key: str, title: str, views: list[KpiView]) -> Table:
    return Table(
        key=key,
        title=title,
        columns=[
            ("indicator", _("Indicator")),
            ("value", _("Value")),
            ("numerator", _("Numerator")),
            ("denominator", _("Denominator")),
            ("window", _("Window (days)")),
            ("group_size", _("People behind it")),
            ("definition", _("Definition")),
        ],
        rows=[
            [v.label, v.value, v.numerator, v.denominator, v.window, v.group_size, v.definition]
            for v in views
        ],
        shown=[
            [
                v.label,
                None if v.value is None else v.display,
                _number(v.numerator),
                _number(v.denominator),
                v.window,
                v.group_size,
                v.definition,
            ]
            for v in views
        ],
        note=_("Empty value: no data, or a group below the minimum size."),
    )


# ---------------------------------------------------------------- time buckets


def buckets(start: datetime.date, end: datetime.date) -> tuple[list[datetime.date], int]:
    """Days for a period of up to 31 days, weeks (from ``start``) beyond: (bucket starts, days)."""
    step = 1 if (end - start).days < 31 else 7
    starts: list[datetime.date] = []
    day = start
    while day <= end:
        starts.append(day)
        day += datetime.timedelta(days=step)
    return starts, step


def bucket_of(day: datetime.date, start: datetime.date, step: int) -> datetime.date:
    return start + datetime.timedelta(days=((day - start).days // step) * step)


# ---------------------------------------------------------------- population helpers


def members_on(community_id: int, day: datetime.date) -> set[int]:
    spans = MembershipSpan.objects.filter(community_id=community_id, start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gt=day)
    )
    return set(spans.values_list("person_id", flat=True))


def internal_people_on(day: datetime.date) -> set[int]:
    spans = (
        PersonRoleSpan.objects.filter(since__lte=day)
        .filter(Q(until__isnull=True) | Q(until__gt=day))
        .exclude(role="guest")
    )
    return set(spans.values_list("person_id", flat=True))


def units_on(day: datetime.date, people: set[int] | None = None) -> dict[int, int | None]:
    from rucher.analytics import kpis

    if people is None or len(people) >= 900:
        return kpis.units_on(day)  # everyone's, read once per page (``shared_reads``)
    rows = PersonUnit.objects.filter(since__lte=day, person_id__in=people).order_by(
        "person_id", "since"
    )
    unit: dict[int, int | None] = {}
    for person_id, org_unit_id in rows.values_list("person_id", "org_unit_id"):
        unit[person_id] = org_unit_id
    return unit


# ---------------------------------------------------------------- community insights


@dataclass
class Alert:
    level: str  # "warning" | "danger" | "info"
    text: str


@dataclass
class Report:
    """What one page shows: KPI tiles, charts (each with its table), other tables, alerts."""

    title: str
    start: datetime.date
    end: datetime.date
    kpis: list[KpiView] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    threshold: int = 5
    context: dict[str, Any] = field(default_factory=dict)

    def all_tables(self) -> dict[str, Table]:
        found = {chart.table.key: chart.table for chart in self.charts}
        found.update({table.key: table for table in self.tables})
        return found

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.key == key), None)


COMMUNITY_KPIS = (
    "reach",
    "contributor_rate",
    "habitual_users",
    "organic_share",
    "response_rate",
    "time_to_first_response",
    "question_resolution",
    "vitality",
)


def _safe_kpis(
    keys: Iterable[str], scope: Any, start: datetime.date, end: datetime.date
) -> list[KpiView]:
    """The KPIs the registry has (a key it lacks is skipped, not an error)."""
    try:
        known = set(kpi_keys())
    except (ImportError, AttributeError):
        return []
    return [kpi(key, scope, start, end) for key in keys if key in known]


def community_insights(community: Community, start: datetime.date, end: datetime.date) -> Report:
    from rucher.analytics import kpis

    with kpis.shared_reads():
        return _community_insights(community, start, end)


def _community_insights(community: Community, start: datetime.date, end: datetime.date) -> Report:
    threshold = min_group_size()
    report = Report(title=community.name, start=start, end=end, threshold=threshold)
    members_now = members_on(community.pk, end)
    small = len(members_now) < threshold
    report.context["member_count"] = len(members_now)
    report.context["small"] = small
    report.kpis = _safe_kpis(COMMUNITY_KPIS, make_scope([community.pk]), start, end)
    starts, step = buckets(start, end)
    date_label = _("Day") if step == 1 else _("Week starting")

    # Activity over time (acts, not people: shown whatever the size of the community).
    activity: dict[datetime.date, dict[str, int]] = {
        day: {"posts": 0, "comments": 0, "reactions": 0} for day in starts
    }
    for row in CommunityDay.objects.filter(
        community_id=community.pk, day__range=(start, end)
    ).values("day", "posts", "comments", "reactions"):
        bucket = activity[bucket_of(row["day"], start, step)]
        for name in ("posts", "comments", "reactions"):
            bucket[name] += row[name]
    report.charts.append(
        charts.bars_over_time(
            key="activity",
            title=_("Activity over time"),
            rows=[{"day": day, **counts} for day, counts in activity.items()],
            series=[
                ("posts", _("Posts")),
                ("comments", _("Comments")),
                ("reactions", _("Reactions")),
            ],
            date_label=date_label,
            step=step,
            value_label=_("Acts"),
            description=_("Posts, comments and reactions written in the community, per %(unit)s.")
            % {"unit": _("day") if step == 1 else _("week")},
        )
    )

    # Contributors versus readers (people: hidden below the threshold).
    if not small:
        report.charts.append(_contributors_vs_readers(community.pk, starts, step, end, date_label))

    # Time to first response, question resolution (threads started in the period).
    threads: list[dict[str, Any]] = [
        dict(row)
        for row in Thread.objects.filter(
            community_id=community.pk,
            created_at__date__range=(start, end),
            deleted=False,
        ).values("type", "created_at", "first_response_at", "accepted_at", "hidden")
    ]
    threads = [t for t in threads if not t["hidden"]]
    report.charts.append(_response_times(threads))
    report.charts.append(_resolution([t for t in threads if t["type"] == "question"]))

    # Stage and its history.
    history = list(
        StageHistory.objects.filter(community_id=community.pk, week_start__lte=end).order_by(
            "week_start"
        )
    )
    shown = [row for row in history if row.week_start >= start - datetime.timedelta(days=7 * 12)]
    report.context["stage"] = history[-1] if history else None
    report.context["stage_label"] = stage_label(history[-1].stage) if history else ""
    report.context["stage_overlay"] = overlay_label(history[-1].overlay) if history else ""
    report.context["stage_explanation"] = explain_stage(history[-1]) if history else ""
    report.context["stage_changes"] = [
        {"week": row.week_start, "stage": stage_label(row.stage), "explanation": explain_stage(row)}
        for row in reversed(history)
        if row.changed
    ][:12]
    report.charts.append(
        charts.step_line(
            key="stage_history",
            title=_("Stage week by week"),
            rows=[{"day": row.week_start, "level": stage_label(row.stage)} for row in shown],
            levels=[stage_label(code) for code in stage_codes()],
            date_label=_("Week starting"),
            level_label=_("Stage"),
            description=_("The lifecycle stage computed each week on a 28-day window."),
        )
    )
    report.tables.append(
        Table(
            key="stage_changes",
            title=_("Stage changes"),
            columns=[("week", _("Week starting")), ("stage", _("Stage")), ("why", _("Why"))],
            rows=[
                [c["week"], c["stage"], c["explanation"]] for c in report.context["stage_changes"]
            ],
        )
    )
    report.alerts = community_alerts(community, history)
    report.tables.insert(0, kpi_table("indicators", _("Indicators"), report.kpis))
    return report


def _contributors_vs_readers(
    community_id: int, starts: list[datetime.date], step: int, end: datetime.date, date_label: str
) -> Chart:
    first = starts[0]
    contributors: dict[datetime.date, set[int]] = defaultdict(set)
    for person_id, day in PersonDay.objects.filter(
        community_id=community_id, day__range=(first, end), contributions__gt=0
    ).values_list("person_id", "day"):
        contributors[bucket_of(day, first, step)].add(person_id)
    member_spans = MembershipSpan.objects.filter(community_id=community_id, start__lte=end).filter(
        Q(end__isnull=True) | Q(end__gt=first)
    )
    spans = list(member_spans.values_list("person_id", "start", "end"))
    people = {person_id for person_id, _s, _e in spans}
    reached: dict[datetime.date, set[int]] = defaultdict(set)
    # The members' rows only, chosen by the database (not every reached row of the period).
    rows = PersonDay.objects.filter(
        day__range=(first, end), reached=True, person_id__in=member_spans.values("person_id")
    )
    for person_id, day in rows.values_list("person_id", "day").distinct():
        if person_id in people:
            reached[bucket_of(day, first, step)].add(person_id)
    result = []
    for bucket in starts:
        last = min(end, bucket + datetime.timedelta(days=step - 1))
        members = {p for p, s, e in spans if s <= last and (e is None or e > bucket)}
        writing = contributors[bucket] & members
        reading = (reached[bucket] & members) - writing
        result.append({"day": bucket, "contributors": len(writing), "readers": len(reading)})
    return charts.bars_over_time(
        key="contributors_readers",
        title=_("Contributors and readers"),
        rows=result,
        series=[("contributors", _("Contributors")), ("readers", _("Readers only"))],
        date_label=date_label,
        step=step,
        value_label=_("Members"),
        description=_(
            "Members who wrote something in the community, and members who came to Rucher "
            "without writing in it."
        ),
        colours=[charts.HONEY, "#1f5c8a"],
    )


def _response_times(threads: list[dict[str, Any]]) -> Chart:
    limits = [
        (1, _("Under 1 hour")),
        (4, _("1 to 4 hours")),
        (24, _("4 to 24 hours")),
        (48, _("24 to 48 hours")),
        (None, _("Over 48 hours")),
    ]
    counts = {label: 0 for _limit, label in limits}
    waiting = 0
    for thread in threads:
        if thread["first_response_at"] is None:
            waiting += 1
            continue
        hours = (thread["first_response_at"] - thread["created_at"]).total_seconds() / 3600
        for limit, label in limits:
            if limit is None or hours < limit:
                counts[label] += 1
                break
    rows: list[tuple[str, float | None]] = [(label, counts[label]) for _l, label in limits]
    rows.append((_("No reply yet"), waiting))
    chart = charts.horizontal_bars(
        key="first_response",
        title=_("Time to first response"),
        rows=rows,
        category_label=_("First reply by someone else"),
        value_label=_("Threads"),
        description=_("Threads started in the period, by the time until someone else replied."),
    )
    chart.empty = not threads
    return chart


def _resolution(questions: list[dict[str, Any]]) -> Chart:
    accepted = sum(1 for q in questions if q["accepted_at"] is not None)
    answered = sum(
        1 for q in questions if q["accepted_at"] is None and q["first_response_at"] is not None
    )
    unanswered = len(questions) - accepted - answered
    chart = charts.horizontal_bars(
        key="resolution",
        title=_("Question resolution"),
        rows=[
            (_("Accepted answer"), accepted),
            (_("Answered, none accepted"), answered),
            (_("Unanswered"), unanswered),
        ],
        category_label=_("Status"),
        value_label=_("Questions"),
        description=_("Questions asked in the period, by what became of them."),
        colour="#2f6b3a",
    )
    chart.empty = not questions
    return chart


def explain_stage(row: StageHistory) -> str:
    """The plain-language reason of a stage ("organic share 0.62, response rate 0.71: ...")."""
    figures = row.explanation if isinstance(row.explanation, dict) else {}
    return str(lifecycle.explain(figures, row.stage))


def community_alerts(community: Community, history: list[StageHistory]) -> list[Alert]:
    alerts: list[Alert] = []
    today = timezone.localdate()
    last_post = CommunityDay.objects.filter(community_id=community.pk, posts__gt=0).aggregate(
        last=Max("day")
    )["last"]
    if last_post is None:
        alerts.append(Alert("warning", _("Nothing has been posted in this community yet.")))
    elif (today - last_post).days >= SILENT_DAYS:
        alerts.append(
            Alert(
                "warning",
                _("No post for %(days)d days (last post on %(date)s).")
                % {"days": (today - last_post).days, "date": last_post.strftime("%d/%m/%Y")},
            )
        )
    cutoff = timezone.now() - datetime.timedelta(hours=UNANSWERED_HOURS)
    waiting = Thread.objects.filter(
        community_id=community.pk,
        type="question",
        deleted=False,
        hidden=False,
        first_response_at__isnull=True,
        created_at__lt=cutoff,
    ).count()
    if waiting:
        alerts.append(
            Alert(
                "danger",
                _("%(count)d question(s) unanswered for more than 48 hours.") % {"count": waiting},
            )
        )
    if len(history) >= 2:
        now, before = history[-1], history[-2]
        rank = lifecycle.RANK
        if now.stage == lifecycle.DECLINE or rank.get(now.stage, 0) < rank.get(before.stage, 0):
            alerts.append(
                Alert(
                    "warning",
                    _("The stage is declining: %(before)s → %(now)s.")
                    % {"before": stage_label(before.stage), "now": stage_label(now.stage)},
                )
            )
    return alerts


# ---------------------------------------------------------------- network dashboard

NETWORK_KPIS = (
    "reach",
    "contributor_rate",
    "habitual_users",
    "stickiness",
    "organic_share",
    "cross_department_share",
    "ei_index",
    "reciprocity",
    "new_bridges",
    "brokers",
    "leader_participation",
    "churn",
)


def unit_levels() -> list[tuple[int, str]]:
    present = sorted(set(OrgUnit.objects.values_list("depth", flat=True)))
    names = {
        0: _("Company"),
        1: _("Division"),
        2: _("Department"),
        3: _("Team"),
    }
    return [(depth, str(names.get(depth, _("Level %(n)d") % {"n": depth}))) for depth in present]


def unit_groups(
    day: datetime.date, depth: int, people: set[int]
) -> tuple[dict[int, int | None], dict[int | None, int], dict[Any, str]]:
    """Each person's group at ``depth`` of the org tree (a deeper unit counts in its
    ancestor): (person → unit id or None, people per group, group labels)."""
    units = {u.pk: u for u in OrgUnit.objects.all()}
    ancestor_at: dict[int, int] = {}
    for unit in units.values():
        ids = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]
        ancestor_at[unit.pk] = ids[min(depth, len(ids) - 1)]
    person_unit = units_on(day, people)
    group_of: dict[int, int | None] = {}
    for person in people:
        unit_id = person_unit.get(person)
        group_of[person] = ancestor_at.get(unit_id) if unit_id is not None else None
    sizes: dict[int | None, int] = defaultdict(int)
    for group in group_of.values():
        sizes[group] += 1
    labels: dict[Any, str] = {pk: units[pk].name for pk in sizes if pk is not None and pk in units}
    labels[None] = str(_("No org unit"))
    labels[privacy.OTHER] = str(privacy.OTHER_LABEL)
    return group_of, dict(sizes), labels


def network_dashboard(
    viewer: User, start: datetime.date, end: datetime.date, depth: int | None = None
) -> Report:
    from rucher.analytics import kpis

    with kpis.shared_reads():
        return _network_dashboard(viewer, start, end, depth)


def _network_dashboard(
    viewer: User, start: datetime.date, end: datetime.date, depth: int | None
) -> Report:
    from rucher.analytics import kpis

    threshold = min_group_size()
    report = Report(title=_("Network dashboard"), start=start, end=end, threshold=threshold)
    report.kpis = _safe_kpis(NETWORK_KPIS, make_scope(None), start, end)
    people = internal_people_on(end)
    report.context["people"] = len(people)

    # Adoption funnel.
    report.charts.append(_funnel(people, start, end, threshold))

    # Org unit × org unit interactions, groups below the threshold merged.
    levels = unit_levels()
    if depth is None or depth not in {d for d, _n in levels}:
        depth = next((d for d, _n in levels if d >= 2), levels[-1][0] if levels else 0)
    report.context["levels"] = levels
    report.context["depth"] = depth
    group_of, sizes, labels = unit_groups(end, depth, people)
    raw = _unit_interactions(start, end, group_of)
    matrix = privacy.suppress_matrix(raw, sizes, threshold=threshold)
    report.context["merged_groups"] = matrix.hidden
    names = [labels.get(key, str(key)) for key in matrix.keys]
    cells = [
        (labels.get(a, str(a)), labels.get(b, str(b)), int(matrix.cells.get((a, b), 0)))
        for a in matrix.keys
        for b in matrix.keys
    ]
    report.context["unit_names"] = names
    heat = charts.heat_map(
        key="unit_interactions",
        title=_("Interactions between org units"),
        cells=cells if raw else [],
        source_label=_("From"),
        target_label=_("To"),
        value_label=_("Interactions"),
        description=_(
            "Replies, mentions and reactions from people of one unit to people of another. "
            "Units with fewer than %(n)d people are merged."
        )
        % {"n": threshold},
    )
    heat.table.note = _(
        "%(hidden)d units of fewer than %(n)d people are merged into “other groups” or hidden."
    ) % {"hidden": matrix.hidden, "n": threshold}
    report.charts.append(heat)

    # New bridges over time.
    starts, step = buckets(start, end)
    bridges: dict[datetime.date, int] = dict.fromkeys(starts, 0)
    # The pairs the "new bridges" KPI read already (``kpis.new_pairs``, the same query),
    # counted per first day with arrays.
    found = kpis.new_pairs(make_scope(None), start, end)
    per_day = np.bincount(found.day_index[found.bridges(end)], minlength=len(found.days))
    for day, count in zip(found.days, per_day.tolist(), strict=True):
        if count:
            bridges[bucket_of(day, start, step)] += count
    report.charts.append(
        charts.bars_over_time(
            key="new_bridges",
            title=_("New bridges over time"),
            rows=[{"day": day, "bridges": count} for day, count in bridges.items()],
            series=[("bridges", _("New bridges"))],
            date_label=_("Day") if step == 1 else _("Week starting"),
            step=step,
            value_label=_("Pairs of people"),
            description=_(
                "Pairs of people from different org units whose first interaction ever fell in "
                "the period."
            ),
            colours=["#0f6e6e"],
        )
    )

    # Communities by stage and dormant communities.
    # Each community's latest week only (not the whole history: 52 rows a year each).
    # The latest week of each community grouped once (a correlated "latest week" look-up per
    # row of the history cost more), then the rows of those weeks.
    latest_week = dict(
        StageHistory.objects.filter(week_start__lte=end)
        .values_list("community_id")
        .annotate(latest=Max("week_start"))
        .order_by()
    )
    latest: dict[int, StageHistory] = {
        row.community_id: row
        for row in StageHistory.objects.filter(week_start__in=set(latest_week.values()))
        if latest_week.get(row.community_id) == row.week_start
    }
    by_stage: dict[str, int] = defaultdict(int)
    for row in latest.values():
        by_stage[row.stage] += 1
    report.charts.append(
        charts.horizontal_bars(
            key="stages",
            title=_("Communities by stage"),
            rows=[(stage_label(code), by_stage.get(code, 0)) for code in stage_codes()],
            category_label=_("Stage"),
            value_label=_("Communities"),
            description=_("The latest weekly stage of every community."),
            colour="#7b3f8c",
        )
    )
    report.tables.append(_dormant(viewer, latest, end))
    report.tables.append(_leaders(people, start, end, threshold))
    report.tables.insert(0, kpi_table("indicators", _("Indicators"), report.kpis))
    return report


def _unit_interactions(
    start: datetime.date, end: datetime.date, group_of: dict[int, int | None]
) -> dict[tuple[Any, Any], float]:
    """Sum of the interactions' counts from group to group over the period, for the pairs
    whose two people have a group (``group_of``; the group None included). The window's
    pairs are the ones the network KPIs read (``kpis.window_pairs``), summed with arrays."""
    from rucher.analytics import kpis

    pairs = kpis.window_pairs(make_scope(None), start, end)
    groups = list(dict.fromkeys(group_of.values()))
    index = {group: position for position, group in enumerate(groups)}
    group_codes = np.fromiter(
        (index[group_of[node]] if node in group_of else -1 for node in pairs.nodes.tolist()),
        dtype=np.int64,
        count=len(pairs.nodes),
    )
    source_groups, target_groups = group_codes[pairs.sources], group_codes[pairs.targets]
    kept = (source_groups >= 0) & (target_groups >= 0)
    cells, inverse = distinct_with_positions(
        source_groups[kept] * len(groups) + target_groups[kept]
    )
    totals = np.bincount(inverse, weights=pairs.counts[kept], minlength=len(cells))
    return {
        (groups[cell // len(groups)], groups[cell % len(groups)]): total
        for cell, total in zip(cells.tolist(), totals.tolist(), strict=True)
    }


def _funnel(people: set[int], start: datetime.date, end: datetime.date, threshold: int) -> Chart:
    from rucher.analytics import kpis

    # Ever reached: one look-up per person in the (person, day) index, not a scan of the
    # whole history.
    ever = set(
        PersonRoleSpan.objects.filter(
            Exists(
                PersonDay.objects.filter(
                    person_id=OuterRef("person_id"), day__lte=end, reached=True
                )
            )
        )
        .values_list("person_id", flat=True)
        .distinct()
    )
    # Each person's rows summed once for the page (``kpis.window_activity``): days with the
    # ``reached`` flag and contributions.
    everyone = make_scope(None)
    in_period = kpis.window_activity(everyone, start, end)
    reached = in_period.flagged_days.keys()
    contributing = in_period.contributions.keys()
    window_start = end - datetime.timedelta(days=27)
    habitual = {
        person
        for person, days in kpis.window_activity(everyone, window_start, end).flagged_days.items()
        if days >= HABITUAL_DAYS
    }
    steps = [
        (_("Invited (accounts)"), len(people)),
        (_("Activated (came at least once)"), len(people & ever)),
        (_("Reached in the period"), len(people & reached)),
        (_("Contributing in the period"), len(people & contributing)),
        (_("Habitual (10 of the last 28 days)"), len(people & habitual)),
    ]
    rows: list[tuple[str, float | None]] = [
        (label, count if count >= threshold or count == 0 else None) for label, count in steps
    ]
    chart = charts.horizontal_bars(
        key="funnel",
        title=_("Adoption funnel"),
        rows=rows,
        category_label=_("Step"),
        value_label=_("People"),
        description=_("Internal people at each step of adoption, from account to habit."),
    )
    chart.empty = not people
    return chart


def _dormant(viewer: User, latest: dict[int, StageHistory], end: datetime.date) -> Table:
    last_posts = dict(
        CommunityDay.objects.filter(day__lte=end, posts__gt=0)
        .values_list("community_id")
        .annotate(last=Max("day"))
    )
    visible = Community.objects.visible_to(viewer).filter(archived_at__isnull=True)
    rows = []
    for community in visible.order_by("name"):
        last = last_posts.get(community.pk)
        silent = (end - last).days if last else None
        stage = latest.get(community.pk)
        dormant = (stage is not None and stage.stage == "dormant") or silent is None or silent >= 28
        if dormant:
            rows.append([community.name, last, silent, stage_label(stage.stage) if stage else None])
    return Table(
        key="dormant",
        title=_("Dormant communities"),
        columns=[
            ("community", _("Community")),
            ("last_post", _("Last post")),
            ("days", _("Days without a post")),
            ("stage", _("Stage")),
        ],
        rows=rows,
        note=_("Communities with no post for 28 days or in the dormant stage."),
    )


def _leaders(people: set[int], start: datetime.date, end: datetime.date, threshold: int) -> Table:
    """Leader participation by division: managers who contributed ÷ managers; divisions with
    fewer managers than the threshold merged (``privacy.suppress_groups``)."""
    from rucher.analytics import kpis

    managers: set[int] = {
        pk
        for pk in PersonUnit.objects.filter(since__lte=end, manager_id__isnull=False)
        .values_list("manager_id", flat=True)
        .distinct()
        if pk is not None
    } & people
    contributed = managers & kpis.window_activity(make_scope(None), start, end).contributions.keys()
    group_of, sizes, labels = unit_groups(end, 1, managers)
    done: dict[Any, int] = defaultdict(int)
    for person in contributed:
        done[group_of.get(person)] += 1
    breakdown = privacy.suppress_groups(
        [
            privacy.Group(
                key=key if key is not None else "none",
                label=labels.get(key, str(key)),
                size=size,
                numerator=done.get(key, 0),
                denominator=size,
            )
            for key, size in sorted(sizes.items(), key=lambda item: labels.get(item[0], ""))
        ],
        threshold=threshold,
    )
    rows: list[list[Any]] = [
        [g.label, g.numerator, g.denominator, g.ratio] for g in breakdown.all_rows
    ]
    if len(managers) >= threshold:
        rows.append(
            [
                _("Whole organisation"),
                len(contributed),
                len(managers),
                len(contributed) / len(managers),
            ]
        )
    return Table(
        key="leaders",
        title=_("Leader participation"),
        columns=[
            ("group", _("Division")),
            ("contributed", _("Managers who contributed")),
            ("managers", _("Managers")),
            ("share", _("Share")),
        ],
        rows=rows,
        percent={"share"},
        note=_("Managers: people who are someone's manager.") + " " + breakdown.note,
    )


# ---------------------------------------------------------------- my activity


def my_activity(person: User, start: datetime.date, end: datetime.date) -> Report:
    """The person's own figures: never anyone else's, never a rank."""
    report = Report(title=_("My activity"), start=start, end=end, threshold=min_group_size())
    starts, step = buckets(start, end)
    series = ("posts", "comments", "reactions", "votes")
    per: dict[datetime.date, dict[str, int]] = {day: dict.fromkeys(series, 0) for day in starts}
    days_reached: set[datetime.date] = set()
    by_community: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(series, 0))
    for row in PersonDay.objects.filter(person_id=person.pk, day__range=(start, end)).values(
        "day", "community_id", "reached", *series
    ):
        if row["reached"]:
            days_reached.add(row["day"])
        bucket = per[bucket_of(row["day"], start, step)]
        for name in series:
            bucket[name] += row[name]
            by_community[row["community_id"]][name] += row[name]
    labels = [
        ("posts", _("Posts")),
        ("comments", _("Comments")),
        ("reactions", _("Reactions")),
        ("votes", _("Votes and replies to events")),
    ]
    report.charts.append(
        charts.bars_over_time(
            key="my_activity",
            title=_("What I wrote"),
            rows=[{"day": day, **counts} for day, counts in per.items()],
            series=labels,
            date_label=_("Day") if step == 1 else _("Week starting"),
            step=step,
            value_label=_("Acts"),
            description=_("Your posts, comments, reactions and votes over the period."),
        )
    )
    names = dict(
        Community.objects.visible_to(person)
        .filter(pk__in=[pk for pk in by_community if pk is not None])
        .values_list("pk", "name")
    )
    rows = []
    for community_id, counts in sorted(
        by_community.items(), key=lambda item: names.get(item[0] or 0, "")
    ):
        if sum(counts.values()) == 0:
            continue
        if community_id is None:
            name = _("Outside communities (my profile)")
        else:
            name = names.get(community_id) or _("A community I no longer see")
        rows.append([name, *[counts[s] for s in series]])
    report.tables.append(
        Table(
            key="by_community",
            title=_("Where I wrote"),
            columns=[("community", _("Community"))]
            + [(name, str(label)) for name, label in labels],
            rows=rows,
        )
    )
    totals = {name: sum(c[name] for c in per.values()) for name in series}
    report.context["totals"] = totals
    report.context["days_reached"] = len(days_reached)
    report.context["days"] = (end - start).days + 1
    report.context["contributions"] = sum(totals.values())
    report.context["memberships"] = len(
        set(
            MembershipSpan.objects.filter(person_id=person.pk, start__lte=end)
            .filter(Q(end__isnull=True) | Q(end__gt=end))
            .values_list("community_id", flat=True)
        )
    )
    return report
