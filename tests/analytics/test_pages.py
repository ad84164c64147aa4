"""The analytics pages: who reaches them, what they show, bad periods, privacy."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rucher.analytics.models import AnalyticsConfig
from tests.analytics.helpers import activity

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(personas, communities):
    return {**activity(personas, communities), "communities": communities, **personas}


def insights(world, who, visibility="open", **query):
    url = reverse("analytics:community", args=[world["communities"][visibility].slug])
    return client_for(world[who]).get(url, query)


def test_insights_show_indicators_stage_alerts_and_threshold(world):
    response = insights(world, "animator")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="kpi-reach"' in html
    assert 'data-testid="privacy-note"' in html
    assert "fewer than 5 people" in html
    # Stage and the reason, the decline alert, the chart data blocks.
    assert "Decline" in html
    assert "more departures than arrivals" in html
    assert "The stage is declining" in html
    assert 'id="chart-stage-history-spec" type="application/json"' in html
    assert 'data-testid="chart-first_response"' in html
    assert 'data-testid="chart-resolution"' in html


def test_a_small_community_hides_figures_about_people(world):
    # The open circle has 4 current members (owner, animator, member, guest): below 5.
    response = insights(world, "owner")
    html = response.content.decode()
    assert 'data-testid="small-community"' in html
    assert 'data-testid="chart-contributors_readers"' not in html
    assert "hidden" in html  # KPI tiles resting on too few people


def test_no_data_reads_no_data_not_zero(world):
    response = insights(world, "owner", visibility="private")
    html = response.content.decode()
    assert response.status_code == 200
    assert "no data" in html or "hidden" in html
    assert 'data-testid="chart-empty"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom", "start": "2099-01-01", "end": "2099-01-31"}, "future"),
        ({"period": "custom", "start": "2024-03-10", "end": "2024-03-01"}, "starts after it ends"),
        ({"period": "custom", "start": "", "end": "2024-03-01"}, "first day"),
        ({"period": "custom", "start": "not a date", "end": "2024-03-01"}, "valid date"),
    ],
)
def test_a_bad_period_is_a_clear_error_and_keeps_the_input(world, query, message):
    response = insights(world, "owner", **query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="period-error"' in html
    assert message in html
    assert f'value="{query["end"]}"' in html
    assert 'data-testid="kpis"' not in html


def test_presets_and_custom_periods(world):
    today = timezone.localdate()
    for preset in ("7", "28", "90"):
        assert insights(world, "owner", period=preset).status_code == 200
    start = (today - datetime.timedelta(days=10)).isoformat()
    response = insights(world, "owner", period="custom", start=start, end=today.isoformat())
    assert response.status_code == 200
    assert f'value="{start}"' in response.content.decode()


def test_who_sees_community_insights(world):
    assert insights(world, "member").status_code == 200  # a member of an open community
    assert insights(world, "guest").status_code == 403  # partner guests never
    assert insights(world, "outsider").status_code == 403
    assert insights(world, "member", "private").status_code == 403
    assert insights(world, "project_lead", "private").status_code == 200
    assert insights(world, "project_lead", "secret").status_code == 404
    assert insights(world, "outsider", "secret").status_code == 404


def test_network_dashboard(world):
    response = client_for(world["project_lead"]).get(reverse("analytics:network"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("funnel", "unit_interactions", "new_bridges", "stages"):
        assert f'data-testid="chart-{key}"' in html
    assert 'data-testid="table-dormant"' in html
    assert 'data-testid="table-leaders"' in html
    assert 'data-testid="privacy-note"' in html
    assert client_for(world["member"]).get(reverse("analytics:network")).status_code == 403
    # Another level of the org tree.
    assert (
        client_for(world["admin"]).get(reverse("analytics:network"), {"level": 3}).status_code
        == 200
    )


def test_network_never_names_people(world):
    html = client_for(world["admin"]).get(reverse("analytics:network")).content.decode()
    for who in ("member", "animator", "owner", "manager"):
        assert world[who].display_name not in html.split("</header>", 1)[1]


def test_my_activity_is_mine_only(world):
    today = timezone.localdate()
    week = {"period": "custom", "start": str(today - datetime.timedelta(days=6)), "end": str(today)}
    response = client_for(world["member"]).get(reverse("analytics:my_activity"), week)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="my-summary"' in html
    assert world["communities"]["open"].name in html
    main = html.split('id="main"', 1)[1]
    assert world["animator"].display_name not in main
    assert world["owner"].display_name not in main


def test_charter_is_for_everyone_logged_in(world):
    for who in ("guest", "member", "admin"):
        response = client_for(world[who]).get(reverse("analytics:charter"))
        assert response.status_code == 200
        assert "Who sees what" in response.content.decode()
    assert Client().get(reverse("analytics:charter")).status_code == 302


def test_privacy_settings_admins_only_and_never_below_five(world):
    url = reverse("analytics:privacy")
    assert client_for(world["member"]).get(url).status_code == 403
    assert client_for(world["project_lead"]).post(url, {"min_group_size": 9}).status_code == 403
    admin = client_for(world["admin"])
    response = admin.post(url, {"min_group_size": 3})
    assert response.status_code == 400
    assert 'value="3"' in response.content.decode()
    assert AnalyticsConfig.current().min_group_size == 5
    assert admin.post(url, {"min_group_size": 8}).status_code == 302
    assert AnalyticsConfig.current().min_group_size == 8
    # Every page shows the new threshold.
    html = insights(world, "animator").content.decode()
    assert "fewer than 8 people" in html


def test_index_lists_the_communities_i_may_analyse(world):
    html = client_for(world["member"]).get(reverse("analytics:index")).content.decode()
    assert world["communities"]["open"].name in html
    assert world["communities"]["private"].name not in html
    assert 'data-testid="link-network"' not in html
    html = client_for(world["project_lead"]).get(reverse("analytics:index")).content.decode()
    assert 'data-testid="link-network"' in html
    assert world["communities"]["secret"].name not in html
