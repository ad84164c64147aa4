"""Each KPI on a few hand-built rollup rows, against values computed by hand.

The rows are written directly (tests/analytics/kpi_world.py): the KPIs read only the
rollups, so the fixtures stay exact and independent of the consumer. The docstring of each
test shows the hand computation.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import networkx as nx
import pytest
from django.utils import timezone

from rucher.analytics import kpis
from rucher.analytics.kpis import KPIS, KpiValue
from rucher.analytics.models import AnalyticsConfig
from rucher.analytics.periods import Period, Scope
from tests.analytics.kpi_world import (
    ORG,
    OTHER,
    C,
    E,
    act,
    ago,
    at,
    base_people,
    community,
    community_day,
    first,
    interact,
    member,
    period,
    person,
    thread,
    unit,
)

pytestmark = pytest.mark.django_db


def approx(fraction: Fraction | float) -> float:
    return pytest.approx(float(fraction), abs=1e-12)


@pytest.fixture
def people(db):
    base_people()


# --- population --------------------------------------------------------------------------


def test_members_of_a_community_are_active_spans_on_the_day_guests_included(people):
    """C on E: 1–8 and the guest 10; 11 was deactivated on 2025-03-01 (half-open span)."""
    members = set(kpis.population(community(), E).values_list("person_id", flat=True))
    assert members == {1, 2, 3, 4, 5, 6, 7, 8, 10}
    organisation = set(kpis.population(ORG, E).values_list("person_id", flat=True))
    assert organisation == {1, 2, 3, 4, 5, 6, 7, 8, 9}
    # On 2025-02-28, 11 was still active.
    assert 11 in set(
        kpis.population(community(), datetime.date(2025, 2, 28)).values_list("person_id", flat=True)
    )


def test_a_span_ends_the_day_before_its_end(people):
    member(C, 20, start=ago(10), end=ago(3))
    person(20)
    assert 20 in set(kpis.population(community(), ago(4)).values_list("person_id", flat=True))
    assert 20 not in set(kpis.population(community(), ago(3)).values_list("person_id", flat=True))


# --- reach and contribution --------------------------------------------------------------


def reach_rows() -> None:
    act(1, ago(1), C, contributions=2)  # member, in C
    act(3, ago(10))  # member, platform presence
    act(4, ago(3), OTHER)  # member of C, but active in another community only
    act(5, ago(40))  # outside every window
    act(9, E)  # not a member of C
    act(6, E)  # member, presence today
    act(2, ago(20), C, contributions=1)
    act(7, ago(2), OTHER, contributions=4)


def test_reach_of_a_community_counts_its_members_platform_presence(people):
    """Members of C on E: 9. Reached: 28 days {1, 3, 6, 2}; 7 days {1, 6}; 1 day {6}."""
    reach_rows()
    assert kpis.kpi_reach(community(), period(), window=28).value == approx(Fraction(4, 9))
    week = kpis.kpi_reach(community(), period(), window=7)
    assert (week.value, week.numerator, week.denominator) == (approx(Fraction(2, 9)), 2, 9)
    assert week.start == ago(6) and week.end == E and week.window == 7
    assert kpis.kpi_reach(community(), period(), window=1).value == approx(Fraction(1, 9))


def test_reach_of_the_organisation_counts_every_row(people):
    """Internal active people on E: 1–9. Reached in 28 days: 1, 2, 3, 4, 6, 7, 9."""
    reach_rows()
    result = kpis.kpi_reach(ORG, period())
    assert (result.numerator, result.denominator) == (7, 9)
    assert result.group_size == 9


def test_contribution_and_contributor_rate(people):
    """In C, 28 days: 1 and 2 contributed (7 contributed elsewhere) → 2 of 9 members."""
    reach_rows()
    assert kpis.kpi_contribution(community(), period()).value == 2
    rate = kpis.kpi_contributor_rate(community(), period())
    assert rate.value == approx(Fraction(2, 9))
    assert kpis.kpi_contributor_rate(community(), period(), window=1).value == 0
    assert kpis.kpi_contributor_rate(ORG, period()).value == approx(Fraction(3, 9))


def test_habitual_users(people):
    """8 reached on 10 distinct days of the last 28 (two rows on one day count once);
    5 on 9 days; 4 on 10 days but one of them 28 days ago, outside."""
    for offset in range(10):
        act(8, ago(offset))
    act(8, ago(0), C, contributions=1)
    for offset in range(9):
        act(5, ago(offset))
    for offset in range(19, 29):
        act(4, ago(offset))
    result = kpis.kpi_habitual_users(community(), period())
    assert (result.value, result.numerator, result.denominator) == (approx(Fraction(1, 9)), 1, 9)


def test_stickiness_is_the_mean_daily_dau_over_mau(people):
    """Averaged over the 3 days of the period, MAU over 28 days ending each day.

    Reached: 1 on E−2 and E (twice on E), 3 on E−1, 2 on E−28, 4 on E−29.
    DAU: 1, 1, 1. MAU(E−2) = {1, 2, 4} = 3; MAU(E−1) = {1, 2, 3} = 3; MAU(E) = {1, 3} = 2.
    Mean of 1/3, 1/3, 1/2 = 7/18."""
    act(1, ago(2))
    act(1, E)
    act(1, E, C, contributions=1)
    act(3, ago(1), C, contributions=1)
    act(2, ago(28))
    act(4, ago(29))
    act(9, E)  # not a member
    result = kpis.kpi_stickiness(community(), Period(ago(2), E))
    assert result.value == approx(Fraction(7, 18))
    assert result.denominator == 3
    assert result.window is None


def test_participation_profile(people):
    """Members (9): 1 → 5, 4 → 3, 2 → 2, 3 → 1, the five others 0 (9, not a member, 10).
    none 5/9, 1–2: 2/9, ≥ 3: 2/9; top 10 % = ceil(0.9) = 1 person: 5 of 11."""
    act(1, ago(1), C, contributions=3)
    act(1, ago(2), C, contributions=2)
    act(4, ago(3), C, contributions=3)
    act(2, ago(4), C, contributions=2)
    act(3, ago(5), C, contributions=1)
    act(9, ago(5), C, contributions=10)
    act(5, ago(40), C, contributions=7)  # before the period
    result = kpis.kpi_participation_profile(community(), period())
    assert result.value == approx(Fraction(5, 11))
    assert result.parts["none"] == approx(Fraction(5, 9))
    assert result.parts["occasional"] == approx(Fraction(2, 9))
    assert result.parts["regular"] == approx(Fraction(2, 9))
    assert result.parts["top_people"] == 1
    assert (result.numerator, result.denominator, result.group_size) == (5, 11, 9)


def test_contributor_absence_factor(people):
    """Contributions in C: 9 → 10, 1 → 5, 4 → 3, 2 → 2, 3 → 1 (21). 10 < 10.5, 15 ≥ 10.5: 2."""
    for pk, amount in ((9, 10), (1, 5), (4, 3), (2, 2), (3, 1)):
        act(pk, ago(pk), C, contributions=amount)
    result = kpis.kpi_contributor_absence_factor(community(), period())
    assert (result.value, result.denominator, result.group_size) == (2, 21, 5)


def test_organic_share_follows_staff_at_the_time(people):
    """1 owner 5, 2 animator 2, 9 project team 10, 4 → 3, 3 → 1, and 5 who was animator until
    E−10: 4 on E−12 (staff) and 6 on E−5 (organic). Total 31, staff 21: organic 10/31."""
    from rucher.analytics.models import MembershipSpan

    MembershipSpan.objects.filter(community_id=C, person_id=5).delete()
    member(C, 5, "animator", end=ago(10))
    member(C, 5, "member", start=ago(10))
    for pk, amount in ((1, 5), (2, 2), (9, 10), (4, 3), (3, 1)):
        act(pk, ago(pk), C, contributions=amount)
    act(5, ago(12), C, contributions=4)
    act(5, ago(5), C, contributions=6)
    result = kpis.kpi_organic_share(community(), period())
    assert (result.value, result.numerator, result.denominator) == (
        approx(Fraction(10, 31)),
        10,
        31,
    )
    assert result.group_size == 6


def test_project_team_is_staff_outside_communities_too(people):
    act(9, ago(1), None, contributions=4)
    act(3, ago(1), None, contributions=1)
    assert kpis.kpi_organic_share(ORG, period()).value == approx(Fraction(1, 5))


def response_threads() -> None:
    created = at(ago(10))
    thread(3, created, responder=2, after_hours=1)  # animator: staff
    thread(4, created, responder=6, after_hours=3)
    thread(6, created, responder=9, after_hours=50)  # project team, late
    thread(7, created)  # never answered
    thread(5, created, responder=8, after_hours=10)
    thread(1, created, type="announcement", responder=3, after_hours=1)  # left out
    thread(3, created, responder=4, after_hours=1, deleted=True)  # left out
    thread(3, created, responder=4, after_hours=1, hidden=True)  # left out
    thread(3, created, community_id=OTHER, responder=4, after_hours=1)  # elsewhere
    thread(3, at(ago(40)), responder=4, after_hours=1)  # before the period


def test_organic_first_responses(people):
    """First responses: 2 (staff), 6, 9 (staff), 8 → 2 of 4."""
    response_threads()
    result = kpis.kpi_organic_first_responses(community(), period())
    assert (result.value, result.numerator, result.denominator) == (0.5, 2, 4)


def test_response_rate(people):
    """Decided threads: 5 (all old enough); answered within 48 h: 1 h, 3 h, 10 h → 3/5."""
    response_threads()
    result = kpis.kpi_response_rate(community(), period())
    assert (result.value, result.numerator, result.denominator) == (0.6, 3, 5)


def test_time_to_first_response_is_the_median(people):
    """Delays 1, 3, 10, 50 h → median (3 + 10) / 2 = 6.5 h; with a fifth, 2 h → 3 h."""
    response_threads()
    result = kpis.kpi_time_to_first_response(community(), period())
    assert result.value == approx(6.5)
    assert result.denominator == 4
    thread(8, at(ago(3)), responder=1, after_hours=2)
    assert kpis.kpi_time_to_first_response(community(), period()).value == approx(3)


def test_response_rate_leaves_out_threads_too_young_to_judge(people):
    """A thread posted an hour ago without a reply is not decided yet; one answered in
    30 minutes is."""
    now = timezone.now()
    today = timezone.localdate()
    thread(3, now - datetime.timedelta(hours=1))
    thread(4, now - datetime.timedelta(hours=1), responder=5, after_hours=0.5)
    result = kpis.kpi_response_rate(community(), Period(today - datetime.timedelta(days=1), today))
    assert (result.numerator, result.denominator) == (1, 1)


def test_question_resolution(people):
    """Questions: accepted, not accepted, deleted (left out); a discussion is not a question."""
    created = at(ago(5))
    thread(5, created, type="question", responder=6, after_hours=1, accepted=True)
    thread(6, created, type="question")
    thread(6, created, type="question", accepted=True, deleted=True)
    thread(6, created, type="discussion", accepted=True)
    result = kpis.kpi_question_resolution(community(), period())
    assert (result.value, result.numerator, result.denominator) == (0.5, 1, 2)


# --- conversion, retention, churn --------------------------------------------------------


def test_conversion(people):
    """m = E−55 … E−28, m+1 = E−27 … E. First contributions in C: 1 long before (not new);
    3 at E−40, again at E−5 (converted); 4 at E−30 only; 6 at E−10 (not in m); 7 first in
    another community at E−50, first in C at E−45, again at E−1 (converted) → 2/3."""
    act(1, ago(100), C, contributions=1)
    act(1, ago(40), C, contributions=1)
    act(1, ago(4), C, contributions=1)
    act(3, ago(40), C, contributions=1)
    act(3, ago(5), C, contributions=2)
    act(4, ago(30), C, contributions=1)
    act(4, ago(3), C, reached=True)  # reached again, but no contribution
    act(6, ago(10), C, contributions=1)
    act(7, ago(50), OTHER, contributions=1)
    act(7, ago(45), C, contributions=1)
    act(7, ago(1), C, contributions=1)
    result = kpis.kpi_conversion(community(), period())
    assert (result.value, result.numerator, result.denominator) == (
        approx(Fraction(2, 3)),
        2,
        3,
    )
    assert result.start == ago(55)
    # For the organisation, 7's first contribution is E−50: still in m, still converted.
    assert kpis.kpi_conversion(ORG, period()).value == approx(Fraction(2, 3))


def test_cohort_retention_pools_the_cohorts_of_the_target_weeks(people):
    """Period 3–16 March 2025: target weeks 3–9 and 10–16 March; k = 4 → cohorts 3–9 and
    10–16 February. Cohort 1: 1 (retained), 2 (active on 12 March only: not in week 3–9).
    3 was first active in January: in no cohort. Cohort 2: 4 (retained), 5 (not), 6 (first
    active on the Sunday, retained on the Sunday). 3 of 5."""
    day = datetime.date
    act(1, day(2025, 2, 4))
    act(1, day(2025, 3, 5))
    act(2, day(2025, 2, 5))
    act(2, day(2025, 3, 12))
    act(3, day(2025, 1, 20))
    act(3, day(2025, 2, 5))
    act(3, day(2025, 3, 4))
    act(4, day(2025, 2, 11))
    act(4, day(2025, 3, 15))
    act(5, day(2025, 2, 12))
    act(5, day(2025, 3, 1))
    act(6, day(2025, 2, 16))
    act(6, day(2025, 3, 16))
    result = kpis.kpi_cohort_retention(ORG, Period(day(2025, 3, 3), day(2025, 3, 16)), k=4)
    assert (result.numerator, result.denominator) == (3, 5)
    assert result.parts["cohorts"] == {"2025-02-03": 0.5, "2025-02-10": approx(Fraction(2, 3))}
    assert KPIS["cohort_retention_4"](ORG, Period(day(2025, 3, 3), day(2025, 3, 16))).value == (
        approx(Fraction(3, 5))
    )
    # A period too short for a whole target week: no data.
    assert kpis.kpi_cohort_retention(ORG, Period(day(2025, 3, 4), day(2025, 3, 9))).value is None


def test_churn(people):
    """Before = E−55 … E−28, last = E−27 … E. 1 active in both; 2 at E−50 only; 3 at E−28
    only (the last day of before); 4 at E−27 only; 5 at E−56 only → base {1, 2, 3}, churned
    {2, 3}: 2/3."""
    act(1, ago(40))
    act(1, ago(3))
    act(2, ago(50))
    act(3, ago(28))
    act(4, ago(27))
    act(5, ago(56))
    result = kpis.kpi_churn(ORG, period())
    assert (result.value, result.numerator, result.denominator) == (
        approx(Fraction(2, 3)),
        2,
        3,
    )


def test_churn_of_a_community_ignores_platform_presence(people):
    act(1, ago(40), C, contributions=1)
    act(1, ago(3))  # came to the platform, did nothing in C
    assert kpis.kpi_churn(community(), period()).value == 1


# --- network -----------------------------------------------------------------------------


def network_rows() -> None:
    interact(ago(1), 1, 2)
    interact(ago(3), 2, 1)
    interact(ago(2), 1, 3)
    interact(ago(2), 1, 3, kind="mention")
    interact(ago(2), 3, 4, community_id=OTHER)
    interact(ago(4), 4, 3)
    interact(ago(40), 5, 6)
    interact(ago(5), 6, 5)


def test_reciprocity(people):
    """Edges in C, 28 days: 1→2, 2→1, 1→3, 4→3, 6→5 (5→6 is older; 3→4 elsewhere):
    2 reciprocated of 5, as networkx says."""
    network_rows()
    result = kpis.kpi_reciprocity(community(), period())
    assert (result.value, result.numerator, result.denominator) == (0.4, 2, 5)
    graph = nx.DiGraph([(1, 2), (2, 1), (1, 3), (4, 3), (6, 5)])
    assert result.value == pytest.approx(nx.reciprocity(graph))


@pytest.fixture
def units(org, people):
    """1, 2, 4 in team A; 3 in team B; 5 without a unit; 6 in team B until E−5, then team A;
    7 in the department (the parent of both teams)."""
    a, b, department = org["team_a"].pk, org["team_b"].pk, org["department"].pk
    for pk in (1, 2, 4):
        unit(pk, a)
    unit(3, b)
    unit(5, None)
    unit(6, b)
    unit(6, a, since=ago(5))
    unit(7, department)
    return org


def test_cross_department_share_and_ei_index(units):
    """Organisation edges (units on E): 1→2, 2→1 internal; 1→3, 3→4, 4→3 external; 6→5
    unclassified (5 has no unit). E = 3, I = 2: share 3/5, E-I (3 − 2)/5."""
    network_rows()
    share = kpis.kpi_cross_department_share(ORG, period())
    assert (share.value, share.numerator, share.denominator) == (0.6, 3, 5)
    assert kpis.kpi_ei_index(ORG, period()).value == approx(0.2)


def test_ei_index_of_an_org_unit_counts_ties_leaving_its_subtree(units):
    """Team B on E holds only 3: its edges 1→3, 3→4, 4→3 all leave it (E-I = +1). The
    department holds 1, 2, 3, 4, 6, 7: every classified edge stays inside (−1)."""
    network_rows()
    team_b = Scope(org_unit_id=units["team_b"].pk)
    assert kpis.kpi_ei_index(team_b, period()).value == 1
    assert kpis.kpi_cross_department_share(team_b, period()).denominator == 3
    department = Scope(org_unit_id=units["department"].pk)
    result = kpis.kpi_ei_index(department, period())
    assert (result.value, result.denominator) == (-1, 5)


def test_new_bridges(units):
    """First interactions in the window: 1–3 (team A – team B: a bridge), 1–2 (same team),
    4–6 (both team A on E), 3–5 (5 without unit); 3–4 is older. One bridge.
    In C, only if 1 and 3 interacted in C on their first day."""
    first(1, 3, ago(5))
    first(1, 2, ago(5))
    first(4, 6, ago(2))
    first(3, 5, ago(1))
    first(3, 4, ago(40))
    result = kpis.kpi_new_bridges(ORG, period())
    assert (result.value, result.denominator) == (1, 4)
    assert kpis.kpi_new_bridges(community(), period()).value is None  # no interaction in C
    interact(ago(5), 3, 1, community_id=OTHER)
    assert kpis.kpi_new_bridges(community(), period()).value is None
    interact(ago(2), 2, 4)
    assert kpis.kpi_new_bridges(community(), period()).value == 0
    interact(ago(5), 3, 1)
    assert kpis.kpi_new_bridges(community(), period()).value == 1


def test_department_elephant_factor(units):
    """Team A 5 (1), team B 4 (3), department 3 (7), 5 (no unit) 20 left out: 12 in all;
    5 < 6, 9 ≥ 6 → 2 org units."""
    act(1, ago(1), C, contributions=5)
    act(3, ago(1), C, contributions=4)
    act(7, ago(1), C, contributions=3)
    act(5, ago(1), C, contributions=20)
    result = kpis.kpi_department_elephant_factor(ORG, period())
    assert (result.value, result.denominator) == (2, 12)
    assert result.parts["unassigned"] == 20


def test_brokers_are_counted_never_named(units):
    """A star around 7 (department): 1 and 2 in team A → 7's ties span one unit: 0 brokers.
    Add 3 (team B): its ties span two units → 1 broker (top 10 % of 4 people = 1)."""
    interact(ago(1), 1, 7)
    interact(ago(1), 7, 2)
    assert kpis.kpi_brokers(ORG, period()).value == 0
    interact(ago(1), 3, 7)
    result = kpis.kpi_brokers(ORG, period())
    assert (result.value, result.denominator) == (1, 4)
    assert set(result.parts) == {"sampled"}


def test_leader_participation(units):
    """Managers on E: 2 (of 1 and 3), 5 (of 4), 8 (of 6 since E−10; before, 9). Contributed
    in 28 days: 2 and 8 (9 too, but is no longer a manager) → 2/3."""
    from rucher.analytics.models import PersonUnit

    PersonUnit.objects.all().delete()
    unit(1, None, manager=2)
    unit(3, None, manager=2)
    unit(4, None, manager=5)
    unit(6, None, manager=9, since=ago(40))
    unit(6, None, manager=8, since=ago(10))
    act(2, ago(3), C, contributions=1)
    act(8, ago(1), None, contributions=1)
    act(9, ago(1), C, contributions=1)
    act(5, ago(1))  # reached, did not contribute
    result = kpis.kpi_leader_participation(ORG, period())
    assert (result.value, result.numerator, result.denominator) == (
        approx(Fraction(2, 3)),
        2,
        3,
    )


def test_interaction_matrix_merges_small_units(units):
    """People on E by unit: team A 4 (1, 2, 4, 6), team B 1 (3), department 1 (7); 5 has no
    unit. Interactions: A→A 2, A→B 3 (1→3 twice, 4→3), B→A 1; 6→5 unclassified.
    Threshold 2: team B and the department merge into "other groups" (2 people).
    Threshold 5 (the default): every unit is too small; merged they are 6: one cell."""
    from rucher.analytics import privacy

    network_rows()
    team_a = units["team_a"].pk
    matrix = kpis.interaction_matrix(ORG, period(), threshold=2)
    assert matrix.keys == [team_a, privacy.OTHER]
    assert matrix.cells == {
        (team_a, team_a): 2,
        (team_a, privacy.OTHER): 3,
        (privacy.OTHER, team_a): 1,
    }
    assert matrix.hidden == 2
    default = kpis.interaction_matrix(ORG, period())
    assert (default.threshold, default.keys) == (5, [privacy.OTHER])
    assert default.cells == {(privacy.OTHER, privacy.OTHER): 6}


# --- communities -------------------------------------------------------------------------


def test_vitality_and_silent_communities(db):
    """A: last post E−9 (9 days, alert). B: last post E−30 (silent). New: created E−3, no
    post (silent). Archived before E and created after E: not counted. Silent 2 of 3."""
    from rucher.communities.models import Community, CommunityKind

    kind = CommunityKind.objects.get(code="interest")

    def make(name: str, created: datetime.date, archived: datetime.date | None = None):
        return Community.objects.create(
            name=name,
            slug=name,
            kind=kind,
            created_at=at(created),
            archived_at=at(archived) if archived else None,
        )

    a, b = make("a", ago(100)), make("b", ago(100))
    new = make("new", ago(3))
    gone = make("gone", ago(100), archived=ago(40))
    make("future", E + datetime.timedelta(days=2))
    community_day(a.pk, ago(9), posts=1)
    community_day(a.pk, ago(2), comments=3)
    community_day(b.pk, ago(30), posts=2)
    community_day(gone.pk, ago(50), posts=2)
    silent = kpis.kpi_silent_communities(ORG, period())
    assert (silent.value, silent.numerator, silent.denominator) == (
        approx(Fraction(2, 3)),
        2,
        3,
    )
    vitality = kpis.kpi_vitality(Scope.community(a.pk), period())
    assert vitality.value == 9
    assert vitality.parts["alert"] is True
    assert kpis.kpi_vitality(ORG, period()).value == 9
    assert kpis.kpi_vitality(Scope.community(b.pk), period()).value == 30
    never = kpis.kpi_vitality(Scope.community(new.pk), period())
    assert never.value is None and never.parts["alert"] is True


def test_activation_and_funnel(people):
    """Internal active people on E: 1–9; ever reached up to E: 1, 2, 3, 4 → 4/9."""
    act(1, ago(300))
    act(2, ago(1), C, contributions=1)
    act(3, ago(3))
    act(4, ago(20), reached=False, answers_accepted=1)  # not reached: an answer accepted
    act(4, ago(100), C, contributions=1)
    act(5, E + datetime.timedelta(days=1))  # after the period
    assert kpis.kpi_activation(ORG, period()).value == approx(Fraction(4, 9))
    funnel = dict(kpis.adoption_funnel(ORG, period()))
    assert list(funnel) == ["invited", "activated", "reached", "contributing", "habitual"]
    assert funnel["invited"].value == 9
    assert funnel["reached"].numerator == 2
    assert funnel["contributing"].numerator == 1


# --- no data and the registry ------------------------------------------------------------


def test_no_data_is_none_never_zero(db):
    empty = community(999)
    for key, spec in KPIS.items():
        result = spec(empty, period())
        assert isinstance(result, KpiValue)
        assert result.value is None, key
        assert result.definition_key == key


def test_registry_describes_every_kpi():
    assert {
        "reach",
        "contribution",
        "contributor_rate",
        "habitual_users",
        "stickiness",
        "participation_profile",
        "contributor_absence_factor",
        "organic_share",
        "organic_first_responses",
        "response_rate",
        "time_to_first_response",
        "question_resolution",
        "conversion",
        "cohort_retention_4",
        "cohort_retention_8",
        "cohort_retention_12",
        "churn",
        "reciprocity",
        "cross_department_share",
        "ei_index",
        "new_bridges",
        "department_elephant_factor",
        "brokers",
        "vitality",
        "leader_participation",
    } <= set(KPIS)
    for spec in KPIS.values():
        assert str(spec.label) and str(spec.definition)
        assert spec.unit in {"ratio", "count", "hours", "days", "index"}
        assert all(w in (1, 7, 28) for w in spec.windows)


def test_thresholds_can_be_overridden(people):
    """With habitual_min_days = 3, 5 (reached on 3 days) becomes habitual."""
    for offset in range(3):
        act(5, ago(offset))
    assert kpis.kpi_habitual_users(community(), period()).numerator == 0
    config = AnalyticsConfig.current()
    config.lifecycle_thresholds = {"habitual_min_days": 3}
    config.save()
    assert kpis.kpi_habitual_users(community(), period()).numerator == 1


def test_reads_shared_within_a_page_only(db, django_assert_num_queries):
    """Inside ``shared_reads()`` each person's unit on a day is read once for the page."""
    day = datetime.date(2025, 3, 1)
    with kpis.shared_reads(), django_assert_num_queries(1):
        assert kpis.units_on(day) is kpis.units_on(day)
    with django_assert_num_queries(2):
        kpis.units_on(day)
        kpis.units_on(day)
