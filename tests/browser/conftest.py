"""Headless Chromium driven by Playwright against pytest-django's live server.

There is no ``playwright install``: the tests use the Chromium of the system (Debian's
``chromium`` package). Without it they are skipped with the reason, unless
``RUCHER_REQUIRE_BROWSER=1`` (set by CI), in which case they fail.

On failure, a screenshot of the page lands in ``test-artifacts/``. Set
``RUCHER_BROWSER_SCREENSHOTS=1`` to also keep a screenshot of each step named by the test.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate. The ORM calls made here
# (fixtures creating data, assertions reading it back) never run concurrently with the loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _browser_required() -> bool:
    return os.environ.get("RUCHER_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module (and xdist worker); stopped after the module.

    Module scope rather than session scope: once Playwright stops, no event loop is left
    running in the thread, so later tests in the same process are unaffected.
    """
    executable = shutil.which("chromium")
    if executable is None:
        reason = (
            "Chromium is not installed (Debian: apt-get install -y chromium); "
            "browser tests need it."
        )
        if _browser_required():
            pytest.fail(f"{reason} RUCHER_REQUIRE_BROWSER=1 makes this a failure.")
        pytest.skip(f"{reason} Set RUCHER_REQUIRE_BROWSER=1 to fail instead of skipping.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class PageProblems(list[str]):
    """JavaScript errors and console errors seen by a page (CSP violations included)."""


@pytest.fixture
def browser_page_factory(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """Make pages in fresh browser contexts (no shared cookies) at a given viewport size.

    Every page records uncaught JavaScript errors and console errors in ``page.problems``.
    When the test fails, each page open at that moment is saved as a screenshot.
    """
    contexts: list[Any] = []
    pages: list[Any] = []

    def make(viewport: dict[str, int] | None = None, locale: str = "en-GB") -> Any:
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale=locale, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems = PageProblems()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.problems = problems
        pages.append(page)
        return page

    yield make

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for number, page in enumerate(pages, start=1):
            target = ARTIFACTS / f"{_safe(request.node.name)}-{number}-failure.png"
            try:
                page.screenshot(path=str(target), full_page=True)
            except Exception as error:  # a crashed page must not hide the test's own failure
                print(f"Could not save {target}: {error}")
            else:
                print(f"Screenshot of the failing page: {target}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(browser_page_factory: Callable[..., Any]) -> Any:
    """A desktop-sized page."""
    return browser_page_factory()


@pytest.fixture
def snap(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """``snap(page, "step")`` keeps a screenshot when RUCHER_BROWSER_SCREENSHOTS=1."""
    enabled = os.environ.get("RUCHER_BROWSER_SCREENSHOTS", "") in {"1", "true", "yes"}

    def take(page: Any, step: str) -> None:
        if enabled:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"{_safe(request.node.name)}-{_safe(step)}.png"),
                full_page=True,
            )

    return take


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
