"""The lifecycle thresholds page and service: defaults shown, validation with clear messages
that keep what was typed, overrides only stored, reset, recorded, stages recomputed."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rucher.analytics import lifecycle
from rucher.analytics.lifecycle import LIFECYCLE_DEFAULTS
from rucher.analytics.models import AnalyticsConfig, StageHistory
from rucher.analytics.thresholds import BY_KEY, lifecycle_thresholds_update
from rucher.core.errors import Forbidden, Invalid
from rucher.core.models import Event

pytestmark = pytest.mark.django_db
URL = "analytics:thresholds"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def posted(**changes) -> dict[str, str]:
    """Every field as the page shows it (English), with ``changes``."""
    values = {key: str(value) for key, value in lifecycle.thresholds().items()}
    values.update({key: str(value) for key, value in changes.items()})
    return {**values, "action": "save"}


def test_the_page_shows_every_threshold_with_its_default(admin):
    response = client_for(admin).get(reverse(URL))
    assert response.status_code == 200
    html = response.content.decode()
    for key in BY_KEY:
        assert f'name="{key}"' in html
    assert "Default: 0.50 (sourced: Millington)." in html
    assert "Default: 28 (a proposal, no published source)." in html


def test_only_administrators(member, project_lead):
    for person in (member, project_lead):
        assert client_for(person).get(reverse(URL)).status_code == 403
        assert client_for(person).post(reverse(URL), posted(window_days=14)).status_code == 403
    with pytest.raises(Forbidden):
        lifecycle_thresholds_update(actor=member, values={"window_days": 14})
    assert AnalyticsConfig.current().lifecycle_thresholds == {}


def test_saving_stores_only_overrides_records_and_recomputes(admin, communities):
    stale = StageHistory.objects.create(
        community_id=communities["open"].pk,
        week_start=datetime.date(1999, 1, 4),
        stage=lifecycle.MATURITY,
    )
    response = client_for(admin).post(
        reverse(URL), posted(window_days=21, maturity_response_min="0.8")
    )
    assert response.status_code == 302
    assert AnalyticsConfig.current().lifecycle_thresholds == {
        "window_days": 21,
        "maturity_response_min": 0.8,
    }
    assert lifecycle.thresholds()["window_days"] == 21
    event = Event.objects.get(verb="analytics.config_updated")
    assert event.payload["lifecycle_thresholds"] == {
        "window_days": {"from": 28, "to": 21},
        "maturity_response_min": {"from": 0.7, "to": 0.8},
    }
    # The history was rewritten with the new rules (the task runs at once in tests): the
    # stale week is gone (the communities are too young for a complete week of their own).
    assert not StageHistory.objects.filter(pk=stale.pk).exists()
    follow = client_for(admin).get(reverse(URL))
    assert 'value="21"' in follow.content.decode()


def test_saving_the_same_values_changes_nothing(admin):
    response = client_for(admin).post(reverse(URL), posted(), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not Event.objects.filter(verb="analytics.config_updated").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"window_days": "abc"}, "window_days", "Enter a whole number."),
        ({"window_days": "3"}, "window_days", "greater than or equal to 7"),
        ({"maturity_response_min": "1.5"}, "maturity_response_min", "less than or equal to 1"),
        (
            {"establishment_organic_min": "0.95"},
            "maturity_organic_min",
            "Establishment must start below maturity.",
        ),
        (
            {"forming_contributed_below": "0.9"},
            "performing_contributed_min",
            "The forming bound must stay below the performing bound.",
        ),
        ({"team_kind": "nonsense"}, "team_kind", "Select a valid choice."),
    ],
)
def test_bad_values_are_clear_errors_that_keep_the_input(admin, changes, field, message):
    response = client_for(admin).post(reverse(URL), posted(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    typed = next(iter(changes.values()))
    assert f'value="{typed}"' in html or f'value="{typed}" selected' in html or "nonsense" in html
    assert AnalyticsConfig.current().lifecycle_thresholds == {}


def test_the_service_checks_bounds_and_orders(admin):
    with pytest.raises(Invalid) as error:
        lifecycle_thresholds_update(
            actor=admin, values={"trend_band": "-0.1", "up_after": "2.5", "team_kind": "x"}
        )
    assert set(error.value.fields) == {"trend_band", "up_after", "team_kind"}
    with pytest.raises(Invalid) as error:
        lifecycle_thresholds_update(actor=admin, values={"inception_organic_below": 0.95})
    assert "maturity_organic_min" in error.value.fields


def test_reset_goes_back_to_every_default_and_keeps_kpi_overrides(admin):
    config = AnalyticsConfig.current()
    config.lifecycle_thresholds = {"response_hours": 24}  # a KPI threshold, same JSON object
    config.save()
    lifecycle_thresholds_update(actor=admin, values={"window_days": 14, "trend_band": 0.2})
    assert AnalyticsConfig.current().lifecycle_thresholds == {
        "response_hours": 24,
        "window_days": 14,
        "trend_band": 0.2,
    }
    response = client_for(admin).post(reverse(URL), {"action": "reset"})
    assert response.status_code == 302
    assert AnalyticsConfig.current().lifecycle_thresholds == {"response_hours": 24}
    assert lifecycle.thresholds() == LIFECYCLE_DEFAULTS
    last = Event.objects.filter(verb="analytics.config_updated").order_by("-id").first()
    assert last is not None and last.payload["reset"] is True


def test_french_decimals_are_accepted_and_shown(admin):
    client = client_for(admin)
    with translation.override("fr"):
        values = posted(trend_band="0,15")
        response = client.post(reverse(URL), values, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert lifecycle.thresholds()["trend_band"] == 0.15
