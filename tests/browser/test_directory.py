"""What a person does in a real browser: find a colleague by skill, walk the org chart,
switch language and come back, and use the site on a phone.

Data comes from the shared personas (created through services); logging in goes through the
real login form. Every step asserts what a person would notice on the screen.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def expect(target: Any) -> Any:
    """Playwright's retrying assertions (imported late: the module must import without it)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def translated(text: str, language: str) -> str:
    """The catalogue's translation of ``text``; ``text`` itself while it is untranslated."""
    with translation.override(language):
        return translation.gettext(text)


def log_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def main_nav(page: Any, language: str = "en") -> Any:
    return page.get_by_role("navigation", name=translated("Main navigation", language))


def assert_no_page_problems(page: Any) -> None:
    """No JavaScript error and no console error (CSP violations show up there)."""
    assert list(page.problems) == [], "\n".join(page.problems)


def test_find_a_colleague_by_skill_walk_the_org_chart_and_switch_language(
    page, snap, outsider, member, animator, manager
):
    log_in(page, outsider.email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    snap(page, "home")

    # The People directory, reached from the navigation.
    main_nav(page).get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_role("heading", name="People", level=1, exact=True)).to_be_visible()
    results = page.locator("#results")
    expect(results).to_contain_text("Marie Membre")
    expect(results).to_contain_text("Antoine Animateur")
    snap(page, "directory")

    # Filtering by skill updates the results in place (htmx), without reloading the page.
    page.evaluate("window.__rucherSamePage = true")
    page.locator("#q").fill("Signalling")
    expect(results).not_to_contain_text("Antoine Animateur")
    expect(results).to_contain_text("Marie Membre")
    expect(results.get_by_role("link", name="Marie Membre", exact=True)).to_have_count(1)
    expect(page).to_have_url(re.compile(r"[?&]q=Signalling"))  # a link one can share
    assert page.evaluate("window.__rucherSamePage === true"), "the search reloaded the page"
    snap(page, "directory-filtered")

    # Marie's profile, then her org chart: Mona manages her.
    results.get_by_role("link", name="Marie Membre", exact=True).click()
    expect(page.get_by_role("heading", name="Marie Membre", level=1, exact=True)).to_be_visible()
    expect(page.get_by_text("Rail engineer").first).to_be_visible()
    snap(page, "profile")
    page.get_by_role("link", name="Org chart", exact=True).click()
    expect(
        page.get_by_role("heading", name="Org chart of Marie Membre", level=1, exact=True)
    ).to_be_visible()
    chain = page.get_by_test_id("manager-chain")
    expect(chain).to_contain_text("Mona Manager")
    snap(page, "org-chart-marie")

    # From Mona's org chart, Marie is among her direct reports.
    chain.get_by_role("link", name=re.compile("Mona Manager")).click()
    expect(
        page.get_by_role("heading", name="Org chart of Mona Manager", level=1, exact=True)
    ).to_be_visible()
    reports = page.get_by_test_id("direct-reports")
    expect(reports.get_by_role("link", name="Marie Membre", exact=True)).to_be_visible()
    expect(reports.get_by_role("link", name="Antoine Animateur", exact=True)).to_be_visible()
    expect(page.get_by_test_id("manager-chain")).to_have_count(0)
    snap(page, "org-chart-mona")
    org_chart_url = page.url

    # Français, from the footer: the page comes back in French, on the same page.
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(org_chart_url)
    expect_language_buttons(page, pressed="Français", released="English")
    people_fr = translated("People", "fr")
    if people_fr != "People":  # the French catalogue has the word: the navigation shows it
        expect(main_nav(page, "fr").get_by_role("link", name=people_fr, exact=True)).to_be_visible()
    snap(page, "french")

    # The preference persists after a reload, and is stored on the person.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect_language_buttons(page, pressed="Français", released="English")
    outsider.refresh_from_db()
    assert outsider.language == "fr"

    # Back to English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect_language_buttons(page, pressed="English", released="Français")
    expect(main_nav(page).get_by_role("link", name="People", exact=True)).to_be_visible()
    outsider.refresh_from_db()
    assert outsider.language == "en"
    snap(page, "english-again")

    assert_no_page_problems(page)


def test_saved_language_wins_over_the_browser_in_a_new_session(browser_page_factory, outsider):
    first = browser_page_factory()
    log_in(first, outsider.email)
    first.get_by_role("button", name="Français").click()
    expect(first.locator("html")).to_have_attribute("lang", "fr")

    # Another browser with an English Accept-Language and no language cookie.
    second = browser_page_factory(locale="en-GB")
    log_in(second, outsider.email)
    expect(second.locator("html")).to_have_attribute("lang", "fr")
    expect_language_buttons(second, pressed="Français", released="English")

    assert_no_page_problems(first)
    assert_no_page_problems(second)


def expect_language_buttons(page: Any, *, pressed: str, released: str) -> None:
    expect(page.get_by_role("button", name=pressed, exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("button", name=released, exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )


def test_on_a_phone_the_navigation_folds_behind_the_menu_button(
    browser_page_factory, snap, outsider, member
):
    page = browser_page_factory(viewport={"width": 390, "height": 844})
    log_in(page, outsider.email)

    menu = page.get_by_role("button", name="Open the menu")
    people = main_nav(page).get_by_role("link", name="People", exact=True)
    expect(menu).to_be_visible()
    expect(people).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    snap(page, "phone-folded")

    menu.click()
    expect(people).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    # Bootstrap's collapse animation has finished once the menu holds the "show" class alone.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"^(?!.*collapsing).*\bshow\b"))
    snap(page, "phone-open")
    people.click()

    expect(page.get_by_role("heading", name="People", level=1, exact=True)).to_be_visible()
    expect(page.locator("#results")).to_contain_text("Marie Membre")
    expect(people).to_be_hidden()  # the menu folds again on the new page
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a 390px screen"
    snap(page, "phone-directory")

    assert_no_page_problems(page)
