"""Periods and scopes: validation, presets, and who may look at which scope."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from rucher.analytics.periods import (
    Period,
    Scope,
    may_see_community_insights,
    scope_for,
)
from rucher.core.errors import Forbidden, Invalid, NotFound

TODAY = datetime.date(2025, 3, 31)


def day(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def test_presets_end_yesterday_or_today():
    week = Period.last(7, today_=TODAY)
    assert (week.start, week.end, week.days) == (day(7), day(1), 7)
    assert Period.last(28, include_today=True, today_=TODAY) == Period(day(27), TODAY)
    assert Period.parse(preset="90", today_=TODAY).days == 90
    assert Period.parse(today_=TODAY).days == 28
    assert Period.parse(start="2025-03-01", end="2025-03-10", today_=TODAY) == Period(
        datetime.date(2025, 3, 1), datetime.date(2025, 3, 10)
    )


def test_windows_end_on_the_period_end():
    period = Period(day(30), day(1))
    assert period.window(7) == (day(7), day(1))
    assert period.window(None) == (day(30), day(1))
    assert list(Period(day(2), day(1))) == [day(2), day(1)]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (day(1), day(5), "start"),  # reversed
        (day(5), TODAY + datetime.timedelta(days=1), "end"),  # ends in the future
        (TODAY + datetime.timedelta(days=2), TODAY + datetime.timedelta(days=3), "end"),
        (day(2000), day(1), "start"),  # too long
    ],
)
def test_bad_periods_are_refused_with_a_message(start, end, field):
    with pytest.raises(Invalid) as caught:
        Period.of(start, end, today_=TODAY)
    assert field in caught.value.fields
    assert caught.value.message


def test_messages_are_translated():
    with translation.override("fr"), pytest.raises(Invalid) as caught:
        Period.of(day(1), day(5), today_=TODAY)
    assert caught.value.message != "The period starts after it ends."


@pytest.mark.parametrize(
    "query",
    [
        {"preset": "12"},
        {"preset": "abc"},
        {"start": "2025-03-01"},
        {"start": "yesterday", "end": "2025-03-02"},
    ],
)
def test_bad_requests(query):
    with pytest.raises(Invalid):
        Period.parse(today_=TODAY, **query)


def test_scopes():
    assert Scope().is_organisation
    assert Scope.community(4).single_community == 4
    assert Scope(communities=frozenset({1, 2})).single_community is None


# --- who may see what --------------------------------------------------------------------


@pytest.mark.django_db
def test_community_insights_for_managers_team_admins_and_open_members(personas, communities):
    open_ = communities["open"]
    for who in ("owner", "animator", "admin", "project_lead", "member"):
        assert scope_for(personas[who], community_ids=[open_.pk]) == Scope.community(open_.pk)
    with pytest.raises(Forbidden):
        scope_for(personas["outsider"], community_ids=[open_.pk])  # not a member
    with pytest.raises(Forbidden):
        scope_for(personas["guest"], community_ids=[open_.pk])


@pytest.mark.django_db
def test_private_and_secret_communities(personas, communities):
    private, secret = communities["private"], communities["secret"]
    assert may_see_community_insights(personas["animator"], private.pk)
    with pytest.raises(Forbidden):
        scope_for(personas["member"], community_ids=[private.pk])  # members of open only
    with pytest.raises(NotFound):
        scope_for(personas["outsider"], community_ids=[secret.pk])  # as if missing
    with pytest.raises(NotFound):
        scope_for(personas["owner"], community_ids=[987654])
    assert not may_see_community_insights(personas["outsider"], secret.pk)


@pytest.mark.django_db
def test_network_scopes_for_the_project_team_and_administrators(personas, org):
    assert scope_for(personas["admin"]) == Scope()
    unit = org["department"].pk
    assert scope_for(personas["project_lead"], org_unit_id=unit) == Scope(org_unit_id=unit)
    for who in ("manager", "member", "owner", "guest"):
        with pytest.raises(Forbidden):
            scope_for(personas[who])
        with pytest.raises(Forbidden):
            scope_for(personas[who], org_unit_id=unit)
    with pytest.raises(NotFound):
        scope_for(personas["admin"], org_unit_id=987654)
    with pytest.raises(Invalid):
        scope_for(personas["admin"], community_ids=[])
