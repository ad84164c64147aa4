"""Communities in a real browser: ask to join a private community, get accepted by its
animator, then read it; and the community pages on a phone.

Data comes from the shared ``communities`` fixture (created through services); logging in
goes through the real login form. Every step asserts what a person would notice.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def expect(target: Any) -> Any:
    """Playwright's retrying assertions (imported late: the module must import without it)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def assert_no_page_problems(page: Any) -> None:
    assert list(page.problems) == [], "\n".join(page.problems)


def assert_no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_ask_to_join_a_private_community_get_accepted_then_read_it(
    browser_page_factory, snap, communities, outsider, animator
):
    # Oscar finds the private community in the directory and asks to join, with a message.
    page = browser_page_factory()
    log_in(page, outsider.email)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Communities"
    ).click()
    expect(page.get_by_role("heading", name="Communities", level=1)).to_be_visible()
    page.evaluate("window.__rucherSamePage = true")
    page.locator("#q").fill("private")
    results = page.locator("#results")
    expect(results).not_to_contain_text("Open circle")
    assert page.evaluate("window.__rucherSamePage === true"), "the search reloaded the page"
    snap(page, "directory-search")
    results.get_by_role("link", name="Private circle").click()
    expect(page.get_by_role("heading", name="Private circle", level=1)).to_be_visible()
    expect(page.get_by_test_id("members-only")).to_be_visible()
    expect(page.get_by_role("link", name="Members", exact=True)).to_have_count(0)
    page.get_by_label("Message to the animators").fill("I maintain the signalling of line 4.")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_text("Your request has been sent")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw my request")).to_be_visible()
    snap(page, "request-sent")

    # Antoine, its animator, accepts the request from the members page.
    manager_page = browser_page_factory()
    log_in(manager_page, animator.email)
    manager_page.goto("/communities/private-circle/")
    manager_page.get_by_role("link", name="Members", exact=True).click()
    requests = manager_page.get_by_test_id("join-requests")
    expect(requests).to_contain_text("Oscar Outsider")
    expect(requests).to_contain_text("I maintain the signalling of line 4.")
    requests.get_by_label("Reply to Oscar Outsider (optional)").fill("Welcome aboard!")
    snap(manager_page, "members-with-request")
    requests.get_by_role("button", name="Accept Oscar Outsider").click()
    expect(manager_page.get_by_text("Oscar Outsider is now a member.")).to_be_visible()
    expect(manager_page.get_by_test_id("join-requests")).to_have_count(0)
    expect(manager_page.get_by_test_id("members")).to_contain_text("Oscar Outsider")

    # Oscar comes back in a new session and now reads the community and its members.
    reader = browser_page_factory()
    log_in(reader, outsider.email)
    reader.goto("/communities/private-circle/")
    expect(reader.get_by_text("You are a member of this community.")).to_be_visible()
    expect(reader.get_by_role("heading", name="Charter")).to_be_visible()
    reader.get_by_role("link", name="Members", exact=True).click()
    members = reader.get_by_test_id("members")
    expect(members).to_contain_text("Antoine Animateur")
    expect(members).to_contain_text("Oscar Outsider")
    snap(reader, "member-reads")

    for each in (page, manager_page, reader):
        assert_no_page_problems(each)


def test_community_pages_fit_a_phone(browser_page_factory, snap, communities, owner):
    page = browser_page_factory(viewport={"width": 390, "height": 844})
    log_in(page, owner.email)
    for path, heading in (
        ("/communities/", "Communities"),
        ("/communities/open-circle/", "Open circle"),
        ("/communities/open-circle/members/", "Open circle"),
        ("/communities/open-circle/settings/", "Open circle"),
        ("/communities/new/", "Create a community"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert_no_sideways_scroll(page)
        snap(page, "phone-" + (path.strip("/").replace("/", "-") or "home"))
    assert_no_page_problems(page)
