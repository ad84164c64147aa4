"""A community's insights in a real browser: the charts draw under the strict
Content-Security-Policy (no eval, no inline style), a bad period is explained and keeps
what was typed, and the page fits a phone."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

from tests.analytics.helpers import activity
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def test_insights_page_draws_its_charts_and_explains_a_bad_period(
    browser_page_factory, snap, personas, communities
):
    activity(personas, communities)
    community = communities["open"]
    today = timezone.localdate()
    page = browser_page_factory()
    log_in(page, personas["animator"].email)

    # From the menu to the community's insights.
    page.get_by_role("link", name="Insights").first.click()
    page.get_by_role("link", name=community.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(community.name)
    expect(page.get_by_test_id("privacy-note")).to_contain_text("fewer than 5 people")

    # A custom period that includes today's question and answer.
    page.locator("#id_start").fill((today - datetime.timedelta(days=13)).isoformat())
    page.locator("#id_end").fill(today.isoformat())
    expect(page.locator("#id_period")).to_have_value("custom")
    page.get_by_role("button", name="Show").click()
    for key in ("activity", "first_response", "resolution", "stage_history"):
        expect(page.locator(f"[data-testid=chart-{key}] .chart svg")).to_have_count(1)
    expect(page.get_by_test_id("alerts")).to_contain_text("The stage is declining")
    expect(page.get_by_test_id("stage-explanation")).to_contain_text("departures")
    # The figures behind a chart are a table a keyboard or screen reader reaches.
    page.locator("[data-testid=chart-resolution] summary").click()
    expect(page.get_by_test_id("table-resolution")).to_contain_text("Answered, none accepted")
    snap(page, "insights")
    assert list(page.problems) == [], "\n".join(page.problems)

    # A period in the future: a clear message, the dates typed are still there.
    page.locator("#id_start").fill("2099-01-01")
    page.locator("#id_end").fill("2099-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("period-error").first).to_contain_text("future")
    expect(page.locator("#id_start")).to_have_value("2099-01-01")
    snap(page, "bad-period")


def test_insights_fit_a_phone(browser_page_factory, personas, communities):
    from tests.browser.conftest import PHONE

    activity(personas, communities)
    page = browser_page_factory(PHONE)
    log_in(page, personas["owner"].email)
    page.goto(f"/analytics/communities/{communities['open'].slug}/?period=90")
    expect(page.locator("[data-testid=chart-stage_history] .chart svg")).to_have_count(1)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    assert list(page.problems) == [], "\n".join(page.problems)
