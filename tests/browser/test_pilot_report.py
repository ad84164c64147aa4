"""A pilot from creation to its steering report, in a real browser.

The project lead plans a pilot, puts the open community in it with its members as beta
users, links an objective to a KPI, starts the pilot, logs support, creates the default
survey and sends a wave; the member answers it as a beta user; the project lead opens the
report — charts drawn under the strict Content-Security-Policy, the survey kept anonymous
below the minimum group size — and downloads its PDF.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone

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


def _tab(page: Any, name: str) -> None:
    page.get_by_test_id("pilot-tabs").get_by_role("link", name=name, exact=True).click()


def test_a_pilot_from_creation_to_its_report(browser_page_factory, snap, personas, communities):
    today = timezone.localdate()
    community = communities["open"]
    lead = browser_page_factory()
    log_in(lead, personas["project_lead"].email)

    # Plan the pilot.
    lead.goto("/pilots/")
    lead.get_by_test_id("new-pilot").click()
    lead.locator("#id_name").fill("Field know-how")
    lead.locator("#id_purpose").fill("Let maintenance teams share what they learn.")
    lead.locator("#id_start_date").fill((today - datetime.timedelta(days=14)).isoformat())
    lead.locator("#id_end_date").fill((today + datetime.timedelta(days=110)).isoformat())
    lead.get_by_role("button", name="Plan the pilot").click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("Field know-how")

    # Scope: the open community, its members as beta users.
    _tab(lead, "Scope")
    form = lead.get_by_test_id("add-community-form")
    form.locator("#id_community_id").select_option(label=community.name)
    form.locator("#id_reason").select_option("need")
    form.get_by_role("button", name="Add to the pilot").click()
    expect(lead.get_by_test_id("pilot-communities")).to_contain_text(community.name)
    lead.get_by_role("button", name="Add the members of the pilot communities").click()
    expect(lead.get_by_test_id("beta-users")).to_contain_text(personas["member"].display_name)

    # An objective linked to a KPI.
    _tab(lead, "Objectives")
    lead.locator("#id_new-title").fill("More people write, not only read")
    lead.get_by_role("button", name="Add the objective").click()
    objective = lead.get_by_test_id("objective").filter(has_text="More people write")
    objective.get_by_test_id("add-measure").locator("summary").click()
    measure = objective.get_by_test_id("add-measure")
    measure.get_by_role("combobox", name="Activity KPI").select_option("contributor_rate")
    measure.locator("[name$='-target_value']").fill("40")
    measure.locator("[name$='-target_date']").fill(
        (today + datetime.timedelta(days=110)).isoformat()
    )
    measure.get_by_role("button", name="Link the measure").click()
    expect(lead.get_by_test_id("measure")).to_contain_text("Contributor rate")

    # Start it.
    _tab(lead, "Overview")
    lead.get_by_test_id("status-running").click()
    expect(lead.get_by_test_id("pilot-status")).to_contain_text("Running")

    # Log support.
    _tab(lead, "Support")
    form = lead.get_by_test_id("support-form")
    form.locator("#id_kind").select_option("training")
    form.locator("#id_community").select_option(label=community.name)
    form.locator("#id_day").fill((today - datetime.timedelta(days=7)).isoformat())
    form.locator("#id_hours").fill("6")
    form.locator("#id_people_reached").fill("4")
    form.get_by_role("button", name="Log the support").click()
    expect(lead.get_by_test_id("support-entry")).to_have_count(1)

    # The default survey, a mid-pilot wave open now, sent.
    _tab(lead, "Surveys")
    lead.get_by_test_id("survey-create-form").get_by_role(
        "button", name="Create the survey"
    ).click()
    wave_form = lead.get_by_test_id("wave-form")
    wave_form.locator("#id_kind").select_option("mid")
    now = timezone.localtime()
    wave_form.locator("#id_opens_at").fill(
        (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    wave_form.locator("#id_closes_at").fill(
        (now + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    )
    wave_form.get_by_role("button", name="Plan the wave").click()
    lead.get_by_test_id("send-wave").click()  # the wave's page, where it was planned
    expect(lead.get_by_test_id("wave-error")).to_have_count(0)
    snap(lead, "wave-sent")

    # The member answers as a beta user.
    member = browser_page_factory()
    log_in(member, personas["member"].email)
    member.goto("/pilots/surveys/")
    member.get_by_test_id("open-surveys").get_by_role("link", name="Answer").first.click()
    expect(member.get_by_test_id("anonymity-promise")).to_be_visible()
    answers = member.get_by_test_id("answer-form")
    for fieldset in answers.locator("fieldset").all():
        fieldset.locator("input").last.check()
    for box in answers.locator("textarea").all():
        box.fill("Finding who knows is much easier.")
    answers.get_by_role("button", name="Send my answers").click()
    expect(member.get_by_test_id("survey-done")).to_be_visible()
    assert list(member.problems) == [], "\n".join(member.problems)

    # The steering report.
    _tab(lead, "Report")
    summary = lead.get_by_test_id("report-summary")
    expect(summary).to_contain_text("Let maintenance teams share what they learn.")
    expect(summary).to_contain_text("6hours of support")
    expect(lead.get_by_test_id("report-objectives")).to_contain_text(
        "More people write, not only read"
    )
    expect(lead.get_by_test_id("report-support-sentence")).to_contain_text("hours of support")
    expect(lead.locator("[data-testid=chart-support_by_month] .chart svg")).to_have_count(1)
    surveys = lead.get_by_test_id("report-surveys")
    expect(surveys).to_contain_text(re.compile(r"Pilot: 1 of \d+ invited answered"))
    expect(surveys).to_contain_text("Fewer than")  # one answer: kept anonymous
    snap(lead, "report")
    assert list(lead.problems) == [], "\n".join(lead.problems)

    # Drawing the charts and laying out A4 pages takes seconds on a busy machine.
    pdf = lead.request.get(lead.get_by_test_id("report-pdf").get_attribute("href"), timeout=120_000)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
